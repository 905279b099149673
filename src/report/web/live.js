/* SPDX-License-Identifier: Apache-2.0 */
/* ion dashboard: the live panel (docs/dashboard.md). IonLive.start(configId, liveId, reportId)
 * opens the server's event stream (GET /events, Server-Sent Events) and
 *  - draws every `model` event with the report renderer (IonReport.render, the same figures as
 *    report.html),
 *  - shows every `status` event: run state, alarms, one row per site (state, spikes, rates,
 *    weights, interlock counters, links: loss, round trip, clock offset), counters,
 *  - on `ended` shows how the run ended and closes the stream.
 * The Stop button exists only when the server allows it; it POSTs /stop with the X-Ion-Token
 * header (the page got the token from the server that served it). */
"use strict";

var IonLive = (function (R) {
  function h(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function num(v, digits) { return v === null || v === undefined ? "\u2014" : Number(v).toFixed(digits); }

  function rates(s) {
    return (s.neurons || []).map(function (n) { return n.name + " " + num(n.rate_hz, 1) + " Hz"; }).join(", ");
  }
  function weights(s) {
    return (s.synapses || []).map(function (y) {
      var w = y.weight === null || y.weight === undefined ? "\u2014" : num(y.weight, 3);
      return y.name + " w=" + w + " LTP " + (y.ltp || 0) + " LTD " + (y.ltd || 0);
    }).join(", ");
  }
  function interlock(s) {
    var i = s.interlock;
    return i ? "ok " + i.ok + ", clamped " + i.clamped + ", refused " + i.refused : "";
  }
  function links(s) {
    return (s.links || []).map(function (l) {
      return l.peer + (l.up ? "" : " (down)") + ": loss " + num(100 * (l.loss || 0), 2) + " %, rtt " +
        num(l.rtt_ns === null || l.rtt_ns === undefined ? null : l.rtt_ns / 1e6, 2) + " ms, offset " +
        num(l.clock_offset_ns === null || l.clock_offset_ns === undefined ? null : l.clock_offset_ns / 1e3, 1) + " \u00b5s";
    }).concat((s.monitors || []).map(function (m) {
      /* A read-only monitor (docs/recording.md §8 `monitors`; absent in older statuses). */
      return "monitor " + m.name + (m.up ? "" : " (down)") + ": " + m.sent + " sent" +
        (m.dropped ? ", " + m.dropped + " dropped" : "");
    })).join("; ");
  }

  function clock(s) {
    if (s.t_ns === null || s.t_ns === undefined) return "\u2014";
    return num(s.t_ns / 1e9, 1) + " s / " + num(s.duration_ns / 1e9, 0) + " s";
  }

  /* One row per site from its status (node/status.hpp, docs/recording.md §8). */
  function siteRow(tb, s) {
    var tr = h("tr", {"data-site": s.site}, tb);
    h("td", {}, tr, s.site);
    h("td", {}, tr, s.role || "");
    h("td", {"class": s.down || s.failure ? "down" : ""}, tr, s.down ? "down" : s.state + (s.failure ? ": " + s.failure : ""));
    h("td", {}, tr, clock(s));
    h("td", {}, tr, s.spikes === undefined ? "" : String(s.spikes));
    h("td", {}, tr, rates(s));
    h("td", {}, tr, weights(s));
    h("td", {}, tr, interlock(s));
    h("td", {}, tr, links(s));
  }

  function alarmsOf(st) {
    var a = (st.alarms || []).slice();
    (st.sites || []).forEach(function (s) {
      if (s.interlock && s.interlock.refused > 0) a.push(s.site + " interlock refused " + s.interlock.refused);
    });
    return a;
  }

  function Panel(cfg, root) {
    this.cfg = cfg;
    h("h1", {}, root, cfg.title);
    this.state = h("p", {"class": "state", id: "ion-state"}, root, "connecting\u2026");
    this.alarms = h("ul", {"class": "alarms", id: "ion-alarms"}, root);
    if (cfg.stop_allowed) {
      this.stop = h("button", {"class": "stop", id: "ion-stop", type: "button"}, root, "Stop the experiment");
      this.stop.addEventListener("click", this.pressStop.bind(this));
    }
    var t = h("table", {id: "ion-sites"}, h("div", {"class": "scroll"}, root));
    var hr = h("tr", {}, h("thead", {}, t));
    ["site", "role", "state", "time", "spikes", "rates", "weights", "interlock", "links"].forEach(function (c) { h("th", {}, hr, c); });
    this.sites = h("tbody", {}, t);
    this.counters = h("p", {"class": "counters", id: "ion-counters"}, root);
  }

  Panel.prototype.status = function (st) {
    this.state.textContent = st.state + (st.problem ? " \u2014 " + st.problem : "");
    this.state.className = "state " + (st.state === "running" ? "running" : "");
    this.showAlarms(alarmsOf(st));
    this.sites.textContent = "";
    (st.sites || []).forEach(siteRow.bind(null, this.sites));
    this.counters.textContent = st.records + " records read \u00b7 " + st.clients + " viewers \u00b7 " +
      st.dropped_snapshots + " snapshots dropped for slow viewers";
  };

  Panel.prototype.showAlarms = function (list) {
    this.alarms.textContent = "";
    list.forEach(function (a) { h("li", {"class": "alarm", role: "alert"}, this.alarms, a); }, this);
  };

  Panel.prototype.ended = function (e) {
    this.state.textContent = "ended: " + e.detail;
    this.state.className = "state ended";
    this.state.setAttribute("data-ended", e.outcome);
    if (e.alarms && e.alarms.length) this.showAlarms(e.alarms);
    if (this.stop) this.stop.disabled = true;
  };

  Panel.prototype.pressStop = function () {
    var self = this;
    self.stop.disabled = true;
    self.stop.textContent = "Stopping\u2026";
    fetch("stop", {method: "POST", headers: {"X-Ion-Token": self.cfg.token}}).then(function (r) {
      if (r.status !== 202) { self.stop.textContent = "Stop refused (" + r.status + ")"; self.stop.disabled = false; }
    });
  };

  function drawModel(report, m) {
    var y = window.scrollY;
    R.render(m, report);
    window.scrollTo(0, y);
    report.setAttribute("data-models", String(Number(report.getAttribute("data-models") || 0) + 1));
  }

  function start(configId, liveId, reportId) {
    var cfg = JSON.parse(document.getElementById(configId).textContent);
    var panel = new Panel(cfg, document.getElementById(liveId)), report = document.getElementById(reportId);
    var es = new EventSource("events" + window.location.search), over = false;
    es.addEventListener("model", function (e) { drawModel(report, JSON.parse(e.data)); });
    es.addEventListener("status", function (e) { panel.status(JSON.parse(e.data)); });
    es.addEventListener("ended", function (e) { over = true; es.close(); panel.ended(JSON.parse(e.data)); });
    es.onerror = function () { if (!over) panel.state.textContent = "connection to the run lost; retrying\u2026"; };
    return panel;
  }

  return {start: start};
})(IonReport);
