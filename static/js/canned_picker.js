// The canned-reply picker in the ticket's reply box (templates/replies/_picker.html).
// "#" at the start of a word in the reply, or Ctrl+/ (⌘+/), opens a searchable list; ↑ ↓ choose, Enter inserts,
// Esc closes. Inserting asks the server for the reply filled from this ticket (a POST: it counts one use) and
// replaces the typed "#query". A variable with no value arrives as a visible 【请填写：…】 marker: the picker
// selects the first one for the agent to type over, lists them, and the form is not sent while one is left
// (the server refuses it as well).
(function () {
  "use strict";

  function init(root) {
    var form = root.closest("form");
    if (!form) return;
    var textarea = form.querySelector("[data-testid='reply-body']");
    var dropdown = root.querySelector("[data-canned-dropdown]");
    var queryInput = root.querySelector("[data-canned-query]");
    var list = root.querySelector("[data-canned-results]");
    var missingBox = root.querySelector("[data-canned-missing]");
    var csrf = form.querySelector("input[name='csrfmiddlewaretoken']");
    var markerRe = /【(?:请填写|Fill in)[：:][^】]*】/;
    var state = { open: false, results: [], active: 0, start: -1, end: -1, timer: null, seq: 0, fromHash: false };

    function close() {
      state.open = false;
      dropdown.hidden = true;
      list.textContent = "";
      state.results = [];
    }

    function open(fromHash, query) {
      state.open = true;
      state.fromHash = fromHash;
      dropdown.hidden = false;
      queryInput.hidden = fromHash; // after "#" the query is typed in the reply itself
      if (!fromHash) {
        state.start = textarea.selectionStart;
        state.end = textarea.selectionEnd;
        queryInput.value = "";
        queryInput.focus();
      }
      search(query || "");
    }

    function search(query) {
      clearTimeout(state.timer);
      state.timer = setTimeout(function () {
        var seq = ++state.seq;
        fetch(root.dataset.searchUrl + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            if (!response.ok) throw new Error(String(response.status));
            return response.json();
          })
          .then(function (data) {
            if (seq !== state.seq || !state.open) return;
            state.results = data.results;
            state.active = 0;
            draw();
          })
          .catch(function () {
            if (seq !== state.seq) return;
            list.textContent = "";
            var li = document.createElement("li");
            li.className = "muted";
            li.textContent = root.dataset.failed;
            list.appendChild(li);
          });
      }, 80);
    }

    function draw() {
      list.textContent = "";
      if (!state.results.length) {
        var empty = document.createElement("li");
        empty.className = "muted";
        empty.textContent = root.dataset.empty;
        list.appendChild(empty);
        return;
      }
      state.results.forEach(function (item, index) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("data-testid", "canned-option");
        li.setAttribute("aria-selected", index === state.active ? "true" : "false");
        if (index === state.active) li.className = "active";
        var head = document.createElement("span");
        head.className = "canned-head";
        var code = document.createElement("code");
        code.textContent = "#" + item.shortcut;
        var title = document.createElement("strong");
        title.textContent = item.title;
        var scope = document.createElement("span");
        scope.className = "badge";
        scope.textContent = item.scope_label + (item.folder ? " · " + item.folder : "");
        head.append(code, " ", title, " ", scope);
        var preview = document.createElement("span");
        preview.className = "canned-preview muted";
        preview.textContent = item.preview;
        li.append(head, preview);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the caret in the textarea
          choose(index);
        });
        list.appendChild(li);
      });
    }

    function move(step) {
      if (!state.results.length) return;
      state.active = (state.active + step + state.results.length) % state.results.length;
      draw();
      var current = list.children[state.active];
      if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var item = state.results[index];
      if (!item) return;
      var start = state.start;
      var end = state.end;
      close();
      insertReply(item.id, start, end);
    }

    // Fill reply ``id`` for this ticket and put it in place of the text between start and end.
    function insertReply(id, start, end) {
      var body = new FormData();
      body.append("reply", id);
      fetch(root.dataset.insertUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "", Accept: "application/json" },
        body: body,
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          var value = textarea.value;
          textarea.value = value.slice(0, start) + data.text + value.slice(end);
          textarea.focus();
          var caret = start + data.text.length;
          textarea.setSelectionRange(caret, caret);
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
          showMissing(data.missing);
          selectNextMarker(start);
        })
        .catch(function () {
          missingBox.hidden = false;
          missingBox.textContent = root.dataset.failed;
        });
    }

    function showMissing(missing) {
      missingBox.textContent = "";
      if (!missing.length) {
        missingBox.hidden = true;
        return;
      }
      missingBox.hidden = false;
      missingBox.append(root.dataset.missing + " ");
      missing.forEach(function (variable) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link canned-marker";
        button.textContent = variable.marker;
        button.addEventListener("click", function () {
          var at = textarea.value.indexOf(variable.marker);
          if (at >= 0) {
            textarea.focus();
            textarea.setSelectionRange(at, at + variable.marker.length);
          }
        });
        missingBox.append(button, " ");
      });
    }

    function selectNextMarker(from) {
      var match = markerRe.exec(textarea.value.slice(from));
      if (!match) {
        from = 0;
        match = markerRe.exec(textarea.value);
      }
      if (match) {
        var at = from + match.index;
        textarea.setSelectionRange(at, at + match[0].length);
      }
    }

    // "#" at the start of a word opens the picker; what follows it is the query.
    function hashQuery() {
      var caret = textarea.selectionStart;
      if (caret !== textarea.selectionEnd) return null;
      var before = textarea.value.slice(0, caret);
      var match = /(^|\s)[#＃]([^\s#＃]{0,50})$/.exec(before);
      if (!match) return null;
      return { start: caret - match[2].length - 1, end: caret, query: match[2] };
    }

    textarea.addEventListener("input", function () {
      var found = hashQuery();
      if (found) {
        state.start = found.start;
        state.end = found.end;
        if (!state.open || !state.fromHash) open(true, found.query);
        else search(found.query);
      } else if (state.open && state.fromHash) {
        close();
      }
      if (!markerRe.test(textarea.value)) {
        missingBox.hidden = true;
        textarea.classList.remove("canned-blocked");
      }
    });

    function keys(event) {
      // An input method (拼音) is composing: Enter commits its text and ↑ ↓ move among its candidates.
      if (event.isComposing || event.keyCode === 229) return;
      if ((event.ctrlKey || event.metaKey) && event.key === "/") {
        event.preventDefault();
        if (state.open) close();
        else open(false, "");
        return;
      }
      if (!state.open) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        move(1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        move(-1);
      } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        if (!state.results.length) {
          close(); // nothing to insert: Enter is a new line again
          return;
        }
        event.preventDefault();
        event.stopPropagation();
        choose(state.active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        var fromSearch = !state.fromHash;
        close();
        if (fromSearch) textarea.focus();
      }
    }

    textarea.addEventListener("keydown", keys);
    queryInput.addEventListener("keydown", keys);
    queryInput.addEventListener("input", function () {
      search(queryInput.value);
    });
    textarea.addEventListener("blur", function () {
      // A click in the list keeps focus (mousedown is prevented); leaving for elsewhere closes a "#" search.
      setTimeout(function () {
        if (state.fromHash && document.activeElement !== textarea) close();
      }, 150);
    });
    root.querySelector("[data-canned-open]").addEventListener("click", function () {
      textarea.focus();
      if (state.open) close();
      else open(false, "");
    });

    // "Insert" on a suggested reply (the ticket page's suggestions card): at the caret, or in place of the
    // selected text.
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-canned-insert]") : null;
      if (!button) return;
      event.preventDefault();
      insertReply(button.dataset.cannedInsert, textarea.selectionStart, textarea.selectionEnd);
    });

    form.addEventListener("submit", function (event) {
      if (markerRe.test(textarea.value)) {
        event.preventDefault();
        textarea.classList.add("canned-blocked");
        missingBox.hidden = false;
        if (!missingBox.textContent) missingBox.textContent = root.dataset.blocked;
        selectNextMarker(0);
        textarea.focus();
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-canned-picker]").forEach(init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
