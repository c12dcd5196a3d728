/* Spinscope report: tooltips for highlights (hover, focus, click/tap) and legend filters.
   Builds tooltip content with textContent only; the data it shows comes from the numbered notes in the page. */
(function () {
  "use strict";
  var tip = document.getElementById("spinscope-tip");
  if (!tip) { return; }
  var pinned = null;   // mark whose tooltip was opened by click/tap/Enter and stays until dismissed
  var current = null;  // mark whose tooltip is showing

  function markOf(node) {
    return node && node.closest ? node.closest("mark.hl") : null;
  }

  function isHidden(mark) {
    var report = mark.closest(".report");
    return report && report.classList.contains("hide-" + mark.getAttribute("data-t"));
  }

  // Spans covering the pointed-at place: the mark itself and the marks around it, innermost first.
  function spansAt(mark) {
    var ids = [];
    for (var el = mark; el; el = el.parentElement) {
      if (el.classList.contains("ptext")) { break; }
      if (el.matches("mark.hl") && !isHidden(el)) {
        var id = el.getAttribute("data-span");
        if (ids.indexOf(id) < 0) { ids.push(id); }
      }
    }
    return ids;
  }

  function textOf(note, selector) {
    var el = note.querySelector(selector);
    return el ? el.textContent : "";
  }

  // "Example (Italian): ..." from the note, the sentence keeping its lang attribute (set by the report, not data).
  function exampleOf(note) {
    var source = note.querySelector(".n-ex");
    var sentence = source ? source.querySelector(".n-ex-text") : null;
    if (!sentence) { return null; }
    var line = document.createElement("p");
    line.className = "tip-ex";
    var label = document.createElement("span");
    label.className = "tip-ex-label";
    label.textContent = textOf(source, ".n-ex-label") + " ";
    var text = document.createElement("span");
    text.className = "tip-ex-text";
    text.textContent = sentence.textContent;
    if (sentence.getAttribute("lang")) { text.setAttribute("lang", sentence.getAttribute("lang")); }
    line.appendChild(label);
    line.appendChild(text);
    return line;
  }

  function fill(ids) {
    tip.textContent = "";
    ids.forEach(function (id) {
      var note = document.getElementById(id + "-note");
      if (!note) { return; }
      var item = document.createElement("div");
      item.className = "tip-item " + note.getAttribute("data-t");
      var head = document.createElement("div");
      head.className = "tip-head";
      var swatch = document.createElement("span");
      swatch.className = "sw";
      var label = document.createElement("strong");
      label.className = "tip-label";
      label.textContent = textOf(note, ".n-label");
      var number = document.createElement("span");
      number.className = "tip-conf";
      number.textContent = "[" + textOf(note, ".n-num") + "] " + textOf(note, ".n-conf");
      head.appendChild(swatch);
      head.appendChild(label);
      head.appendChild(number);
      var explanation = document.createElement("p");
      explanation.className = "tip-expl";
      explanation.textContent = textOf(note, ".n-expl");
      item.appendChild(head);
      item.appendChild(explanation);
      var example = exampleOf(note);
      if (example) { item.appendChild(example); }
      tip.appendChild(item);
    });
    return tip.childNodes.length > 0;
  }

  function place(mark, clientX, clientY) {
    var rects = mark.getClientRects();
    var rect = rects.length ? rects[0] : mark.getBoundingClientRect();
    if (clientY !== undefined) {
      for (var i = 0; i < rects.length; i++) {
        if (clientY >= rects[i].top && clientY <= rects[i].bottom) { rect = rects[i]; break; }
      }
    }
    var width = tip.offsetWidth, height = tip.offsetHeight;
    var viewportWidth = document.documentElement.clientWidth;
    var left = (clientX !== undefined ? clientX - 24 : rect.left);
    left = Math.max(8, Math.min(left, viewportWidth - width - 8));
    var top = rect.bottom + 8;
    if (top + height > window.innerHeight && rect.top - height - 8 > 0) { top = rect.top - height - 8; }
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (top + window.scrollY) + "px";
  }

  function show(mark, clientX, clientY) {
    if (!fill(spansAt(mark))) { hide(); return; }
    if (current && current !== mark) { current.classList.remove("active"); }
    current = mark;
    mark.classList.add("active");
    tip.hidden = false;
    place(mark, clientX, clientY);
  }

  function hide() {
    tip.hidden = true;
    if (current) { current.classList.remove("active"); }
    if (pinned) { setExpanded(pinned, false); }
    current = null;
    pinned = null;
  }

  function setExpanded(mark, value) {
    var first = document.getElementById(mark.getAttribute("data-span"));
    if (first) { first.setAttribute("aria-expanded", value ? "true" : "false"); }
  }

  function togglePin(mark, clientX, clientY) {
    if (pinned && pinned.getAttribute("data-span") === mark.getAttribute("data-span")) { hide(); return; }
    hide();
    show(mark, clientX, clientY);
    if (!tip.hidden) { pinned = mark; setExpanded(mark, true); }
  }

  document.addEventListener("mouseover", function (event) {
    var mark = markOf(event.target);
    if (mark && !pinned) { show(mark, event.clientX, event.clientY); }
  });
  document.addEventListener("mouseout", function (event) {
    if (pinned || !markOf(event.target)) { return; }
    var next = markOf(event.relatedTarget);
    if (!next && !(event.relatedTarget && tip.contains(event.relatedTarget))) { hide(); }
  });
  document.addEventListener("focusin", function (event) {
    var mark = markOf(event.target);
    // focus moving on (Tab) takes a pinned tooltip with it: it would describe a highlight no longer focused
    if (pinned && mark !== pinned && !tip.contains(event.target)) { hide(); }
    if (mark && !pinned) { show(mark); }
  });
  document.addEventListener("focusout", function (event) {
    if (!pinned && markOf(event.target)) { hide(); }
  });
  document.addEventListener("click", function (event) {
    var mark = markOf(event.target);
    if (mark) { togglePin(mark, event.clientX, event.clientY); return; }
    if (!tip.contains(event.target)) { hide(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hide(); return; }
    var mark = markOf(event.target);
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      togglePin(mark);
    }
  });
  window.addEventListener("resize", function () { if (current && !tip.hidden) { place(current); } });

  // A hidden technique's highlights leave the Tab order: an invisible control a keyboard user lands on says nothing.
  function focusable(report, technique, yes) {
    Array.prototype.forEach.call(report.querySelectorAll("mark.hl." + technique), function (mark) {
      mark.tabIndex = yes ? 0 : -1;
    });
  }

  // Legend: each chip hides/shows its technique's highlights in its own article.
  Array.prototype.forEach.call(document.querySelectorAll(".legend .chip"), function (chip) {
    chip.addEventListener("click", function () {
      var report = chip.closest(".report");
      var shown = report.classList.toggle("hide-" + chip.getAttribute("data-t")) === false;
      chip.setAttribute("aria-pressed", shown ? "true" : "false");
      focusable(report, chip.getAttribute("data-t"), shown);
      hide();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".legend .show-all"), function (button) {
    button.addEventListener("click", function () {
      var report = button.closest(".report");
      Array.prototype.forEach.call(report.querySelectorAll(".legend .chip"), function (chip) {
        report.classList.remove("hide-" + chip.getAttribute("data-t"));
        chip.setAttribute("aria-pressed", "true");
        focusable(report, chip.getAttribute("data-t"), true);
      });
    });
  });
})();
