/* SPDX-License-Identifier: Apache-2.0 */
/* ion report renderer, part 2 of 4: the figures of a small circuit (the form of Fig. 2 of Serb et
 * al., Sci. Rep. 10:2590, 2020), per-phase bars, latency and network figures. Each figure function
 * takes the report model (docs/recording.md, "Report model") and a parent element. */
"use strict";

var IonFigures = (function (P) {
  var LTP = "#D55E00", LTD = "#0072B2", TRACE = "#333333";
  var NEUTRAL = ["#4D4D4D", "#8C8C8C", "#1F1F1F", "#B3B3B3", "#666666", "#2E2E2E"];

  function phaseLabels(m) {
    return m.phases.map(function (p, i) {
      return p.set_rate_hz !== null ? P.fmt(p.set_rate_hz, p.set_rate_hz % 1 ? 0.1 : 1) + " Hz" : "phase " + (i + 1);
    });
  }

  function seriesOf(m, name) {
    return m.rates.series.filter(function (s) { return s.label === name; })[0];
  }

  function maxOf(arrays, floor) {
    var hi = floor || 0;
    arrays.forEach(function (a) { a.forEach(function (v) { if (P.ok(v)) hi = Math.max(hi, v); }); });
    return hi;
  }

  function minOf(arrays, ceil) {
    var lo = ceil;
    arrays.forEach(function (a) { a.forEach(function (v) { if (P.ok(v)) lo = Math.min(lo, v); }); });
    return lo;
  }

  function timePanel(fig, m, h, letter) {
    var p = fig.panel(h, m.time.start_s, m.time.end_s);
    p.clip.setAttribute("class", "time-panel");
    p.phases(m.phases);
    p.letter(letter);
    return p;
  }

  /* The phases' names above the first panel of a time figure. */
  function phaseHeader(fig, m) {
    var x = P.scale(m.time.start_s, m.time.end_s, P.ML, P.ML + P.PW), labels = phaseLabels(m);
    fig.gap(16);
    m.phases.forEach(function (ph, i) {
      var name = ph.set_rate_hz === null ? (m.phases.length > 1 ? labels[i] : "one phase: the whole run") : "phase " + (i + 1) + ": " + labels[i];
      P.text(fig.svg, (x(ph.start_s) + x(ph.end_s)) / 2, fig.y - 3, name,
             {"text-anchor": "middle", fill: "#333", "font-weight": "bold", "class": "phase-label"});
    });
  }

  function legendAbove(fig, items) {
    fig.gap(18);
    P.legend(fig.svg, P.ML, fig.y - 5, items);
  }

  /* (a) The pacemaker's rate in bins, and each phase's set rate (dashed). */
  function pacemakerPanel(fig, m, letter) {
    var s = seriesOf(m, m.pacemaker), set = m.phases.map(function (p) { return p.set_rate_hz; });
    legendAbove(fig, [{label: m.pacemaker + " rate in " + m.rates.grid.step_s + " s bins", color: s.color},
                      {label: "set rate of the phase", color: "#222", shape: "dash"}]);
    var p = timePanel(fig, m, 96, letter), top = maxOf([s.hz, set], 1) * 1.15;
    p.setY(0, top);
    p.yAxis({label: "rate (Hz)", count: 3, grid: true});
    m.phases.forEach(function (ph) {
      if (ph.set_rate_hz !== null) p.line([ph.start_s, ph.end_s], [ph.set_rate_hz, ph.set_rate_hz], "#222", {dash: "5 3", width: 1});
    });
    p.bins(m.rates.grid, s.hz, s.color, {width: 2, cls: "rate-line"});
    p.frame();
    p.xAxis();
    return p;
  }

  /* (b) Spike raster, one row per neuron in circuit order, in the neuron's colour. */
  function rasterPanel(fig, m, letter) {
    var rows = m.raster.rows, n = rows.length;
    fig.gap(8);
    var p = timePanel(fig, m, Math.max(40, 20 * n), letter);
    p.setY(n, 0);
    rows.forEach(function (r, i) {
      var nrn = m.neurons[r.neuron];
      p.spikeRow(r.t_s, i + 0.15, i + 0.85, nrn.color, "raster-row");
      P.text(p.fg, P.ML - 6, p.y(i + 0.5) + 4, nrn.name, {"text-anchor": "end", fill: nrn.color, "font-weight": "bold",
                                                          "class": "row-label"});
    });
    p.frame();
    p.xAxis();
    return p;
  }

  /* (c) P(response) in a sliding window (lines) and per phase (dotted bars). */
  function responsePanel(fig, m, letter) {
    var items = m.response.series.map(function (s) { return {label: "P(" + s.label + ")", color: s.color}; });
    items.push({label: "per phase", color: "#555", shape: "dash"});
    legendAbove(fig, items);
    var p = timePanel(fig, m, 100, letter), g = m.response.grid;
    p.setY(0, 1.05);
    p.yAxis({label: "P(response)", ticks: [0, 0.5, 1], grid: true});
    m.response.series.forEach(function (s, k) {
      var xs = s.p.map(function (v, i) { return g.start_s + i * g.step_s; });
      p.line(xs, s.p, s.color, {width: 1.8, cls: "response-line"});
      var syn = s.synapse !== undefined ? m.synapses[s.synapse] : null;
      if (!syn) return;
      m.phases.forEach(function (ph, i) {
        var v = syn.phases[i].p;
        if (v !== null) p.line([ph.start_s, ph.end_s], [v, v], s.color, {dash: "2 3", width: 1.2});
      });
    });
    p.frame();
    p.xAxis();
    return p;
  }

  function countAction(tr, a) {
    return tr.action.filter(function (x) { return x === a; }).length;
  }

  /* R (left axis) and weight (right axis) of one synapse; up = stronger. Each read and pulse marked. */
  function synapsePanel(fig, m, syn, letter, last) {
    var tr = syn.trace, wm = syn.weight_map, low = wm.polarity === "low-r-strong";
    var rk = tr ? tr.r_ohm.map(function (v) { return P.ok(v) ? v / 1000 : null; }) : [];
    legendAbove(fig, [{label: syn.name + " (" + syn.pre + " \u2192 " + syn.post + ") resistance", color: TRACE},
                      {label: "LTP pulse (" + (tr ? countAction(tr, 1) : 0) + ")", color: LTP, shape: "up"},
                      {label: "LTD pulse (" + (tr ? countAction(tr, -1) : 0) + ")", color: LTD, shape: "down"},
                      {label: "read", color: "#888", shape: "dot"}]);
    var p = timePanel(fig, m, 118, letter), rmin = wm.r_min_ohm / 1000, rmax = wm.r_max_ohm / 1000;
    // Zoomed on the recorded resistances (small steps stay visible), at least a fifth of the map's range.
    var lo = minOf([rk], Infinity), hi = maxOf([rk], -Infinity);
    if (!(hi >= lo)) { lo = rmin; hi = rmax; }
    var span = Math.max(hi - lo, (rmax - rmin) / 5), mid = (lo + hi) / 2;
    lo = mid - span * 0.6; hi = mid + span * 0.6;
    p.setY(lo, hi, low);
    clipBands(p, rmin, rmax, lo, hi, m);
    p.yAxis({label: "R (k\u03a9)", count: 4, grid: true});
    var toW = function (r) { return low ? (rmax - r) / (rmax - rmin) : (r - rmin) / (rmax - rmin); };
    var wt = P.ticks(Math.max(0, Math.min(toW(lo), toW(hi))), Math.min(1, Math.max(toW(lo), toW(hi))), 4);
    p.yAxis({right: true, label: "weight", ticks: wt.map(function (w) { return low ? rmax - w * (rmax - rmin) : rmin + w * (rmax - rmin); }),
             format: function (r) { return P.fmt(toW(r), wt.step); }});
    if (tr) {
      p.line(tr.t_s, rk, TRACE, {step: true, until: m.time.end_s, width: 1.3, cls: "weight-line"});
      // Many pulses (gradual plasticity) get smaller markers, so the trace stays readable.
      var n = tr.action.length, size = n > 400 ? 2.4 : n > 100 ? 3.2 : 4.2;
      ["read", "up", "down"].forEach(function (shape, k) {
        var a = [0, 1, -1][k], xs = [], ys = [];
        tr.action.forEach(function (x, i) { if (x === a) { xs.push(tr.t_s[i]); ys.push(rk[i]); } });
        p.markers(xs, ys, shape === "read" ? "dot" : shape, ["#888", LTP, LTD][k], shape === "read" ? Math.min(3, size) : size,
                  ["read-marker", "ltp-marker", "ltd-marker"][k]);
      });
    } else {
      noData(p, "no weight records of " + syn.name);
    }
    p.frame();
    p.xAxis(last ? "experiment time (s)" : undefined);
    return p;
  }

  /* Light bands where R is beyond r_min / r_max (the weight is clipped to 0 or 1 there). */
  function clipBands(p, rmin, rmax, lo, hi, m) {
    if (lo < rmin) p.rect(m.time.start_s, lo, m.time.end_s, rmin, {fill: "#f6f0e0", "class": "clip-band"});
    if (hi > rmax) p.rect(m.time.start_s, rmax, m.time.end_s, hi, {fill: "#f6f0e0", "class": "clip-band"});
  }

  function noData(p, what) {
    P.el("rect", {x: p.left, y: p.top, width: p.width, height: p.h, fill: "url(#ion-hatch)", "class": "no-data"}, p.g);
    P.text(p.fg, p.left + p.width / 2, p.top + p.h / 2 + 4, what, {"text-anchor": "middle", fill: "#444"});
  }

  /* Figure 1 (small circuit): rate, raster, P(response), every synapse's R and weight. */
  function circuitFigure(m, parent) {
    var fig = new P.Figure(parent, "Figure 1: the run at a glance"), letters = "abcdefghijklmnop", k = 0;
    phaseHeader(fig, m);
    if (m.pacemaker && seriesOf(m, m.pacemaker)) pacemakerPanel(fig, m, letters[k++]);
    var r = rasterPanel(fig, m, letters[k++]);
    responsePanel(fig, m, letters[k++]);
    var syns = m.synapses;
    syns.forEach(function (s, i) { synapsePanel(fig, m, s, letters[k++ % letters.length], i === syns.length - 1); });
    if (!syns.length) r.xAxis("experiment time (s)");
    fig.gap(36);
    return fig.done();
  }

  /* One bar of a per-phase chart: the value, an explicit 0, or hatched "no data". */
  function bar(p, x0, x1, v, color, tip, partial) {
    if (v === null || v === undefined) {
      var y = p.y.d1 * 0.12;
      p.rect(x0, 0, x1, y, {fill: "url(#ion-hatch)", stroke: "#999", "class": "bar-missing"}, tip + ": no data");
      P.text(p.fg, p.x((x0 + x1) / 2), p.y(y) - 3, "n/a", {"text-anchor": "middle", "font-size": 9, fill: "#666"});
      return;
    }
    if (v === 0) {
      p.rect(x0, 0, x1, 0, {fill: color, "class": "bar-zero"}, tip + ": 0");
      P.el("line", {x1: P.r2(p.x(x0)), x2: P.r2(p.x(x1)), y1: P.r2(p.y(0)) - 1, y2: P.r2(p.y(0)) - 1,
                    stroke: color, "stroke-width": 2.5, "class": "bar-zero"}, p.g);
    } else {
      p.rect(x0, 0, x1, v, {fill: color, "class": "bar", "stroke-dasharray": partial ? "3 2" : undefined,
                            stroke: partial ? "#222" : undefined}, tip + ": " + v);
    }
    P.text(p.fg, p.x((x0 + x1) / 2), p.y(v) - 3, P.fmt(v, v < 1 ? 0.01 : 0.1) + (partial ? "*" : ""),
           {"text-anchor": "middle", "font-size": 9, fill: "#333"});
  }

  /* Grouped bars: one group per phase, one bar per entry; entries [{label, color, values[], partial[]}]. */
  function phaseBars(fig, m, entries, yLabel, top, left, width, letter) {
    var p = new P.Panel(fig.svg, fig.y, 150, 0, m.phases.length, left, width), k = entries.length;
    p.setY(0, top);
    p.yAxis({label: yLabel, count: 4, grid: true});
    m.phases.forEach(function (ph, i) {
      entries.forEach(function (e, j) {
        var x0 = i + 0.1 + 0.8 * j / k;
        bar(p, x0, x0 + 0.8 / k * 0.9, e.values[i], e.color, e.label + ", phase " + (i + 1), e.partial && e.partial[i]);
      });
      P.text(p.fg, p.x(i + 0.5), p.top + p.h + 14, "phase " + (i + 1), {"text-anchor": "middle"});
      if (ph.set_rate_hz !== null) P.text(p.fg, p.x(i + 0.5), p.top + p.h + 27, phaseLabels(m)[i], {"text-anchor": "middle", fill: "#555"});
    });
    p.letter(letter);
    p.frame();
    return p;
  }

  function rateEntries(m) {
    if (m.layout === "population") {
      return m.groups.map(function (g) { return {label: g.name + " (mean)", color: g.color, values: g.rate_hz.mean}; });
    }
    return m.neurons.map(function (n) { return {label: n.name, color: n.color, values: n.rate_hz, partial: n.partial}; });
  }

  function responseEntries(m) {
    var src = m.layout === "population" ? m.synapse_groups : m.synapses;
    return src.map(function (s) {
      return {label: s.label || s.name + " (" + s.post + " \u2190 " + s.pre + ")", color: s.color,
              values: s.phases.map(function (x) { return x.p; })};
    });
  }

  /* Figure 2: rates and P(response) per phase, with "0" and "no data" told apart. */
  function phaseFigure(m, parent) {
    var fig = new P.Figure(parent, "Figure 2: rates and responses per phase"), rates = rateEntries(m), resp = responseEntries(m);
    var half = (P.W - 2 * P.ML - 60) / 2;
    fig.gap(18);
    P.legend(fig.svg, P.ML, fig.y - 5, rates.map(function (e) { return {label: e.label, color: e.color, shape: "box"}; }));
    P.legend(fig.svg, P.ML * 2 + half + 60, fig.y - 5, resp.map(function (e) { return {label: e.label, color: e.color, shape: "box"}; }));
    fig.gap(6);
    phaseBars(fig, m, rates, "rate (Hz)", maxOf(rates.map(function (e) { return e.values; }), 1) * 1.18, P.ML, half, "a");
    phaseBars(fig, m, resp, "P(response)", 1.12, P.ML * 2 + half + 60, half, "b");
    fig.gap(196);
    P.legend(fig.svg, P.ML, fig.y, [{label: "no data (site not recorded)", shape: "hatch"},
                                   {label: "0: a measured zero", color: "#333"}, {label: "*: over part of the phase", shape: "dot", color: "#fff"}]);
    fig.gap(10);
    return fig.done();
  }

  /* Histogram panel of per-spike latencies. */
  function histogramPanel(fig, h, entry, hist, left, width) {
    var counts = entry.counts, top = Math.max.apply(null, counts.concat([1])) * 1.15, bw = (hist.hi_ms - hist.lo_ms) / hist.bins;
    var p = new P.Panel(fig.svg, fig.y, h, hist.lo_ms, hist.hi_ms, left, width);
    p.setY(0, top);
    p.yAxis({label: "spikes", count: 3, grid: true});
    counts.forEach(function (c, i) {
      if (c > 0) p.rect(hist.lo_ms + i * bw, 0, hist.lo_ms + (i + 1) * bw, c, {fill: entry.color, "class": "latency-bar"}, c + " spikes");
    });
    var st = entry.stats;
    [["p50", st.p50_ms, "4 0"], ["p99", st.p99_ms, "4 3"]].forEach(function (q) {
      if (q[1] === null) return;
      p.line([q[1], q[1]], [0, top], "#222", {dash: q[2], width: 1});
      P.text(p.fg, p.x(q[1]) + 3, p.top + 11, q[0] + " " + q[1].toFixed(2) + " ms", {"font-size": 10});
    });
    P.text(p.fg, p.left + 4, p.top - 4, entry.label + "  (n = " + st.n + ")", {fill: "#222"});
    p.frame();
    p.xAxis("latency (ms)", 6);
    return p;
  }

  /* Figure 3: per-spike latency (spike at its source -> input recorded at the post site). */
  function latencyFigure(m, parent) {
    var L = m.latency, entries = m.layout === "population" ? L.routes.map(function (r, i) {
      return {label: r.from + " \u2192 " + r.via + " \u2192 " + r.to + " (" + r.synapses + " synapses)",
              color: NEUTRAL[i % NEUTRAL.length], counts: r.counts, stats: r.stats};
    }) : L.synapses;
    if (!entries.length) return null;
    var fig = new P.Figure(parent, "Figure 3: per-spike latency"), per = Math.min(3, entries.length);
    var w = (P.W - P.ML - P.MR - (per - 1) * 70) / per;
    if (m.layout !== "population") latencyOverTime(fig, m, L.synapses);
    for (var i = 0; i < entries.length; i++) {
      if (i % per === 0) fig.gap(i ? 190 : 20);
      var hp = histogramPanel(fig, 130, entries[i], L.hist, P.ML + (i % per) * (w + 70), w);
      if (i === 0) hp.letter(m.layout === "population" ? "a" : "b");
    }
    fig.gap(180);
    return fig.done();
  }

  function latencyOverTime(fig, m, syns) {
    var all = [];
    syns.forEach(function (s) { all.push(s.samples.ms); });
    legendAbove(fig, syns.map(function (s) { return {label: s.label, color: s.color, shape: "dot"}; }));
    var p = timePanel(fig, m, 110, "a"), hi = maxOf(all, 1) * 1.1;
    p.setY(0, hi);
    p.yAxis({label: "latency (ms)", count: 4, grid: true});
    syns.forEach(function (s) { p.markers(s.samples.t_s, s.samples.ms, "dot", s.color, 3, "latency-dot"); });
    p.frame();
    p.xAxis("experiment time of the presynaptic spike (s)");
    fig.gap(30);
  }

  /* Figure 4: datagrams lost per link (cumulative) and clock offsets, on the common time axis. */
  function networkFigure(m, parent) {
    var links = m.links.lost_over_time, clocks = m.clocks;
    if (!links.length && !clocks.length) return null;
    var fig = new P.Figure(parent, "Figure 4: links and clocks");
    if (links.length) {
      legendAbove(fig, links.map(function (l, i) { return {label: l.label, color: NEUTRAL[i % NEUTRAL.length], shape: i % 2 ? "dash" : "line"}; }));
      var p = timePanel(fig, m, 100, "a");
      p.setY(0, maxOf(links.map(function (l) { return l.lost; }), 1) * 1.15);
      p.yAxis({label: "lost datagrams", count: 3, grid: true});
      links.forEach(function (l, i) {
        p.line(l.t_s, l.lost, NEUTRAL[i % NEUTRAL.length], {step: true, dash: i % 2 ? "5 3" : undefined, cls: "loss-line"});
      });
      p.frame();
      p.xAxis(clocks.length ? undefined : "experiment time (s)");
    }
    if (clocks.length) clockPanel(fig, m, clocks, links.length ? "b" : "a");
    fig.gap(36);
    return fig.done();
  }

  function clockPanel(fig, m, clocks, letter) {
    legendAbove(fig, clocks.map(function (c, i) { return {label: c.site + " (\u00b1 uncertainty)", color: NEUTRAL[i % NEUTRAL.length]}; }));
    var p = timePanel(fig, m, 100, letter), lo = Infinity, hi = -Infinity;
    clocks.forEach(function (c) {
      c.offset_us.forEach(function (v, i) { lo = Math.min(lo, v - c.uncertainty_us[i]); hi = Math.max(hi, v + c.uncertainty_us[i]); });
    });
    var pad = Math.max(1, (hi - lo) * 0.1);
    p.setY(lo - pad, hi + pad);
    p.yAxis({label: "offset (\u00b5s)", count: 4, grid: true});
    clocks.forEach(function (c, i) {
      var up = c.offset_us.map(function (v, k) { return v + c.uncertainty_us[k]; });
      var dn = c.offset_us.map(function (v, k) { return v - c.uncertainty_us[k]; });
      p.line(c.t_s, up, NEUTRAL[i % NEUTRAL.length], {width: 0.6, dash: "2 2"});
      p.line(c.t_s, dn, NEUTRAL[i % NEUTRAL.length], {width: 0.6, dash: "2 2"});
      p.line(c.t_s, c.offset_us, NEUTRAL[i % NEUTRAL.length], {cls: "clock-line"});
    });
    p.frame();
    p.xAxis("experiment time (s)");
  }

  return {circuitFigure: circuitFigure, phaseFigure: phaseFigure, latencyFigure: latencyFigure,
          networkFigure: networkFigure, timePanel: timePanel, phaseHeader: phaseHeader, legendAbove: legendAbove, phaseLabels: phaseLabels,
          maxOf: maxOf, LTP: LTP, LTD: LTD};
})(IonPlot);
