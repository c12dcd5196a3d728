/* Spinscope report: tooltips for highlights (hover, focus, click/tap) and legend filters.
   Builds tooltip content with textContent only; the data it shows comes from the numbered notes in the page.
   The highlights (<mark class="hl">, nested where spans overlap) are not controls; each span's control is its
   number, a <span class="hl-n" role="button"> at the span's end, so no control sits inside another. */
(function () {
  "use strict";
  var tip = document.getElementById("spinscope-tip");
  if (!tip) { return; }
  var MARGIN = 8;      // px kept free between the tooltip and the viewport's edges
  var GAP = 6;         // px between the highlight and the tooltip
  var MIN_ROOM = 140;  // px beside a highlight worth scrolling in; with less the tooltip may cover it
  var pinned = null;   // span id whose tooltip was opened by click/tap/Enter/Space and stays until dismissed
  var current = null;  // element (mark or number button) the showing tooltip was opened from

  // The highlight or number button an event happened on (the button first: it sits inside its span's mark).
  function targetOf(node) {
    return node && node.closest ? node.closest(".hl-n, mark.hl") : null;
  }

  function isHidden(el) {
    var report = el.closest(".report");
    return report && report.classList.contains("hide-" + el.getAttribute("data-t"));
  }

  // Spans at the pointed-at place: the button's or mark's own span, then the marks around it, innermost first.
  function spansAt(el) {
    var ids = [];
    for (; el; el = el.parentElement) {
      if (el.classList.contains("ptext")) { break; }
      if (el.matches("mark.hl, .hl-n") && !isHidden(el)) {
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
    tip.scrollTop = 0;
    return tip.childNodes.length > 0;
  }

  // The visible part of the page, in the coordinates of getBoundingClientRect (zoomed in on a phone: less).
  function viewport() {
    var root = document.documentElement, view = window.visualViewport;
    var left = view ? Math.max(0, view.offsetLeft) : 0, top = view ? Math.max(0, view.offsetTop) : 0;
    var width = root.clientWidth - left, height = (root.clientHeight || window.innerHeight) - top;
    if (view) {
      width = Math.min(width, view.width);
      height = Math.min(height, view.height);
    }
    return {left: left, top: top, right: left + width, bottom: top + height, width: width, height: height};
  }

  // The line box of the element the pointer is on (a highlight can wrap over several lines), else its first.
  function anchorRect(el, clientY) {
    var rects = el.getClientRects();
    var rect = rects.length ? rects[0] : el.getBoundingClientRect();
    if (clientY !== undefined) {
      for (var i = 0; i < rects.length; i++) {
        if (clientY >= rects[i].top && clientY <= rects[i].bottom) { rect = rects[i]; break; }
      }
    }
    return rect;
  }

  // Keep the whole tooltip inside the viewport: below the highlight, else above it; a stack of spans too tall
  // for either side scrolls inside the larger one, and with almost no room beside it the tooltip covers the
  // highlight rather than run off the screen.
  function place(el, clientX, clientY) {
    var rect = anchorRect(el, clientY);
    var view = viewport();
    tip.style.setProperty("--tip-room", Math.max(0, view.width - 2 * MARGIN) + "px");
    tip.style.maxHeight = Math.max(0, view.height - 2 * MARGIN) + "px";
    // measured where nothing squeezes it: at the right edge an absolutely placed box wraps narrower and taller
    tip.style.left = (window.scrollX + view.left) + "px";
    tip.style.top = (window.scrollY + view.top) + "px";
    var width = tip.offsetWidth, height = tip.offsetHeight;
    var left = clientX !== undefined ? clientX - 24 : rect.left;
    left = Math.max(view.left + MARGIN, Math.min(left, view.right - MARGIN - width));
    var below = view.bottom - MARGIN - (rect.bottom + GAP);
    var above = rect.top - GAP - (view.top + MARGIN);
    var top;
    if (height <= below) {
      top = rect.bottom + GAP;
    } else if (height <= above) {
      top = rect.top - GAP - height;
    } else if (Math.max(below, above) >= MIN_ROOM) {
      var room = Math.floor(Math.max(below, above));
      tip.style.maxHeight = room + "px";
      top = below >= above ? rect.bottom + GAP : rect.top - GAP - room;
    } else {
      top = Math.max(view.top + MARGIN, Math.min(rect.bottom + GAP, view.bottom - MARGIN - height));
    }
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (top + window.scrollY) + "px";
  }

  function marksOf(id) {
    return document.querySelectorAll('mark.hl[data-span="' + id + '"]');
  }

  function setActive(id, yes) {
    Array.prototype.forEach.call(marksOf(id), function (mark) { mark.classList.toggle("active", yes); });
  }

  function setExpanded(id, value) {
    var button = document.getElementById(id + "-btn");
    if (button) { button.setAttribute("aria-expanded", value ? "true" : "false"); }
  }

  var active = null;  // span id whose marks are outlined

  function show(el, clientX, clientY) {
    var ids = spansAt(el);
    if (!fill(ids)) { hide(); return; }
    if (active && active !== ids[0]) { setActive(active, false); }
    active = ids[0];
    setActive(active, true);
    current = el;
    tip.hidden = false;
    place(el, clientX, clientY);
  }

  function hide() {
    tip.hidden = true;
    if (active) { setActive(active, false); }
    if (pinned) { setExpanded(pinned, false); }
    active = null;
    current = null;
    pinned = null;
  }

  function togglePin(el, clientX, clientY) {
    var id = el.getAttribute("data-span");
    if (pinned === id) { hide(); return; }
    hide();
    show(el, clientX, clientY);
    if (!tip.hidden) { pinned = id; setExpanded(id, true); }
  }

  document.addEventListener("mouseover", function (event) {
    var el = targetOf(event.target);
    if (el && !pinned) { show(el, event.clientX, event.clientY); }
  });
  document.addEventListener("mouseout", function (event) {
    if (pinned || tip.hidden) { return; }
    if (!targetOf(event.target) && !tip.contains(event.target)) { return; }
    var next = event.relatedTarget;
    if (next && (targetOf(next) || tip.contains(next))) { return; }
    hide();
  });
  document.addEventListener("focusin", function (event) {
    var el = targetOf(event.target);
    // focus moving on (Tab) takes a pinned tooltip with it: it would describe a highlight no longer focused
    if (pinned && !(el && el.getAttribute("data-span") === pinned) && !tip.contains(event.target)) { hide(); }
    if (el && !pinned) { show(el); }
  });
  document.addEventListener("focusout", function (event) {
    if (!pinned && targetOf(event.target)) { hide(); }
  });
  document.addEventListener("click", function (event) {
    var el = targetOf(event.target);
    if (el) { togglePin(el, event.clientX, event.clientY); return; }
    if (!tip.contains(event.target)) { hide(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      if (!tip.hidden) { hide(); }
      return;
    }
    // a number button's keys, as a <button>'s: Enter and Space pin (or unpin) its tooltip
    var el = event.target && event.target.matches && event.target.matches(".hl-n") ? event.target : null;
    if (!el) { return; }
    if ((event.key === "Enter" || event.key === " ") && !event.repeat) {
      event.preventDefault();  // Space would scroll the page
      togglePin(el);
      return;
    }
    // a pinned tooltip too tall for the screen scrolls inside: its arrow and page keys scroll it, not the page
    var step = {ArrowDown: 40, ArrowUp: -40, PageDown: tip.clientHeight - 40, PageUp: 40 - tip.clientHeight,
                End: tip.scrollHeight, Home: -tip.scrollHeight}[event.key];
    if (step && pinned === el.getAttribute("data-span") && !tip.hidden && tip.scrollHeight > tip.clientHeight) {
      event.preventDefault();
      tip.scrollTop += step;
    }
  });
  function replace() { if (current && !tip.hidden) { place(current); } }
  window.addEventListener("resize", replace);
  if (window.visualViewport) { window.visualViewport.addEventListener("resize", replace); }

  // Legend: each chip hides/shows its technique's highlights in its own article (their number buttons are then
  // display:none, out of the Tab order: an invisible control a keyboard user lands on says nothing).
  Array.prototype.forEach.call(document.querySelectorAll(".legend .chip"), function (chip) {
    chip.addEventListener("click", function () {
      var report = chip.closest(".report");
      var shown = report.classList.toggle("hide-" + chip.getAttribute("data-t")) === false;
      chip.setAttribute("aria-pressed", shown ? "true" : "false");
      hide();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".legend .show-all"), function (button) {
    button.addEventListener("click", function () {
      var report = button.closest(".report");
      Array.prototype.forEach.call(report.querySelectorAll(".legend .chip"), function (chip) {
        report.classList.remove("hide-" + chip.getAttribute("data-t"));
        chip.setAttribute("aria-pressed", "true");
      });
    });
  });
})();
/* Wide tables and charts scroll sideways inside their own box (.scroll-region: a named role=region) where the
   screen is narrower than they are. The page puts each box in the Tab order (tabindex=0), so the arrow keys can
   scroll it; one that fits, with nothing to scroll, is taken out of the Tab order here (a stop that does nothing),
   and put back when it overflows again: a phone turned upright, a chart drawn, a <details> opened. */
(function () {
  "use strict";
  var regions = document.querySelectorAll(".scroll-region");
  if (!regions.length) { return; }
  function fit(region) {
    var scrolls = region.scrollWidth > region.clientWidth + 1 || region.scrollHeight > region.clientHeight + 1;
    if (scrolls) {
      region.setAttribute("tabindex", "0");
    } else if (document.activeElement !== region) {
      region.removeAttribute("tabindex");
    }
  }
  function fitAll() { Array.prototype.forEach.call(regions, fit); }
  if (window.ResizeObserver) {
    // a box's size changes when the window does and when content arrives (a chart drawn, a table shown)
    var observer = new ResizeObserver(fitAll);
    Array.prototype.forEach.call(regions, function (region) {
      observer.observe(region);
      Array.prototype.forEach.call(region.children, function (child) { observer.observe(child); });
    });
  } else {
    window.addEventListener("resize", fitAll);
  }
  fitAll();
})();
