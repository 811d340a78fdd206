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

  function draw() {
    canvases.forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-option"));
      if (!source) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.on("finished", function () {
        el.setAttribute("data-drawn", "1");
      });
      chart.setOption(JSON.parse(source.textContent));
      charts.push(chart);
      var table = el.parentNode.querySelector(".chart-data");
      if (table) table.open = false;
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
  window.addEventListener("beforeprint", function () { tables(true); resize(PRINT_WIDTH); });
  window.addEventListener("afterprint", function () { tables(false); resize(); });

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
