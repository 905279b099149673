#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""report.html rendered by headless Chromium (ctest label `browser`).

Runs the built-in experiment (simulated, 8 s) and examples/large_network.toml (simulated, 3 s),
and a copy of the first run with one site's log removed, then opens each report.html in Debian's
Chromium (scripts/headless_chromium.py) and checks, against the report model embedded in the
page, that the figures exist and hold what the model says: raster rows in circuit order with one
tick per spike in the neuron's colour, a weight trace and one marker per LTP/LTD pulse, response
lines, bars for every neuron and phase ("0" drawn as a zero, missing data hatched), aligned time
axes, no NaN anywhere, the population layout (density raster, weight bands, crossbar cells,
bounded height and legends) for the large network, and that the page prints to PDF.
"""
import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from headless_chromium import chromium, open_page  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}")
    return r.stdout


def model_of(html_path):
    html = open(html_path, encoding="utf-8").read()
    m = re.search(r'<script type="application/json" id="ion-report-model">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


# Facts about the rendered page, gathered in the browser.
PAGE_FACTS = r"""
const figs = Array.from(document.querySelectorAll("svg.figure"));
const moves = (sel, root) => Array.from((root || document).querySelectorAll(sel))
    .map(e => (e.getAttribute("d") || "").split("M").length - 1);
