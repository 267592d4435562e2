/* The reports dashboard: draws each section's chart from the table it embeds (json_script
 * "report-data-<name>": {name, chart, columns: [{key, label, type}], rows: [{key: value}]}), makes the agents'
 * table sortable, and keeps the filter bar's period and dates from contradicting each other.
 * Sections arrive by htmx (hx-trigger="load"); each is drawn once, when it is swapped in.
 * The volume heat map is an HTML table rendered by the server (it works without JavaScript). */
(function () {
  "use strict";

  var COLORS = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#ec4899", "#84cc16"];
  var MUTED = "#cbd5e1";
  var charts = [];

  function formats() {
    var el = document.getElementById("reports");
    return (el && el.dataset) || {};
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function pad(number) { return number < 10 ? "0" + number : String(number); }

  /* 4m 12s, 10m, 1h 05m, 2d 3h, 45s: the same message ids as core.formatting.human_duration. */
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    var f = formats();
    var s = Math.abs(Math.round(seconds));
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    if (d) return fill(f.fmtDays || "{d}d {h}h", { d: d, h: h });
    if (h) return fill(f.fmtHours || "{h}h {m}m", { h: h, m: pad(m) });
    if (m && r) return fill(f.fmtMinutesSeconds || "{m}m {s}s", { m: m, s: pad(r) });
    if (m) return fill(f.fmtMinutes || "{m}m", { m: m });
    return fill(f.fmtSecs || "{s}s", { s: r });
  }

  /* A round step for a duration axis (1 min, 5 min, 1 h, 1 day …) giving at most about six ticks. */
  var STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
  function durationStep(longest) {
    for (var i = 0; i < STEPS.length; i++) if (longest / STEPS[i] <= 6) return STEPS[i];
    return Math.ceil(longest / 6 / 604800) * 604800;
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%";
  }

  function column(data, key) {
    for (var i = 0; i < data.columns.length; i++) if (data.columns[i].key === key) return data.columns[i];
    return { key: key, label: key, type: "text" };
  }

  function values(rows, key) { return rows.map(function (row) { return row[key] === undefined ? null : row[key]; }); }

  function rowLabel(row, keys) {
    for (var i = 0; i < keys.length; i++) if (row[keys[i]]) return String(row[keys[i]]);
    return "—";
  }

  function baseOptions() {
    return {
      responsive: true,
      maintainAspectRatio: false,
      // No animation: nine charts appear at once, and a resize (or a screenshot) never catches one mid-way.
      animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: {
          position: "bottom",
          labels: { boxWidth: 12, boxHeight: 12, sort: function (a, b) { return a.datasetIndex - b.datasetIndex; } },
        },
      },
      scales: {},
    };
  }

  /* Category labels on at most two lines, cut with … to the width of their slot (CJK characters count
   * double), never rotated: "尺码不合适 Size doesn't fit" → ["尺码不合适", "Size doesn't…"]. */
  function fit(text, units) {
    var used = 0;
    for (var i = 0; i < text.length; i++) {
      used += text.charCodeAt(i) > 0x2e80 ? 2 : 1;
      if (used > units) return text.slice(0, Math.max(i - 1, 1)) + "…";
    }
    return text;
  }

  function categoryAxis() {
    return {
      grid: { display: false },
      ticks: {
        maxRotation: 0,
        autoSkip: false,
        callback: function (value) {
          var label = String(this.getLabelForValue(value));
          var slot = this.chart.chartArea ? (this.chart.chartArea.right - this.chart.chartArea.left) / this.chart.data.labels.length : 80;
          var units = Math.max(Math.floor(slot / 6.5), 4);
          var space = label.indexOf(" ");
          var lines = space > 0 ? [label.slice(0, space), label.slice(space + 1)] : [label];
          return lines.map(function (line) { return fit(line, units); });
        },
      },
    };
  }

  function countAxis() {
    return { beginAtZero: true, ticks: { precision: 0 }, grid: { color: "#eef0f3" } };
  }

  function rateAxis(extra) {
    var axis = {
      position: "right", min: 0, max: 1, grid: { drawOnChartArea: false },
      ticks: { callback: function (value) { return Math.round(value * 100) + "%"; } },
    };
    for (var key in extra || {}) axis[key] = extra[key];
    return axis;
  }

  /* Tooltips in the column's unit, with the raw number alongside. */
  function tooltipFor(types) {
    return {
      callbacks: {
        label: function (context) {
          var type = types[context.datasetIndex] || "int";
          var raw = context.raw;
          var shown = raw;
          if (raw === null || raw === undefined) shown = "—";
          else if (type === "rate") shown = percent(raw) + " (" + raw + ")";
          else if (type === "seconds") shown = duration(raw) + " (" + raw + " s)";
          else if (type === "score") shown = Number(raw).toFixed(2);
          return context.dataset.label + ": " + shown;
        },
      },
    };
  }

  function draw(canvas, config, types) {
    config.options.plugins.tooltip = tooltipFor(types);
    var chart = new window.Chart(canvas, config);
    charts.push(chart);
    return chart;
  }

  function bar(label, data, color) {
    return { type: "bar", label: label, data: data, backgroundColor: color, borderRadius: 3, maxBarThickness: 42, order: 2 };
  }

  function line(label, data, color, axis) {
    return {
      type: "line", label: label, data: data, borderColor: color, backgroundColor: color, yAxisID: axis || "y",
      tension: 0.25, pointRadius: 3, spanGaps: true, order: 1,
    };
  }

  var DRAW = {
    /* Time bands: received and resolved as bars, the resolution rate as a line on a percent axis. */
    bands: function (section, data) {
      var rows = data.rows;
      var options = baseOptions();
      options.scales = { x: categoryAxis(), y: countAxis(), rate: rateAxis() };
      draw(section.querySelector("canvas"), {
        data: {
          // "夜间 00-08": the name, and the hours on the second line.
          labels: rows.map(function (row) { return [row.label, row.band].filter(Boolean).join(" ") || "—"; }),
          datasets: [
            bar(column(data, "received").label, values(rows, "received"), COLORS[0]),
            bar(column(data, "resolved").label, values(rows, "resolved"), COLORS[2]),
            line(column(data, "resolution_rate").label, values(rows, "resolution_rate"), COLORS[1], "rate"),
          ],
        },
        options: options,
      }, ["int", "int", "rate"]);
    },

    /* SLA: per team (and all tickets), median and 90th percentile of first response and of resolution. */
    sla: function (section, data) {
      var rows = data.rows.filter(function (row) { return row.dimension === "all" || row.dimension === "team"; });
      var labels = rows.map(function (row) { return rowLabel(row, ["name", "key", "dimension"]); });
      ["first_response", "resolution"].forEach(function (part) {
        var canvas = section.querySelector('canvas[data-part="' + part + '"]');
        if (!canvas) return;
        var options = baseOptions();
        var axis = countAxis();
        var longest = Math.max.apply(null, values(rows, part + "_p90").concat(values(rows, part + "_median"), [0]));
        axis.ticks = { callback: function (value) { return duration(value); }, stepSize: durationStep(longest) };
        options.scales = { x: categoryAxis(), y: axis };
        draw(canvas, {
          data: {
            labels: labels,
            datasets: [
              bar(column(data, part + "_median").label, values(rows, part + "_median"), COLORS[0]),
              bar(column(data, part + "_p90").label, values(rows, part + "_p90"), "#93c5fd"),
            ],
          },
          options: options,
        }, ["seconds", "seconds"]);
      });
    },

    /* Complaints per category: complaints and resolved as bars. */
    bars: function (section, data) {
      var rows = data.rows;
      var options = baseOptions();
      options.scales = { x: categoryAxis(), y: countAxis() };
      draw(section.querySelector("canvas"), {
        data: {
          labels: rows.map(function (row) { return rowLabel(row, ["label", "category"]); }),
          datasets: [
            bar(column(data, "complaints").label, values(rows, "complaints"), COLORS[3]),
            bar(column(data, "resolved").label, values(rows, "resolved"), COLORS[2]),
          ],
        },
        options: options,
      }, ["int", "int"]);
    },

    /* Satisfaction by month or quarter: one line per dimension, the overall score thicker. */
    csat: function (section, data) {
      var rows = data.rows;
      var datasets = [];
      var types = [];
      var overall = line(column(data, "csat").label, values(rows, "csat"), "#111827");
      overall.borderWidth = 3;
      datasets.push(overall);
      types.push("score");
      data.columns.forEach(function (col, index) {
        if (col.key.indexOf("dim_") !== 0) return;
        datasets.push(line(col.label, values(rows, col.key), COLORS[index % COLORS.length]));
        types.push("score");
      });
      var options = baseOptions();
      options.scales = {
        x: { offset: true },
        y: { min: 1, max: 5, ticks: { stepSize: 1 }, grid: { color: "#eef0f3" } },
      };
      draw(section.querySelector("canvas"), {
        data: { labels: rows.map(function (row) { return row.period; }), datasets: datasets },
        options: options,
      }, types);
    },

    /* Pareto: requests as bars (the vital few in colour), the cumulative share as a line, and the 80 % mark. */
    pareto: function (section, data) {
      var rows = data.rows;
      var options = baseOptions();
      options.scales = { x: categoryAxis(), y: countAxis(), rate: rateAxis() };
      var requests = bar(column(data, "requests").label, values(rows, "requests"), null);
      requests.backgroundColor = rows.map(function (row) { return row.vital_few === "yes" ? COLORS[0] : MUTED; });
      var target = line(formats().labelTarget || "80 %", rows.map(function () { return 0.8; }), COLORS[3], "rate");
      target.borderDash = [6, 4];
      target.pointRadius = 0;
      target.borderWidth = 1;
      draw(section.querySelector("canvas"), {
        data: {
          labels: rows.map(function (row) { return rowLabel(row, ["label", "title", "reason", "sku"]); }),
          datasets: [requests, line(column(data, "cumulative_share").label, values(rows, "cumulative_share"), COLORS[1], "rate"), target],
        },
        options: options,
      }, ["int", "rate", "rate"]);
    },
  };

  /* Sortable tables: click a header; numbers sort as numbers, empty cells last. */
  function makeSortable(table) {
    if (table.dataset.sortable) return;
    table.dataset.sortable = "1";
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      th.tabIndex = 0;
      function sort() {
        var descending = th.getAttribute("aria-sort") !== "descending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].dataset.sort, y = b.cells[index].dataset.sort;
          if (x === "" && y === "") return 0;
          if (x === "") return 1;
          if (y === "") return -1;
          var nx = Number(x), ny = Number(y);
          var order = !isNaN(nx) && !isNaN(ny) ? nx - ny : String(x).localeCompare(String(y));
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); } });
    });
  }

  function drawSection(section) {
    if (section.dataset.drawn) return;
    section.dataset.drawn = "1";
    section.querySelectorAll("table.sortable").forEach(makeSortable);
    var script = document.getElementById("report-data-" + section.dataset.report);
    var drawer = DRAW[section.dataset.chart];
    if (!script || !drawer || !section.querySelector("canvas")) return;
    if (!window.Chart) { console.warn("Chart.js is not loaded: run make install"); return; }
    try {
      drawer(section, JSON.parse(script.textContent));
    } catch (error) {
      console.warn("Could not draw the chart of " + section.dataset.report, error);
    }
  }

  function init(scope) {
    if (!scope || !scope.querySelectorAll) return;
    if (scope.matches && scope.matches("[data-report]")) drawSection(scope);
    scope.querySelectorAll("[data-report]").forEach(drawSection);
  }

  /* The filter bar: dates take precedence over the period, so choosing one clears the other. */
  function wireFilters() {
    var form = document.querySelector("[data-testid=report-filters]");
    if (!form) return;
    var period = form.elements.period, start = form.elements.start, end = form.elements.end;
    period.addEventListener("change", function () { if (period.value) { start.value = ""; end.value = ""; } });
    [start, end].forEach(function (input) {
      input.addEventListener("change", function () { if (input.value) period.value = ""; });
    });
  }

  /* A section that fails to load says so instead of spinning forever; a 400 (bad filters) shows its message. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.classList && elt.classList.contains("report-section") && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.classList || !elt.classList.contains("report-section")) return;
    elt.classList.add("is-error");
    elt.removeAttribute("aria-busy");
    var loading = elt.querySelector(".report-loading");
    if (loading) loading.textContent = loading.dataset.errorText || "Error";
  });
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () {
    if (window.Chart) {
      window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      window.Chart.defaults.color = "#4b5563";
    }
    wireFilters();
    init(document);
  });
})();
