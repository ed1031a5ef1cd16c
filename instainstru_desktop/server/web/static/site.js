// InstaInstru student pages: progressive enhancement only; every page works without it.
// 1. Times follow the browser's time zone: remember it in a cookie the server reads.
// 2. An open page of free times listens for changes and swaps in the fresh times.
(function () {
  "use strict";
  var root = document.documentElement;

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  try {
    var browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (browserZone && !cookie("ii_tz")) {
      document.cookie = "ii_tz=" + encodeURIComponent(browserZone) +
        "; path=/; max-age=31536000; samesite=lax";
      var shown = root.getAttribute("data-zone");
      if (shown && shown !== browserZone && !/[?&]tz=/.test(location.search)) {
        location.replace(location.href);
        return;
      }
    }
  } catch (ignored) { /* no Intl: the zone form still works */ }

  var times = document.getElementById("times");
  if (!times || !window.EventSource || !window.fetch) { return; }
  var status = document.getElementById("live-status");
  var pending = null;

  function refresh() {
    pending = null;
    fetch(times.getAttribute("data-refresh"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var before = times.querySelectorAll(".slots a").length;
        var doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
        var fresh = doc.body.firstElementChild;
        var focused = document.activeElement && times.contains(document.activeElement)
          ? document.activeElement.getAttribute("href") : null;
        times.replaceChildren.apply(times, Array.prototype.slice.call(fresh.childNodes));
        if (focused) {
          var again = times.querySelector('a[href="' + focused + '"]');
          if (again) { again.focus(); }
        }
        var after = times.querySelectorAll(".slots a").length;
        if (status && after < before) { status.textContent = "A time was just booked by someone else."; }
      })
      .catch(function () { /* the next change or a reload brings it */ });
  }

  var source = new EventSource(times.getAttribute("data-live"));
  source.addEventListener("changed", function () {
    if (pending === null) { pending = setTimeout(refresh, 50); }
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
