/* SPDX-License-Identifier: Apache-2.0 */
/* ion report renderer, part 4 of 4: the page. IonReport.render(model, element) draws a whole
 * report from one report model; IonReport.renderPage(modelId, rootId) reads the model embedded in
 * the page (report.html). A live view can call render() again with a newer model. */
"use strict";

var IonReport = (function (P, F, POP) {
  function h(tag, attrs, parent, textContent) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    }
    if (textContent !== undefined) e.textContent = textContent;
    if (parent) parent.appendChild(e);
    return e;
  }

  function f(v, digits) { return v === null || v === undefined ? null : Number(v).toFixed(digits); }
  function pct(v) { return v === null || v === undefined ? null : (100 * v).toFixed(2) + " %"; }
  function list(names) {
    return names.length < 2 ? names.join("") : names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
  }
  function ms(s) { return +(s * 1000).toFixed(3) + " ms"; }

  /* A table; cells are strings, null ("no data") or {text, color, cls}. */
  function table(parent, head, rows, cls) {
    var t = h("table", {"class": cls || ""}, h("div", {"class": "scroll"}, parent)), tr = h("tr", {}, h("thead", {}, t));
    head.forEach(function (c) { cell(tr, "th", c); });
    var tb = h("tbody", {}, t);
    rows.forEach(function (r) {
      var row = h("tr", {}, tb);
      r.forEach(function (c) { cell(row, "td", c); });
    });
    return t;
  }

  function cell(row, tag, c) {
    if (c === null || c === undefined) return h(tag, {"class": "nd"}, row, "no data");
    if (typeof c !== "object") return h(tag, {}, row, String(c));
    var e = h(tag, {"class": c.cls, style: c.color ? "color:" + c.color : undefined}, row, c.text);
    if (c.title) e.title = c.title;
    return e;
  }

  function section(root, title) {
    var s = h("section", {}, root);
    h("h2", {}, s, title);
    return s;
  }

  function figure(parent, draw, m, caption) {
    var fig = h("figure", {}, parent), svg = draw(m, fig);
    if (!svg) { parent.removeChild(fig); return null; }
    h("figcaption", {}, fig, caption);
    return fig;
  }

  function header(root, m) {
    var r = m.run, hd = h("header", {}, root);
    h("h1", {}, hd, r.experiment);
    h("p", {"class": "meta"}, hd, "seed " + r.seed + " \u00b7 " + r.duration_s + " s \u00b7 " + m.sites.length + " sites \u00b7 " +
      m.neurons.length + " neurons \u00b7 " + m.synapses.length + " synapses \u00b7 " + r.spikes + " spikes \u00b7 " +
      r.weight_records + " weight records");
    if (r.status === "running") {  /* a live model (the dashboard): the recording is still growing */
      h("p", {"class": "banner live"}, hd, "Live: the run is still going; the figures are redrawn as the recording grows.");
      return;
    }
    if (r.status !== "complete") h("p", {"class": "banner"}, hd, "Run " + r.status_text + ": the recording ends there; " +
                                   "phases after it did not run.");
    if (!r.complete) {
      h("p", {"class": "banner"}, hd, "Incomplete recording: " + m.sites.filter(function (s) { return !s.logged || !s.finished; })
        .map(function (s) { return s.name + (s.logged ? " stopped at " + s.until_s + " s" : " has no log"); }).join("; ") +
        ". Values after that are shown as no data.");
    }
  }

  function circuitCaption(m) {
    var L = "abcdefghijklmnop", k = 0, parts = [], r = m.run;
    var names = m.neurons.map(function (n) { return n.name; });
    if (m.pacemaker) parts.push("(" + L[k++] + ") Firing rate of the pacemaker " + m.pacemaker + " in " + m.rates.grid.step_s +
                                " s bins (solid) and the set rate of each phase (dashed).");
    parts.push("(" + L[k++] + ") Spikes of " + list(names) + ", in circuit order (following the synapses from the pacemaker); " +
               "each neuron has one colour in every figure.");
    parts.push("(" + L[k++] + ") Probability that the post neuron fires " + ms(r.response_min_s) + " to " + ms(r.response_max_s) +
               " after a presynaptic spike, in a sliding " + m.response.window_s + " s window (solid) and over each phase (dotted); " +
               "gaps: no presynaptic spike or no recording.");
    if (m.synapses.length) {
      var first = L[k], last = L[k + m.synapses.length - 1];
      parts.push("(" + (first === last ? first : first + "\u2013" + last) + ") Device resistance (left axis) and weight " +
                 "(right axis) of " + list(m.synapses.map(function (s) { return s.name; })) + " after every read (\u2022) and " +
                 "plasticity pulse (\u25b2 LTP, \u25bc LTD); the resistance axis is inverted where a low resistance is a strong " +
                 "synapse, so up is always stronger; tinted: beyond the weight map's range (weight clipped to 0 or 1).");
    }
    return "Figure 1. " + r.experiment + ", seed " + r.seed + ". " + parts.join(" ") +
           " Phases alternate white and grey, their set rates above. Time axes are shared by all figures.";
  }

  function populationCaption(m) {
    return "Figure 1. " + m.run.experiment + ", seed " + m.run.seed + " (population view: " + m.neurons.length + " neurons, " +
           m.synapses.length + " synapses). (a) Mean firing rate per neuron of each group in " + m.rates.grid.step_s + " s bins. " +
           "(b) Spike density: one row per neuron in circuit order, grouped and coloured by neuron group; darker = more spikes " +
           "per bin. (c) Probability that a post neuron fires " + ms(m.run.response_min_s) + " to " + ms(m.run.response_max_s) +
           " after a presynaptic spike, pooled over each synapse group, in a sliding " + m.response.window_s + " s window. " +
           "Then, per synapse group: the distribution of its weights (median, 10\u201390 % and min\u2013max over the synapses) " +
           "and the LTP (up) and LTD (down) pulses per bin.";
  }

  function phaseTable(parent, m) {
    var pop = m.layout === "population", cols = pop ? m.groups : m.neurons, syns = pop ? m.synapse_groups : m.synapses;
    var head = ["phase", "span (s)", "set rate (Hz)"];
    cols.forEach(function (c) { head.push({text: c.name + (pop ? " mean" : "") + " (Hz)", color: c.color}); });
    syns.forEach(function (s) {
      head.push({text: "P(" + (s.label || s.post + " \u2190 " + s.pre) + ")", color: s.color},
                {text: s.name + (pop ? " LTP/LTD" : " weight (LTP/LTD)"), color: s.color});
    });
    var rows = m.phases.map(function (ph, i) {
      var row = [String(i + 1), ph.start_s + "\u2013" + ph.end_s, ph.set_rate_hz === null ? "\u2013" : String(ph.set_rate_hz)];
      if (!ph.ran) return row.concat(head.slice(3).map(function () { return "not run"; }));
      cols.forEach(function (c) {
        var v = pop ? c.rate_hz.mean[i] : c.rate_hz[i];
        row.push(v === null ? null : f(v, 2) + (!pop && c.partial[i] ? "*" : ""));
      });
      syns.forEach(function (s) {
        var x = s.phases[i], n = x.ltp + "/" + x.ltd;
        row.push(x.p === null ? null : f(x.p, 3) + " (" + x.responded + "/" + x.pre_spikes + ")");
        row.push(pop ? n : (x.w_start === null ? null : f(x.w_start, 3) + " \u2192 " + f(x.w_end, 3) + " (" + n + ")"));
      });
      return row;
    });
    table(parent, head, rows, "phases");
  }

  function deliveryTable(parent, m) {
    var head = ["synapse", "pre spikes", "delivered", "lost", "latency p50 (ms)", "p99", "min", "max", "no arrival time"];
    var pop = m.layout === "population", where = parent;
    if (pop) {  // hundreds of rows: folded away below the routes
      where = h("details", {}, parent);
      h("summary", {}, where, "Delivery and latency of each of the " + m.synapses.length + " synapses");
    }
    var rows = m.synapses.map(function (s) {
      var d = s.delivery, l = d && d.latency;
      return [{text: s.name + " (" + s.pre + " \u2192 " + s.post + ")", color: s.color}, d && d.pre_spikes, d && d.delivered,
              d && pct(d.loss), l && f(l.p50_ms, 2), l && f(l.p99_ms, 2), l && f(l.min_ms, 2), l && f(l.max_ms, 2), d && d.without_arrival];
    });
    table(where, head, rows, "delivery");
    var routes = m.latency.routes.map(function (r) {
      var l = r.stats;
      return [r.from + " \u2192 " + r.via + " \u2192 " + r.to, r.synapses, r.pre_spikes, r.delivered, pct(r.loss), f(l.p50_ms, 2),
              f(l.p99_ms, 2), f(l.max_ms, 2)];
    });
    var rt = table(parent, ["route (pre site \u2192 hub \u2192 post site)", "synapses", "pre spikes", "delivered", "lost",
                            "latency p50 (ms)", "p99", "max"], routes, "routes");
    if (pop) parent.insertBefore(rt.parentNode, where);
  }

  function linkTable(parent, m) {
    var rows = m.links.table.map(function (l) {
      return [l.site + " \u2192 " + l.peer, l.events_sent, l.events_received, l.datagrams_sent, l.datagrams_received, l.lost,
              pct(l.loss), l.duplicated, l.reordered, l.late, l.rejected, l.malformed, f(l.rtt_p50_ms, 2), f(l.rtt_p99_ms, 2),
              f(l.clock_offset_us, 1)];
    });
    table(parent, ["site \u2192 peer", "events sent", "recv", "datagrams sent", "recv", "lost", "loss", "dup", "reord", "late",
                   "rejected", "malformed", "min-RTT p50 (ms)", "p99", "clock offset (\u00b5s)"], rows, "links");
    if (m.links.stimuli.length) {
      table(parent, ["bio site", "synapse", "stimuli delivered", "clamped", "refused"], m.links.stimuli.map(function (s) {
        return [s.site, s.synapse, s.delivered, s.clamped, s.refused];
      }), "stimuli");
    }
  }

  function bookkeeping(root, m) {
    var s = section(root, "5. Sites, warnings and notes");
    table(s, ["site", "role", "records", "log", "recorded until (s)", "end-of-run note"], m.sites.map(function (x) {
      return [x.name, x.role || "\u2013", x.records, x.log_tail, x.until_s, x.logged ? (x.finished ? "yes" : {text: "missing", cls: "bad"}) : null];
    }), "sites");
    var ul = h("ul", {"class": "notes"}, s);
    m.warnings.forEach(function (w) { h("li", {"class": "warning"}, ul, "warning: " + w); });
    m.notes.forEach(function (n) { h("li", {"class": n.gap ? "gap" : ""}, ul, n.site + " @ " + n.t_s + " s: " + (n.gap ? "gap: " : "") + n.text); });
    var d = h("details", {}, s);
    h("summary", {}, d, "Experiment file");
    h("pre", {}, d, m.experiment_file);
  }

  function hatchDefs(root) {
    var svg = P.el("svg", {width: 0, height: 0, "class": "defs", "aria-hidden": "true"}, root);
    P.defs(svg);
  }

  function render(m, root) {
    root.textContent = "";
    hatchDefs(root);
    header(root, m);
    var pop = m.layout === "population", s1 = section(root, "1. The run at a glance");
    figure(s1, pop ? POP.populationFigure : F.circuitFigure, m, pop ? populationCaption(m) : circuitCaption(m));
    if (pop) figure(s1, POP.crossbarFigure, m, "Crossbar maps: each synapse's cell on its hub's instrument, coloured by its weight " +
                    "at the end of the run (left) and by its change over the run (right; vermillion = potentiated, blue = " +
                    "depressed). Empty cells hold no synapse; hatched cells hold one that was never read.");
    var s2 = section(root, "2. Rates and responses per phase");
    figure(s2, F.phaseFigure, m, "Figure 2. (a) Firing rate of each " + (pop ? "neuron group (mean over its neurons)" : "neuron") +
           " and (b) response probability of each " + (pop ? "synapse group (pooled)" : "synapse's post neuron") + " in each phase. " +
           "A measured zero is drawn as a line at 0; hatched \u201cn/a\u201d bars mark phases the relevant site did not record.");
    phaseTable(s2, m);
    var s3 = section(root, "3. Delivery and latency of every spike");
    figure(s3, F.latencyFigure, m, "Figure 3. Latency of each presynaptic spike from its source to the post site (arrival time " +
           "recorded by the post site minus the spike's time; both in experiment time, whose clock uncertainty is in section 4)" +
           (pop ? ", pooled per route." : ": (a) over the run, (b) distribution per synapse."));
    deliveryTable(s3, m);
    var s4 = section(root, "4. Links and clocks");
    figure(s4, F.networkFigure, m, "Figure 4. (a) Datagrams lost on each link (cumulative, as each site counted them about its " +
           "peer) and (b) each site's clock offset to the time master with its uncertainty.");
    linkTable(s4, m);
    bookkeeping(root, m);
  }

  function renderPage(modelId, rootId) {
    var root = document.getElementById(rootId);
    try {
      render(JSON.parse(document.getElementById(modelId).textContent), root);
    } catch (e) {
      h("p", {"class": "banner"}, root, "The report could not be drawn: " + e);
      console.error(e);  // the stack, for whoever opens the console (and the browser test's error check)
    }
  }

  return {render: render, renderPage: renderPage};
})(IonPlot, IonFigures, IonPopulation);
