/* SPDX-License-Identifier: Apache-2.0 */
/* ion report renderer, part 1 of 4: SVG primitives (no dependencies, no network).
 * A Figure is one <svg> of fixed width holding panels stacked vertically; every time panel of
 * every figure uses the same left and right margins, so time axes line up down the page.
 * Values that are null (no data) are never drawn as 0: lines break, bars are hatched. */
"use strict";

var IonPlot = (function () {
  var NS = "http://www.w3.org/2000/svg";
  var W = 1000, ML = 84, MR = 84, PW = W - ML - MR;
  var uid = 0;

  function el(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) {
      if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    }
    if (parent) parent.appendChild(e);
    return e;
  }

  function text(parent, x, y, str, attrs) {
    var a = attrs || {};
    a.x = r2(x);
    a.y = r2(y);
    var t = el("text", a, parent);
    t.textContent = str;
    return t;
  }

  function title(parent, str) {
    el("title", {}, parent).textContent = str;
  }

  function r2(v) { return Math.round(v * 100) / 100; }
  function ok(v) { return v !== null && v !== undefined && isFinite(v); }

  /* Tick values: steps of 1, 2 or 5 x 10^k, about `count` of them over [lo, hi]. */
  function ticks(lo, hi, count) {
    if (!(hi > lo)) return [lo];
    var raw = (hi - lo) / Math.max(1, count), mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = mag * (raw / mag >= 5 ? 5 : raw / mag >= 2 ? 2 : 1), out = [];
    for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    out.step = step;
    return out;
  }

  /* A tick label: as many decimals as the tick step needs (without a step: up to 3, trimmed). */
  function fmt(v, step) {
    if (!step) return String(+v.toFixed(3));
    return v.toFixed(step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)));
  }

  function scale(d0, d1, r0, r1) {
    var f = function (v) { return r0 + (v - d0) / (d1 - d0 || 1) * (r1 - r0); };
    f.d0 = d0; f.d1 = d1; f.r0 = r0; f.r1 = r1;
    return f;
  }

  /* A figure: call panel() for each stacked panel, then done() to size the svg. */
  function Figure(parent, label) {
    this.svg = el("svg", {"class": "figure", "xmlns": NS, "role": "img", "aria-label": label,
                          "font-family": "Helvetica, Arial, sans-serif", "font-size": 11}, parent);
    this.y = 8;
  }
  Figure.prototype.gap = function (h) { this.y += h; };
  Figure.prototype.panel = function (h, x0, x1) {
    var p = new Panel(this.svg, this.y, h, x0, x1);
    this.y += h;
    return p;
  };
  Figure.prototype.done = function () {
    this.svg.setAttribute("viewBox", "0 0 " + W + " " + Math.ceil(this.y + 4));
    this.svg.setAttribute("width", W);
    this.svg.setAttribute("height", Math.ceil(this.y + 4));
    return this.svg;
  };

  function Panel(svg, top, h, x0, x1, left, width) {
    this.svg = svg;
    this.top = top;
    this.h = h;
    this.left = left === undefined ? ML : left;
    this.width = width === undefined ? PW : width;
    this.x = scale(x0, x1, this.left, this.left + this.width);
    this.y = scale(0, 1, top + h, top);
    var id = "clip" + (++uid);
    var cp = el("clipPath", {id: id}, svg);
    this.clip = el("rect", {x: this.left, y: top, width: this.width, height: h}, cp);
    this.bg = el("g", {"class": "bg"}, svg);
    this.g = el("g", {"clip-path": "url(#" + id + ")"}, svg);
    this.fg = el("g", {"class": "axes"}, svg);
  }

  Panel.prototype.setY = function (lo, hi, inverted) {
    this.y = inverted ? scale(lo, hi, this.top, this.top + this.h) : scale(lo, hi, this.top + this.h, this.top);
    return this;
  };

  Panel.prototype.frame = function () {
    el("rect", {x: this.left, y: this.top, width: this.width, height: this.h, fill: "none", stroke: "#444",
                "stroke-width": 0.8}, this.fg);
  };

  Panel.prototype.letter = function (ch) {
    text(this.fg, this.left - ML + 8, this.top + 12, ch, {"font-weight": "bold", "font-size": 15, "class": "panel-letter"});
  };

  /* Left (or right) axis with ticks; `label` is written vertically beside it. */
  Panel.prototype.yAxis = function (opts) {
    var o = opts || {}, y = o.scale || this.y, right = !!o.right, lo = Math.min(y.d0, y.d1), hi = Math.max(y.d0, y.d1);
    var t = o.ticks || ticks(lo, hi, o.count || 4), x = right ? this.left + this.width : this.left;
    var dir = right ? 1 : -1, self = this;
    t.forEach(function (v) {
      var py = y(v);
      if (py < self.top - 0.5 || py > self.top + self.h + 0.5) return;
      el("line", {x1: x, x2: x + 4 * dir, y1: r2(py), y2: r2(py), stroke: "#444"}, self.fg);
      text(self.fg, x + 7 * dir, py + 3.5, o.format ? o.format(v) : fmt(v, t.step),
           {"text-anchor": right ? "start" : "end", fill: o.color || "#222"});
      if (o.grid) el("line", {x1: self.left, x2: self.left + self.width, y1: r2(py), y2: r2(py), stroke: "#e4e4e4"}, self.bg);
    });
    if (o.label) {
      var lx = right ? x + 52 : x - 50, ly = this.top + this.h / 2;
      text(this.fg, lx, ly, o.label, {"text-anchor": "middle", transform: "rotate(-90 " + r2(lx) + " " + r2(ly) + ")",
                                      fill: o.color || "#222"});
    }
  };

  /* Bottom axis; tick labels only when `label` is given (the last panel of a figure). */
  Panel.prototype.xAxis = function (label, count) {
    var t = ticks(this.x.d0, this.x.d1, count || 10), self = this, yb = this.top + this.h;
    t.forEach(function (v) {
      var px = self.x(v);
      el("line", {x1: r2(px), x2: r2(px), y1: yb, y2: yb + 4, stroke: "#444"}, self.fg);
      if (label !== undefined) text(self.fg, px, yb + 15, fmt(v, t.step), {"text-anchor": "middle"});
    });
    if (label) text(this.fg, this.left + this.width / 2, yb + 31, label, {"text-anchor": "middle"});
  };

  /* Phases as alternating shaded bands with dashed bounds. */
  Panel.prototype.phases = function (phases) {
    var self = this;
    phases.forEach(function (ph, i) {
      var x0 = self.x(ph.start_s), x1 = self.x(ph.end_s);
      if (i % 2 === 1) el("rect", {x: r2(x0), y: self.top, width: r2(x1 - x0), height: self.h, fill: "#efefef"}, self.bg);
      if (i > 0) el("line", {x1: r2(x0), x2: r2(x0), y1: self.top, y2: self.top + self.h, stroke: "#9a9a9a",
                             "stroke-dasharray": "3 3"}, self.bg);
    });
  };

  /* A polyline through (xs[i], ys[i]); null values break it. `step`: value holds until the next x
   * (and after the last one until `until`). */
  Panel.prototype.line = function (xs, ys, color, o) {
    var opts = o || {}, d = "", pen = false, self = this;
    for (var i = 0; i < xs.length; i++) {
      if (!ok(xs[i]) || !ok(ys[i])) { pen = false; continue; }
      var px = r2(self.x(xs[i])), py = r2(self.y(ys[i]));
      if (opts.step && pen) d += "H" + px;
      d += (pen ? "L" : "M") + px + "," + py;
      pen = true;
      if (opts.step && (i + 1 >= xs.length || !ok(ys[i + 1]))) {
        var nx = i + 1 < xs.length ? xs[i + 1] : opts.until;
        if (ok(nx)) d += "H" + r2(self.x(nx));
      }
    }
    if (d) {
      el("path", {d: d, fill: "none", stroke: color, "stroke-width": opts.width || 1.4,
                  "stroke-dasharray": opts.dash, "stroke-linejoin": "round", "class": opts.cls}, this.g);
    }
  };

  /* Values per grid bin as a staircase with gaps where null. */
  Panel.prototype.bins = function (grid, values, color, o) {
    var xs = [], ys = [];
    for (var i = 0; i < values.length; i++) {
      xs.push(grid.start_s + i * grid.step_s, grid.start_s + (i + 1) * grid.step_s);
      ys.push(values[i], values[i]);
      if (values[i] === null) { xs.push(null); ys.push(null); }
    }
    this.line(xs, ys, color, o);
  };

  /* Shape markers: "up" / "down" triangles, "dot". One <path> per call. */
  Panel.prototype.markers = function (xs, ys, shape, color, size, cls) {
    var d = "", s = size || 4;
    for (var i = 0; i < xs.length; i++) {
      if (!ok(xs[i]) || !ok(ys[i])) continue;
      var x = r2(this.x(xs[i])), y = r2(this.y(ys[i]));
      if (shape === "up") d += "M" + x + "," + r2(y - s) + "l" + s + "," + 1.7 * s + "h" + (-2 * s) + "z";
      else if (shape === "down") d += "M" + x + "," + r2(y + s) + "l" + s + "," + (-1.7 * s) + "h" + (-2 * s) + "z";
      else d += "M" + r2(x - s / 2) + "," + y + "a" + s / 2 + "," + s / 2 + " 0 1,0 " + s + ",0a" + s / 2 + "," + s / 2 + " 0 1,0 " + (-s) + ",0";
    }
    if (d) el("path", {d: d, fill: color, stroke: s >= 4 ? "#fff" : "none", "stroke-width": 0.5, "class": cls}, this.g);
  };

  /* Raster ticks of one row: vertical strokes at xs between data y0 and y1. */
  Panel.prototype.spikeRow = function (xs, y0, y1, color, cls) {
    var d = "", a = r2(this.y(y0)), h = r2(this.y(y1) - this.y(y0));
    for (var i = 0; i < xs.length; i++) {
      if (ok(xs[i])) d += "M" + r2(this.x(xs[i])) + "," + a + "v" + h;
    }
    el("path", {d: d || "M0,0", stroke: color, "stroke-width": 1, fill: "none", "class": cls}, this.g);
  };

  /* Filled rectangle in data coordinates. */
  Panel.prototype.rect = function (x0, y0, x1, y1, attrs, tip) {
    var a = attrs || {}, px0 = this.x(x0), px1 = this.x(x1), py0 = this.y(y0), py1 = this.y(y1);
    if (![px0, px1, py0, py1].every(ok)) return null;
    a.x = r2(Math.min(px0, px1)); a.y = r2(Math.min(py0, py1));
    a.width = r2(Math.abs(px1 - px0)); a.height = r2(Math.abs(py1 - py0));
    var r = el("rect", a, this.g);
    if (tip) title(r, tip);
    return r;
  };

  /* Legend entries [{label, color, shape ("line"|"up"|"down"|"dot"|"box"|"hatch"|"dash")}] in a row. */
  function legend(parent, x, y, items) {
    var cx = x;
    items.forEach(function (it) {
      var g = el("g", {"class": "legend-entry"}, parent), c = it.color || "#333";
      if (it.shape === "up") el("path", {d: "M" + (cx + 6) + "," + (y - 8) + "l5,8.5h-10z", fill: c}, g);
      else if (it.shape === "down") el("path", {d: "M" + (cx + 6) + "," + (y + 1) + "l5,-8.5h-10z", fill: c}, g);
      else if (it.shape === "dot") el("circle", {cx: cx + 6, cy: y - 3.5, r: 2.5, fill: c}, g);
      else if (it.shape === "box") el("rect", {x: cx, y: y - 9, width: 12, height: 10, fill: c, opacity: it.opacity}, g);
      else if (it.shape === "hatch") el("rect", {x: cx, y: y - 9, width: 12, height: 10, fill: "url(#ion-hatch)", stroke: "#888"}, g);
      else el("line", {x1: cx, x2: cx + 14, y1: y - 3.5, y2: y - 3.5, stroke: c, "stroke-width": 2,
                       "stroke-dasharray": it.shape === "dash" ? "4 3" : undefined}, g);
      var t = text(g, cx + 18, y, it.label, {fill: "#222"});
      cx += 26 + textWidth(it.label, t);
    });
    return cx;
  }

  /* Rendered width of a text element when the page is laid out, else an estimate. */
  function textWidth(s, node) {
    var w = node && node.getComputedTextLength ? node.getComputedTextLength() : 0;
    return w > 0 ? w : 6.4 * String(s).length;
  }

  /* The hatch pattern that marks "no data" (defined once per svg). */
  function defs(svg) {
    var d = el("defs", {}, svg), p = el("pattern", {id: "ion-hatch", width: 6, height: 6,
                                                    patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)"}, d);
    el("rect", {width: 6, height: 6, fill: "#fafafa"}, p);
    el("line", {x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#a0a0a0", "stroke-width": 2}, p);
  }

  return {el: el, text: text, title: title, ticks: ticks, fmt: fmt, scale: scale, Figure: Figure, Panel: Panel,
          legend: legend, defs: defs, ok: ok, r2: r2, W: W, ML: ML, MR: MR, PW: PW, textWidth: textWidth};
})();