const bad = [];
for (const e of document.querySelectorAll("svg.figure *")) {
  for (const a of e.attributes) if (/NaN|Infinity|undefined/.test(a.value)) bad.push(e.tagName + " " + a.name + "=" + a.value);
}
return {
  figures: figs.map(f => ({label: f.getAttribute("aria-label"), height: f.getBoundingClientRect().height,
                           legends: f.querySelectorAll(".legend-entry").length})),
  rasterRows: Array.from(document.querySelectorAll("path.raster-row"))
      .map(e => ({stroke: e.getAttribute("stroke"), ticks: (e.getAttribute("d").match(/M/g) || []).length})),
  rowLabels: Array.from(document.querySelectorAll("text.row-label")).map(e => e.textContent),
  timePanels: Array.from(document.querySelectorAll("rect.time-panel"))
      .map(e => [e.getAttribute("x"), e.getAttribute("width")]),
  timePanelLeft: Array.from(document.querySelectorAll("svg.figure")).map(f => f.getBoundingClientRect().left),
  weightLines: moves("path.weight-line"),
  ltp: moves("path.ltp-marker").reduce((a, b) => a + b, 0),
  ltd: moves("path.ltd-marker").reduce((a, b) => a + b, 0),
  responseLines: moves("path.response-line"),
  rateLines: moves("path.rate-line"),
  bars: document.querySelectorAll("rect.bar").length,
  zeroBars: document.querySelectorAll("rect.bar-zero").length,
  missingBars: document.querySelectorAll("rect.bar-missing").length,
  densityCells: moves("path.density-cells").reduce((a, b) => a + b, 0),
  weightBands: document.querySelectorAll("path.weight-band").length,
  crossbarCells: document.querySelectorAll("rect.crossbar-cell").length,
  banner: Array.from(document.querySelectorAll(".banner")).map(e => e.textContent),
  tables: Array.from(document.querySelectorAll("table")).map(t => t.className + ":" + t.rows.length),
  badAttributes: bad.slice(0, 5),
};
"""


def facts(driver, path):
    errors = open_page(driver, path)
    check(not errors, f"{path}: no console errors, got {errors}")
    return driver.execute_script(PAGE_FACTS)


def common(f, m, path):
    check(not f["badAttributes"], f"{path}: no NaN/Infinity/undefined in figure attributes: {f['badAttributes']}")
    for fig in f["figures"]:
        check(fig["height"] > 150, f"{path}: figure '{fig['label']}' is drawn ({fig['height']} px)")
    check(len(set(map(tuple, f["timePanels"]))) == 1, f"{path}: every time panel has the same x range {f['timePanels']}")
    check(len(set(f["timePanelLeft"])) == 1, f"{path}: figures start at the same screen x {f['timePanelLeft']}")
    check(any(t.startswith("phases:") for t in f["tables"]), f"{path}: a phase table")


def detail_checks(f, m, path):
    names = [n["name"] for n in m["neurons"]]
    check(names == ["ANpre", "BN", "ANpost"], f"{path}: circuit order in the model {names}")
    check(f["rowLabels"] == names, f"{path}: raster rows labelled in circuit order {f['rowLabels']}")
    want = [(m["neurons"][r["neuron"]]["color"], len(r["t_s"])) for r in m["raster"]["rows"]]
    got = [(r["stroke"], r["ticks"]) for r in f["rasterRows"]]
    check(got == want, f"{path}: one tick per spike in each neuron's colour {got} vs {want}")
    check(all(n > 0 for _, n in want[:2]), f"{path}: ANpre and BN fired")
    traces = [s["trace"] for s in m["synapses"] if s["trace"]]
    check(len(f["weightLines"]) == len(traces) and all(n > 0 for n in f["weightLines"]),
          f"{path}: a weight trace per synapse {f['weightLines']}")
    n_ltp = sum(t["action"].count(1) for t in traces)
    n_ltd = sum(t["action"].count(-1) for t in traces)
    check(n_ltp > 0 and f["ltp"] == n_ltp, f"{path}: one LTP marker per pulse ({f['ltp']} vs {n_ltp})")
    check(f["ltd"] == n_ltd, f"{path}: one LTD marker per pulse ({f['ltd']} vs {n_ltd})")
    check(len(f["responseLines"]) == len(m["response"]["series"]) and all(f["responseLines"]),
          f"{path}: a response line per synapse")
    check(len(f["rateLines"]) == 1 and f["rateLines"][0] > 0, f"{path}: the pacemaker's rate line")
    phases, neurons, synapses = len(m["phases"]), len(m["neurons"]), len(m["synapses"])
    check(f["bars"] + f["zeroBars"] + f["missingBars"] == phases * (neurons + synapses),
          f"{path}: a bar, a zero or a missing mark for every neuron/synapse and phase")
    zeros = sum(1 for n in m["neurons"] for r in n["rate_hz"] if r == 0)
    zeros += sum(1 for s in m["synapses"] for p in s["phases"] if p["p"] == 0)
    check(zeros > 0 and f["zeroBars"] == zeros, f"{path}: every measured zero drawn as one ({f['zeroBars']} vs {zeros})")


def missing_checks(f, m, path):
    bn = next(n for n in m["neurons"] if n["name"] == "BN")
    check(all(r is None for r in bn["rate_hz"]), f"{path}: BN's rates are no data")
    missing = sum(1 for n in m["neurons"] for r in n["rate_hz"] if r is None)
    missing += sum(1 for s in m["synapses"] for p in s["phases"] if p["p"] is None)
    check(missing >= len(m["phases"]) * 3, f"{path}: BN and both synapses' responses are missing ({missing})")
    check(f["missingBars"] == missing, f"{path}: a hatched bar per missing value ({f['missingBars']} vs {missing})")
    check(any("Incomplete recording" in b and "padova has no log" in b for b in f["banner"]),
          f"{path}: the page says the recording is incomplete {f['banner']}")


def population_checks(f, m, path):
    check(m["layout"] == "population", f"{path}: population layout")
    cells = sum(1 for row in m["raster"]["counts"] for c in row if c > 0)
    check(cells > 0 and f["densityCells"] == cells, f"{path}: density raster cells ({f['densityCells']} vs {cells})")
    check(f["weightBands"] == 2 * len(m["weights"]), f"{path}: weight bands per synapse group")
    n_cells = sum(len(x["cells"]) for x in m["crossbars"])
    check(f["crossbarCells"] == 2 * n_cells, f"{path}: two crossbar maps of {n_cells} cells")
    check(not f["weightLines"] and not f["rasterRows"], f"{path}: no per-synapse or per-neuron lines")
    fig1 = f["figures"][0]
    check(fig1["legends"] < 30, f"{path}: legends stay short ({fig1['legends']} entries)")
    check(fig1["height"] < 1700, f"{path}: figure 1 has a bounded height ({fig1['height']} px)")


def printable(driver, path):
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    data = base64.b64decode(pdf["data"])
    check(data.startswith(b"%PDF") and len(data) > 20000, f"{path}: prints to a PDF ({len(data)} bytes)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ion", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    three, missing, large = (os.path.join(a.work, d) for d in ("three", "missing", "large"))
    run([a.ion, "run", "--sim", "--quiet", "--duration", "8s", "--out", three])
    shutil.copytree(three, missing)
    os.remove(os.path.join(missing, "padova.ionlog"))
    run([a.ion, "report", missing])
    run([a.ion, "run", os.path.join(source, "examples", "large_network.toml"), "--sim", "--quiet", "--duration", "3s",
         "--out", large])
    with chromium() as driver:
        for path, checks in ((three, detail_checks), (missing, missing_checks), (large, population_checks)):
            page = os.path.join(path, "report.html")
            m, f = model_of(page), facts(driver, page)
            common(f, m, page)
            checks(f, m, page)
        printable(driver, os.path.join(large, "report.html"))
    if FAILURES:
        sys.exit(f"{len(FAILURES)} check(s) failed")
    print("browser checks passed")


if __name__ == "__main__":
    main()
