// InstaInstru student pages: progressive enhancement only; every page works without it.
// 1. Times follow the browser's time zone: remember it in a cookie the server reads.
// 2. An open page of free times listens for changes and swaps in the fresh times.
// 3. An open lesson page shows its conversation live, and sends a message without a reload
//    (Enter sends, Shift+Enter starts a new line).
// 4. The weekly form chooses the ending whose field is being filled in.
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

  // 4. The weekly form: typing a number of lessons, a date or a term chooses that ending.
  Array.prototype.forEach.call(document.querySelectorAll(".ends .end"), function (row) {
    var radio = row.querySelector('input[type="radio"]');
    Array.prototype.forEach.call(row.querySelectorAll("input:not([type=radio]), select"), function (field) {
      field.addEventListener("input", function () { radio.checked = true; });
      field.addEventListener("change", function () { radio.checked = true; });
    });
  });

  if (!window.EventSource || !window.fetch) { return; }

  // Calls ``refresh`` (at most once per 50 ms) whenever the stream at ``url`` says "changed",
  // and each time the stream (re)opens: a change made before it was listening, between the
  // page's load and the stream's start or while it was cut, is caught up then.
  function follow(url, refresh) {
    var pending = null;
    var source = new EventSource(url);
    function soon() {
      if (pending === null) {
        pending = setTimeout(function () { pending = null; refresh(); }, 50);
      }
    }
    source.addEventListener("changed", soon);
    source.addEventListener("open", soon);
    window.addEventListener("pagehide", function () { source.close(); });
  }

  function parsed(html) {
    return new DOMParser().parseFromString("<div>" + html + "</div>", "text/html").body.firstElementChild;
  }

  // Only the parts that changed are replaced (the week's heading, a day): a time the student
  // is about to click on another day stays the same element, so the click is never lost to a
  // refresh, and a change elsewhere in the calendar replaces nothing at all.
  function replaceChanged(times, fresh) {
    var now = times.children;
    var next = fresh.children;
    var same = now.length === next.length;
    for (var i = 0; same && i < now.length; i += 1) {
      same = now[i].tagName === next[i].tagName &&
        now[i].children.length === next[i].children.length;
    }
    if (!same) {
      times.replaceChildren.apply(times, Array.prototype.slice.call(fresh.childNodes));
      return;
    }
    Array.prototype.slice.call(next).forEach(function (part, index) {
      var old = now[index];
      if (part.tagName === "OL") {
        Array.prototype.slice.call(part.children).forEach(function (day, d) {
          if (old.children[d].outerHTML !== day.outerHTML) { old.children[d].replaceWith(day); }
        });
      } else if (old.outerHTML !== part.outerHTML) {
        old.replaceWith(part);
      }
    });
  }

  function liveTimes(times) {
    var status = document.getElementById("live-status");
    follow(times.getAttribute("data-live"), function () {
      fetch(times.getAttribute("data-refresh"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          var before = times.querySelectorAll(".slots a").length;
          var fresh = parsed(html);
          var focused = document.activeElement && times.contains(document.activeElement)
            ? document.activeElement.getAttribute("href") : null;
          replaceChanged(times, fresh);
          if (focused) {
            var again = times.querySelector('a[href="' + focused + '"]');
            if (again) { again.focus(); }
          }
          var after = times.querySelectorAll(".slots a").length;
          if (status && after < before) { status.textContent = "A time was just booked by someone else."; }
        })
        .catch(function () { /* the next change or a reload brings it */ });
    });
  }

  function liveConversation(section) {
    var form = document.getElementById("composer");
    var box = document.getElementById("body");
    var idField = form.querySelector('input[name="message_id"]');
    var hint = document.getElementById("send-hint");
    var sending = false;
    if (hint) { hint.hidden = false; }

    // The list as the server has it now; ``nextId``: also take the id for the next message.
    function refresh(nextId) {
      return fetch(section.getAttribute("data-refresh"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          var fresh = html === null ? null : parsed(html).querySelector("#messages");
          var list = document.getElementById("messages");
          if (!fresh || !list) { return; }
          list.replaceWith(fresh);
          if (nextId) { idField.value = fresh.getAttribute("data-next-id"); }
        })
        .catch(function () { /* the next change or a reload brings it */ });
    }

    form.addEventListener("submit", function (event) {
      if (!box.value.trim()) { event.preventDefault(); return; }
      event.preventDefault();
      if (sending) { return; }
      sending = true;
      var body = new URLSearchParams(new FormData(form));
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            form.submit();  // the server's page says why, and keeps what was written
            return null;
          }
          box.value = "";
          return refresh(true);
        })
        .catch(function () {
          if (hint) { hint.textContent = "Not sent: the connection failed. Press Enter to try again."; }
        })
        .then(function () { sending = false; });
    });

    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) { return; }
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.dispatchEvent(new Event("submit", { cancelable: true })); }
    });

    follow(section.getAttribute("data-live"), function () { refresh(false); });
  }

  var times = document.getElementById("times");
  if (times) { liveTimes(times); }
  var conversation = document.getElementById("conversation");
  if (conversation && document.getElementById("composer")) { liveConversation(conversation); }
})();
