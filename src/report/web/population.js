/* SPDX-License-Identifier: Apache-2.0 */
/* ion report renderer, part 3 of 4: figures of large networks (the "population" layout): rates per
 * neuron group, a spike density raster of bounded height, P(response) and weight distributions per
 * synapse group, plasticity pulses per bin, and crossbar maps instead of one line per synapse. */
"use strict";

var IonPopulation = (function (P, F) {
  var LEVELS = [0.3, 0.5, 0.72, 1];  // opacity for 1, 2, 3, 4+ spikes in a bin

  /* (b) Spike density: one thin row per neuron in circuit order, bins shaded by spike count. */
  function densityPanel(fig, m, letter) {
    var R = m.raster, rows = m.neurons.length, h = Math.max(120, Math.min(320, rows * 2));
    fig.gap(8);
    var p = F.timePanel(fig, m, h, letter), rh = h / Math.max(1, rows);
    p.setY(rows, 0);
    m.groups.forEach(function (g) {
      var paths = ["", "", "", ""];
      for (var i = g.first; i < g.first + g.count; i++) addRow(paths, p, R, i, rh);
      paths.forEach(function (d, k) {
        if (d) P.el("path", {d: d, fill: g.color, opacity: LEVELS[k], "class": "density-cells"}, p.g);
      });
      groupLabel(p, g, rows);
    });
    p.frame();
    p.xAxis();
    return p;
  }

  function addRow(paths, p, R, i, rh) {
    var y = P.r2(p.y(i)), hh = P.r2(Math.max(rh, 0.6));
    if (R.kind === "density") {
      var c = R.counts[i], g = R.grid, w = P.r2(p.x(g.start_s + g.step_s) - p.x(g.start_s));
      for (var b = 0; b < c.length; b++) {
        if (c[b] > 0) paths[Math.min(3, c[b] - 1)] += "M" + P.r2(p.x(g.start_s + b * g.step_s)) + "," + y + "h" + w + "v" + hh + "h" + (-w) + "z";
      }
    } else {
      R.rows[i].t_s.forEach(function (t) { paths[3] += "M" + P.r2(p.x(t)) + "," + y + "h1v" + hh + "h-1z"; });
    }
  }

  function groupLabel(p, g, rows) {
    var y0 = p.y(g.first), y1 = p.y(g.first + g.count);
    P.el("rect", {x: p.left - 6, y: P.r2(y0), width: 4, height: P.r2(Math.max(1, y1 - y0)), fill: g.color}, p.fg);
    if (g.first > 0) P.el("line", {x1: p.left, x2: p.left + p.width, y1: P.r2(y0), y2: P.r2(y0), stroke: "#bbb", "stroke-width": 0.6}, p.fg);
    var lines = g.in_experiment ? [g.name, g.count + " neurons"] : ["other", g.site + ", " + g.count];
    if (y1 - y0 < 22) lines = [lines[0]];
    if (y1 - y0 < 9) return;
    lines.forEach(function (l, k) {
      P.text(p.fg, p.left - 10, (y0 + y1) / 2 + 4 + (k - (lines.length - 1) / 2) * 12, l,
             {"text-anchor": "end", fill: g.color, "font-weight": k ? "normal" : "bold", "font-size": k ? 9.5 : 11});
    });
  }

  /* (a) Mean rate per neuron of each group, in bins. */
  function groupRatePanel(fig, m, letter) {
    F.legendAbove(fig, m.rates.series.map(function (s) { return {label: s.label, color: s.color}; }));
    var p = F.timePanel(fig, m, 96, letter);
    p.setY(0, F.maxOf(m.rates.series.map(function (s) { return s.hz; }), 1) * 1.15);
    p.yAxis({label: "rate (Hz/neuron)", count: 3, grid: true});
    m.rates.series.forEach(function (s) { p.bins(m.rates.grid, s.hz, s.color, {width: 1.6, cls: "rate-line"}); });
    p.frame();
    p.xAxis();
    return p;
  }

  function responsePanel(fig, m, letter) {
    F.legendAbove(fig, m.response.series.map(function (s) { return {label: "P(" + s.label + ")", color: s.color}; }));
    var p = F.timePanel(fig, m, 90, letter), g = m.response.grid;
    p.setY(0, 1.05);
    p.yAxis({label: "P(response)", ticks: [0, 0.5, 1], grid: true});
    m.response.series.forEach(function (s) {
      p.line(s.p.map(function (v, i) { return g.start_s + i * g.step_s; }), s.p, s.color, {width: 1.8, cls: "response-line"});
    });
    p.frame();
    p.xAxis();
  }

  /* Weight quantiles of one synapse group: min-max and p10-p90 bands, median line. */
  function weightPanel(fig, m, w, letter) {
    F.legendAbove(fig, [{label: w.group + " weights (" + w.synapses + " synapses): median", color: w.color},
                        {label: "10-90 %", color: w.color, shape: "box", opacity: 0.45},
                        {label: "min-max", color: w.color, shape: "box", opacity: 0.2}]);
    var p = F.timePanel(fig, m, 96, letter), g = w.grid;
    p.setY(0, 1);
    p.yAxis({label: "weight", ticks: [0, 0.5, 1], grid: true});
    band(p, g, w.min, w.max, w.color, 0.2);
    band(p, g, w.p10, w.p90, w.color, 0.45);
    p.bins(g, w.p50, w.color, {width: 1.8, cls: "weight-median"});
    p.frame();
    p.xAxis();
  }

  function band(p, g, lo, hi, color, opacity) {
    var d = "";
    for (var i = 0; i < lo.length; i++) {
      if (lo[i] === null || hi[i] === null) continue;
      var x0 = P.r2(p.x(g.start_s + i * g.step_s)), x1 = P.r2(p.x(g.start_s + (i + 1) * g.step_s));
      d += "M" + x0 + "," + P.r2(p.y(hi[i])) + "H" + x1 + "V" + P.r2(p.y(lo[i])) + "H" + x0 + "z";
    }
    if (d) P.el("path", {d: d, fill: color, opacity: opacity, "class": "weight-band"}, p.g);
  }

  /* LTP (up) and LTD (down) pulses per bin of one synapse group. */
  function pulsePanel(fig, m, w, last) {
    var top = Math.max(1, Math.max.apply(null, w.ltp.concat(w.ltd))), g = w.grid;
    fig.gap(4);
    var p = F.timePanel(fig, m, 56, "");
    p.setY(-top, top);
    p.yAxis({label: "pulses/bin", ticks: [-top, 0, top], format: function (v) { return v ? (v > 0 ? "LTP " : "LTD ") + Math.abs(v) : "0"; }});
    for (var i = 0; i < w.ltp.length; i++) {
      var x0 = g.start_s + i * g.step_s, x1 = x0 + g.step_s;
      if (w.ltp[i]) p.rect(x0, 0, x1, w.ltp[i], {fill: F.LTP, "class": "ltp-bar"}, w.ltp[i] + " LTP");
      if (w.ltd[i]) p.rect(x0, -w.ltd[i], x1, 0, {fill: F.LTD, "class": "ltd-bar"}, w.ltd[i] + " LTD");
    }
    p.frame();
    p.xAxis(last ? "experiment time (s)" : undefined);
  }

  /* Figure 1 of a large network. */
  function populationFigure(m, parent) {
    var fig = new P.Figure(parent, "Figure 1: the run at a glance (population view)"), L = "abcdefghijklmnop", k = 0;
    F.phaseHeader(fig, m);
    groupRatePanel(fig, m, L[k++]);
    densityPanel(fig, m, L[k++]);
    responsePanel(fig, m, L[k++]);
    m.weights.forEach(function (w, i) {
      weightPanel(fig, m, w, L[k++ % L.length]);
      pulsePanel(fig, m, w, i === m.weights.length - 1);
    });
    if (!m.weights.length) fig.panel(1, m.time.start_s, m.time.end_s).xAxis("experiment time (s)");
    fig.gap(36);
    return fig.done();
  }

  var VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

  function ramp(stops, t) {
    var x = Math.max(0, Math.min(1, t)) * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
    var c = stops[i].map(function (v, k) { return Math.round(v + (stops[i + 1][k] - v) * f); });
    return "rgb(" + c.join(",") + ")";
  }

  function diverging(d, scale) {
    var t = Math.max(-1, Math.min(1, d / (scale || 1)));
    return t >= 0 ? ramp([[255, 255, 255], [213, 94, 0]], t) : ramp([[255, 255, 255], [0, 114, 178]], -t);
  }

  /* One crossbar map: a cell per (word, bit); `color(cell)` or hatched when the cell has no record. */
  function crossbarMap(svg, x, y, xb, size, colorOf, tipOf, caption) {
    P.text(svg, x, y - 8, caption, {"font-weight": "bold"});
    for (var w = 0; w < xb.words; w++) {
      for (var b = 0; b < xb.bits; b++) {
        P.el("rect", {x: x + b * size, y: y + w * size, width: size, height: size, fill: "#fff", stroke: "#e6e6e6", "stroke-width": 0.5}, svg);
      }
    }
    xb.cells.forEach(function (c) {
      var col = colorOf(c), r = P.el("rect", {x: x + c.bit * size, y: y + c.word * size, width: size, height: size,
                                              fill: col || "url(#ion-hatch)", stroke: col ? "none" : "#999", "class": "crossbar-cell"}, svg);
      P.title(r, tipOf(c));
    });
    for (var k = 0; k < Math.max(xb.words, xb.bits); k += 8) {
      if (k < xb.bits) P.text(svg, x + (k + 0.5) * size, y + xb.words * size + 12, String(k), {"text-anchor": "middle", "font-size": 9});
      if (k < xb.words) P.text(svg, x - 4, y + (k + 0.5) * size + 3, String(k), {"text-anchor": "end", "font-size": 9});
    }
    P.text(svg, x + xb.bits * size / 2, y + xb.words * size + 26, "bit line", {"text-anchor": "middle"});
  }

  function colorBar(svg, x, y, h, colorAt, lo, hi, label) {
    for (var i = 0; i < 40; i++) P.el("rect", {x: x, y: y + h * i / 40, width: 10, height: h / 40 + 0.5, fill: colorAt(1 - i / 40)}, svg);
    P.text(svg, x + 14, y + 8, hi, {"font-size": 9});
    P.text(svg, x + 14, y + h, lo, {"font-size": 9});
    P.text(svg, x + 5, y - 6, label, {"text-anchor": "middle", "font-size": 9});
  }

  /* Figure: every hub's crossbar, final weight and change of weight per cell. */
  function crossbarFigure(m, parent) {
    var xbs = m.crossbars.filter(function (x) { return x.cells.length; });
    if (!xbs.length) return null;
    var fig = new P.Figure(parent, "crossbar maps");
    xbs.forEach(function (xb) {
      var size = Math.min(11, 330 / Math.max(xb.words, xb.bits)), h = xb.words * size, y = fig.y + 26, dmax = 0;
      xb.cells.forEach(function (c) { if (c.w_first !== null && c.w_last !== null) dmax = Math.max(dmax, Math.abs(c.w_last - c.w_first)); });
      var tip = function (c) {
        return c.name + " [" + c.word + "," + c.bit + "]: weight " + c.w_first + " \u2192 " + c.w_last + ", LTP " + c.ltp + ", LTD " + c.ltd;
      };
      crossbarMap(fig.svg, P.ML, y, xb, size, function (c) { return c.w_last === null ? null : ramp(VIRIDIS, c.w_last); }, tip,
                  xb.hub + ": weight at the end");
      colorBar(fig.svg, P.ML + xb.bits * size + 14, y, h, function (t) { return ramp(VIRIDIS, t); }, "0", "1", "w");
      var x2 = P.ML + xb.bits * size + 120;
      crossbarMap(fig.svg, x2, y, xb, size, function (c) {
        return c.w_last === null || c.w_first === null ? null : diverging(c.w_last - c.w_first, dmax);
      }, tip, xb.hub + ": change of weight over the run");
      colorBar(fig.svg, x2 + xb.bits * size + 14, y, h, function (t) { return diverging(2 * t - 1, 1); },
               "\u2212" + dmax.toFixed(2), "+" + dmax.toFixed(2), "\u0394w");
      P.text(fig.svg, P.ML - 30, y + h / 2, "word line", {"text-anchor": "middle", transform: "rotate(-90 " + (P.ML - 30) + " " + (y + h / 2) + ")"});
      fig.gap(h + 70);
    });
    return fig.done();
  }

  return {populationFigure: populationFigure, crossbarFigure: crossbarFigure};
})(IonPlot, IonFigures);
