// Draws the charts of a page with ECharts. Each `.chart-canvas` names the
// `<script type="application/json">` that holds its option. ECharts itself
// is loaded only on pages that have a chart, from the address (and with the
// integrity hash) that this script's own tag carries. Until a chart is drawn
// its data table stays open, so the page reads without scripts; the tables
// open again for printing.
(function () {
  "use strict";
  var canvases = document.querySelectorAll(".chart-canvas");
  if (!canvases.length) return;
  var me = document.currentScript;
  var charts = [];

  // The charts' colours on a dark page: each colour the options use
  // (src/charts/frame.rs, whose tests check this table and the contrast
  // of both columns) to its counterpart for a dark background.
  var DARK = {
    "#1f5fbf": "#7cacf8", "#c2410c": "#fb923c", "#1c7c47": "#56c288",
    "#7c3aed": "#b197fc", "#0e7490": "#3fc1d9", "#9a6700": "#e0b04a",
    "#be185d": "#f472b6", "#5b6677": "#a4aebd", "#b3261e": "#ff8a80",
    "#8a94a6": "#8b96a8", "#1d2430": "#e4e8ee"
  };
  var scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var printing = false;

  function darken(v) {
    if (typeof v === "string") return DARK[v.toLowerCase()] || v;
    if (Array.isArray(v)) return v.map(darken);
    if (v && typeof v === "object") {
      var out = {};
      Object.keys(v).forEach(function (k) { out[k] = darken(v[k]); });
      return out;
    }
    return v;
  }

  // Draws every chart, for a dark page when the reader's system asks for
  // one (the stylesheet's dark scheme is for screens: paper stays light).
  function draw() {
    var dark = !printing && scheme !== null && scheme.matches;
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    canvases.forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-option"));
      if (!source) return;
      var option = JSON.parse(source.textContent);
      if (dark) {
        option = darken(option);
        option.backgroundColor = "transparent";
      }
      el.removeAttribute("data-drawn");
      var chart = window.echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
      chart.on("finished", function () {
        el.setAttribute("data-drawn", "1");
      });
      chart.setOption(option);
      el.setAttribute("data-scheme", dark ? "dark" : "light");
      charts.push(chart);
      var table = el.parentNode.querySelector(".chart-data");
      if (table && !printing) table.open = false;
    });
  }

  // A chart fills its container; for printing, the width of A4 or Letter
  // paper within its margins (17 cm at 96 px to the inch).
  var PRINT_WIDTH = 642;
  function resize(width) {
    charts.forEach(function (c) { c.resize(width ? { width: width } : undefined); });
  }

  function tables(open) {
    document.querySelectorAll(".chart-data").forEach(function (d) { d.open = open; });
  }

  window.addEventListener("resize", function () { resize(); });
  window.addEventListener("beforeprint", function () {
    printing = true;
    if (scheme !== null && scheme.matches && window.echarts) draw();
    tables(true);
    resize(PRINT_WIDTH);
  });
  window.addEventListener("afterprint", function () {
    printing = false;
    if (scheme !== null && scheme.matches && window.echarts) draw();
    tables(false);
    resize();
  });
  if (scheme !== null && scheme.addEventListener) {
    scheme.addEventListener("change", function () { if (window.echarts) draw(); });
  }

  if (window.echarts) return draw();
  var script = document.createElement("script");
  script.src = me.getAttribute("data-echarts");
  var integrity = me.getAttribute("data-integrity");
  if (integrity) {
    script.integrity = integrity;
    script.crossOrigin = "anonymous";
  }
  script.onload = draw;
  document.head.appendChild(script);
})();
