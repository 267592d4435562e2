// Tell us the survey link was opened in a browser (a GET of the page writes nothing: link previews fetch it too).
// The address comes from this script tag's data-opened-url: no inline script (Content-Security-Policy).
(function (script) {
  "use strict";
  var url = script && script.getAttribute("data-opened-url");
  if (!url) return;
  if (navigator.sendBeacon) navigator.sendBeacon(url);
  else if (window.fetch) fetch(url, {method: "POST", keepalive: true, credentials: "omit"});
})(document.currentScript);
