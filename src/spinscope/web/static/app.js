/* Spinscope web app: small progressive enhancements. Pages work without it. No inline handlers (strict CSP). */
(function () {
  "use strict";
  // Show that a long analysis is running and prevent double submits.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-busy]"), function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
        button.textContent = form.getAttribute("data-busy");
      }
    });
  });
  // Ask before destructive actions.
  Array.prototype.forEach.call(document.querySelectorAll("form.confirm"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm") || "Are you sure?")) { event.preventDefault(); }
    });
  });
  // Choosing a file or typing a URL clears the other inputs, so the form sends exactly one source.
  var text = document.getElementById("text"), file = document.getElementById("file"), url = document.getElementById("url");
  if (text && file && url) {
    file.addEventListener("change", function () { if (file.files.length) { text.value = ""; url.value = ""; } });
    url.addEventListener("input", function () { if (url.value) { text.value = ""; file.value = ""; } });
    text.addEventListener("input", function () { if (text.value) { url.value = ""; file.value = ""; } });
  }
  // A comparison's result is far below the filled form (~2,300 px on a phone). The form posts to the result's
  // heading (#compare-result-title), which the browser scrolls to and focuses; but report.css scrolls smoothly, so
  // that jump is still animating from the top of the form when the page has loaded (and is cut short by an early
  // scroll of the user's). Jump there at once, to the same heading, with the focus on it.
  var heading = document.getElementById("compare-result-title");
  if (heading) {
    heading.focus({preventScroll: true});
    heading.scrollIntoView({block: "start", behavior: "instant"});
  }
})();
