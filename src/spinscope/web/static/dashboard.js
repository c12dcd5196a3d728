/* Spinscope dashboard: draws SVG charts from the stats embedded in the page (same data as GET /api/stats).
   Built with DOM calls and textContent only: outlet names never become markup. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var statsNode = document.getElementById("stats-data");
  var taxonomyNode = document.getElementById("taxonomy-data");
  if (!statsNode || !taxonomyNode) { return; }
  var stats = JSON.parse(statsNode.textContent);
  var taxonomy = JSON.parse(taxonomyNode.textContent);
  var info = {};
  taxonomy.techniques.forEach(function (t, i) { info[t.name] = { label: t.label, colour: t.colour, index: i }; });
  function label(name) { return info[name] ? info[name].label : name.replace(/_/g, " "); }
  function colour(name) { return info[name] ? info[name].colour : "#9e9e9e"; }
  function order(name) { return info[name] ? info[name].index : 999; }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function text(parent, x, y, content, attrs) {
    var node = el("text", Object.assign({ x: x, y: y }, attrs || {}), parent);
    node.textContent = content;
    return node;
  }
  function tip(node, content) { el("title", {}, node).textContent = content; }
  function svg(container, width, height, title) {
    var root = el("svg", { viewBox: "0 0 " + width + " " + height, role: "img" });
    el("title", {}, root).textContent = title;
    container.appendChild(root);
    return root;
  }
  // The numbers in words, for screen readers and keyboards: a role="img" chart is otherwise only its title.
  function describe(root, title, parts) {
    var shown = parts.slice(0, 15);
    root.setAttribute("aria-label", title + ": " + shown.join("; ") +
      (parts.length > shown.length ? "; and " + (parts.length - shown.length) + " more" : ""));
  }
  function empty(container, message) {
    var p = document.createElement("p");
    p.className = "empty";
    p.textContent = message;
    container.appendChild(p);
  }
  function shorten(value, n) { return value.length > n ? value.slice(0, n - 1) + "…" : value; }
  function legend(container, names) {
    var row = document.createElement("div");
    row.className = "legend-row";
    names.forEach(function (name) {
      var item = document.createElement("span");
      item.className = "item " + (info[name] ? "tc" + info[name].index : "tcx");
      var swatch = document.createElement("span");
      swatch.className = "sw";
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(label(name)));
      row.appendChild(item);
    });
    container.appendChild(row);
  }
  function sortedTechniques(counts) {
    return Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || order(a) - order(b); });
  }

  // One row per group: a 100% stacked bar of its techniques, then highlights per article.
  function stackedRows(container, groups, nameOf, title) {
    groups = groups.filter(function (g) { return g.articles > 0; });
    if (!groups.length) { empty(container, "No articles yet."); return; }
    var width = 560, left = 130, right = 64, rowHeight = 30, top = 8;
    var height = top + groups.length * rowHeight + 8;
    var root = svg(container, width, height, title);
    var used = {}, described = [];
    groups.forEach(function (group, row) {
      var y = top + row * rowHeight;
      var name = nameOf(group);
      text(root, left - 8, y + 17, shorten(name, 16), { "text-anchor": "end" });
      var total = 0;
      Object.keys(group.techniques).forEach(function (t) { total += group.techniques[t]; });
      el("rect", { x: left, y: y + 4, width: width - left - right, height: 18, rx: 3, fill: "rgba(127,127,127,.15)" }, root);
      var x = left;
      sortedTechniques(group.techniques).forEach(function (t) {
        var share = group.techniques[t] / total;
        var w = share * (width - left - right);
        used[t] = (used[t] || 0) + group.techniques[t];
        var rect = el("rect", { x: x, y: y + 4, width: Math.max(0, w - 1), height: 18, fill: colour(t) }, root);
        tip(rect, name + ": " + label(t) + " — " + group.techniques[t] + " (" + Math.round(share * 100) + "%)");
        x += w;
      });
      var rate = total / group.articles;
      text(root, width - right + 8, y + 17, rate.toFixed(1) + "/art.", { "class": "muted-text" });
      tip(root.lastChild, group.articles + " articles, " + total + " highlights");
      described.push(name + " " + rate.toFixed(1) + " highlights per article");
    });
    describe(root, title, described);
    legend(container, sortedTechniques(used));
  }

  // Months of publication. Undated articles (filed under the day they were analysed) have no month: they are not
  // drawn, and the chart says how many it leaves out (the page's note says it too).
  function monthBars(container, months, undated) {
    months = months.filter(function (m) { return m.articles > 0; });
    var leftOut = undated + (undated === 1 ? " article without a publication date is" :
      " articles without a publication date are") + " not shown";
    if (!months.length) {
      empty(container, undated ? "No article has a publication date yet." : "No articles yet.");
      return;
    }
    var width = 560, height = 240, left = 40, bottom = 28, top = 10, right = 10;
    var rates = months.map(function (m) {
      var total = 0;
      Object.keys(m.techniques).forEach(function (t) { total += m.techniques[t]; });
      return total / m.articles;
    });
    var max = Math.max.apply(null, rates.concat([1]));
    var root = svg(container, width, height, "Highlights per article by month");
    var plotHeight = height - top - bottom;
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotHeight * (1 - f);
      el("line", { x1: left, x2: width - right, y1: y, y2: y, stroke: "rgba(127,127,127,.3)" }, root);
      text(root, left - 6, y + 4, (max * f).toFixed(1), { "text-anchor": "end", "class": "muted-text" });
    });
    var slot = (width - left - right) / months.length;
    var barWidth = Math.min(48, slot * 0.7);
    var every = Math.ceil(56 / slot);  // "2026-11" needs about 56 px: with many months, label every n-th
    var used = {};
    months.forEach(function (m, i) {
      var x = left + i * slot + (slot - barWidth) / 2;
      var y = top + plotHeight;
      sortedTechniques(m.techniques).reverse().forEach(function (t) {
        var h = (m.techniques[t] / m.articles) / max * plotHeight;
        used[t] = (used[t] || 0) + m.techniques[t];
        y -= h;
        var rect = el("rect", { x: x, y: y, width: barWidth, height: Math.max(0, h - 0.5), fill: colour(t) }, root);
        tip(rect, m.month + ": " + label(t) + " — " + (m.techniques[t] / m.articles).toFixed(2) + " per article");
      });
      if (i % every === 0) {
        text(root, x + barWidth / 2, height - 10, m.month, { "text-anchor": "middle", "class": "muted-text" });
        tip(root.lastChild, m.articles + " articles");
      }
    });
    // the left-out count first: the description shows only the first 15 parts
    describe(root, "Highlights per article by month", (undated ? [leftOut] : []).concat(months.map(function (m, i) {
      return m.month + " " + rates[i].toFixed(1);
    })));
    legend(container, sortedTechniques(used));
  }

  function horizontalBars(container, rows, max, format, title) {
    if (!rows.length) { empty(container, "No data yet."); return; }
    var width = 560, left = 190, right = 56, rowHeight = 26;
    var root = svg(container, width, rows.length * rowHeight + 8, title);
    rows.forEach(function (row, i) {
      var y = 4 + i * rowHeight;
      text(root, left - 8, y + 16, shorten(row.label, 22), { "text-anchor": "end" });
      var w = max > 0 ? row.value / max * (width - left - right) : 0;
      var rect = el("rect", { x: left, y: y + 4, width: Math.max(1, w), height: 17, rx: 2, fill: row.colour }, root);
      tip(rect, row.label + ": " + format(row.value));
      text(root, left + w + 6, y + 16, format(row.value), { "class": "muted-text" });
    });
    describe(root, title, rows.map(function (row) { return row.label + " " + format(row.value); }));
  }

  stackedRows(document.getElementById("chart-outlets"), stats.outlets,
    function (g) { return g.outlet || "(no outlet)"; }, "Technique mix per outlet");
  monthBars(document.getElementById("chart-months"), stats.months, (stats.undated || {}).articles || 0);
  var totals = sortedTechniques(stats.techniques).slice(0, 12).map(function (t) {
    return { label: label(t), value: stats.techniques[t], colour: colour(t) };
  });
  horizontalBars(document.getElementById("chart-totals"), totals,
    totals.length ? totals[0].value : 0, function (v) { return String(v); }, "Most frequent techniques");
  var scores = stats.outlets.filter(function (o) { return o.mean_score !== null; }).map(function (o) {
    return { label: o.outlet || "(no outlet)", value: o.mean_score, colour: "#c2410c" };
  });
  horizontalBars(document.getElementById("chart-scores"), scores, 100,
    function (v) { return v.toFixed(1); }, "Mean propaganda score per outlet");
})();
