#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The live dashboard in headless Chromium (ctest label `browser`; docs/dashboard.md).

Run A: a real-time run of the built-in experiment (20 s) with `--dashboard`. While it runs, the
test reads the hub's event log itself (whole records only) and checks that every new weight record
is on the page within 1 s, and that new raster ticks appear in every 1-s window; then it kills one
site's process with SIGKILL and checks that "<site> down" is on the page within 2 s, and that the
page finally says the run ended.
Run B: the same experiment; the test presses Stop on the page and checks that the run ends as by
Ctrl-C (exit 130), every log's tail is clean (`ion inspect`), recording.h5 exists, and that the
final report.html shows the same set of figures, raster rows and weight traces as the dashboard.
The sites use this test's own loopback addresses (127.0.120.x), set with --set.
"""
import argparse
import json
import os
import signal
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from headless_chromium import chromium  # noqa: E402

FAILURES = []
ADDRESSES = ["--set", "sites.zurich.address=127.0.120.11:7301", "--set", "sites.southampton.address=127.0.120.12:7201",
             "--set", "sites.padova.address=127.0.120.13:7101"]
WEIGHT_UPDATE = 4  # record kind (docs/recording.md)


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        FAILURES.append(what)


# What the page shows, gathered in the browser.
FACTS = r"""
const moves = sel => Array.from(document.querySelectorAll(sel)).map(e => ((e.getAttribute("d") || "").match(/[ML]/g) || []).length);
const meta = document.querySelector("header .meta");
const m = meta ? meta.textContent.match(/(\d+) spikes \u00b7 (\d+) weight records/) : null;
return {
  figures: Array.from(document.querySelectorAll("svg.figure")).map(f => f.getAttribute("aria-label")).sort(),
  ticks: Array.from(document.querySelectorAll("path.raster-row")).map(e => ((e.getAttribute("d") || "").match(/M/g) || []).length)
            .reduce((a, b) => a + b, 0),
  rasterRows: document.querySelectorAll("path.raster-row").length,
  weightLines: moves("path.weight-line").filter(n => n > 0).length,
  weightRecords: m ? Number(m[2]) : -1,
  state: (document.getElementById("ion-state") || {}).textContent || "",
  ended: (document.getElementById("ion-state") || {getAttribute: () => null}).getAttribute("data-ended"),
  alarms: Array.from(document.querySelectorAll("li.alarm")).map(e => e.textContent),
  stop: !!document.getElementById("ion-stop"),
  sites: document.querySelectorAll("#ion-sites tbody tr").length,
  siteText: Object.fromEntries(Array.from(document.querySelectorAll("#ion-sites tbody tr"))
      .map(r => [r.getAttribute("data-site"), r.textContent])),
};
"""


def count_weight_records(path):
    """WeightUpdate records among the whole records of a (growing) event log."""
    try:
        data = open(path, "rb").read()
    except FileNotFoundError:
        return 0
    if len(data) < 12:
        return 0
    at, n = struct.unpack_from("<H", data, 10)[0], 0
    while at + 8 <= len(data):
        length, kind = struct.unpack_from("<IH", data, at)
        if at + 12 + length > len(data):
            break
        n += kind == WEIGHT_UPDATE
        at += 12 + length
    return n


def start_run(ion, out, duration):
    cmd = [ion, "run", "--realtime", "--duration", duration, "--warmup", "1s", "--out", out, *ADDRESSES,
           "--dashboard", "127.0.120.10"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in p.stdout:
        print("  ion run:", line.rstrip(), flush=True)
        if line.startswith("dashboard: "):
            return p, line.split()[1]
    sys.exit(f"ion run ended without printing the dashboard address ({p.wait()})")


def drain(p):
    out = p.stdout.read()
    return p.wait(timeout=120), out


def site_pid(out, site):
    """The pid the site's status file names (node/status.hpp)."""
    try:
        return json.load(open(os.path.join(out, site + ".status"))).get("pid") or None
    except (OSError, ValueError):
        return None


def wait_for(driver, cond, timeout, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        f = driver.execute_script(FACTS)
        if cond(f):
            return f
        time.sleep(step)
    return None


def watch_live(driver, out, seconds):
    """Every new weight record of the hub's log on the page within 1 s; new ticks in every 1-s window."""
    hub_log = os.path.join(out, "southampton.ionlog")
    seen = {}  # weight-record count -> when the test first saw it in the log
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        now = time.monotonic()
        k = count_weight_records(hub_log)
        seen.setdefault(k, now)
        f = driver.execute_script(FACTS)
        samples.append((now, f["ticks"], f["weightRecords"]))
        time.sleep(0.05)
    late = []
    for k, t in sorted(seen.items()):
        shown = [s for s in samples if s[2] >= k]
        if k > 0 and t + 1.0 <= samples[-1][0] and (not shown or shown[0][0] > t + 1.0):
            late.append((k, round(shown[0][0] - t, 3) if shown else None))
    check(max(seen) > 0, f"the hub logged weight records while the test watched ({max(seen)})")
    check(not late, f"every weight record on the page within 1 s of reaching the log (late: {late})")
    stale = [round(t, 2) for t, ticks, _ in samples
             if t + 1.0 <= samples[-1][0] and not any(s[1] > ticks for s in samples if t < s[0] <= t + 1.0)]
    check(not stale, f"new raster ticks within every 1 s ({len(samples)} samples, stale at {stale[:5]})")


def run_a(ion, work, driver):
    out = os.path.join(work, "a")
    p, url = start_run(ion, out, "20s")
    driver.get(url)
    f = wait_for(driver, lambda f: f["ticks"] > 0 and f["sites"] == 3, 15)
    check(f is not None, "run A: the dashboard draws the raster and one row per site")
    check(f is not None and f["stop"], "run A: a loopback dashboard offers Stop")
    errors = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    check(not errors, f"run A: no errors in the browser console ({errors})")
    f = wait_for(driver, lambda f: "ABsyn w=" in f["siteText"].get("southampton", "") and
                 "ok " in f["siteText"].get("padova", ""), 10)
    check(f is not None, "run A: the sites panel shows the hub's weights and the bio site's interlock counters")
    watch_live(driver, out, 5)
    pid = site_pid(out, "padova")
    check(pid is not None, "run A: padova's process found")
    if pid:
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        f = wait_for(driver, lambda f: "padova down" in f["alarms"], 5)
        took = time.monotonic() - killed
        check(f is not None and took <= 2.0, f"run A: 'padova down' on the page {took:.2f} s after kill -9 (≤ 2 s)")
    rc, text = drain(p)
    check(rc == 1, f"run A: a killed site ends the run as incomplete (exit {rc})")
    f = wait_for(driver, lambda f: f["ended"] is not None, 10)
    check(f is not None and f["ended"] == "incomplete", f"run A: the page says the run ended ({f and f['state']})")
    check(f is not None and "padova down" in f["alarms"], "run A: the alarm stays after the end")


def run_b(ion, work, driver):
    out = os.path.join(work, "b")
    p, url = start_run(ion, out, "20s")
    driver.get(url)
    f = wait_for(driver, lambda f: f["weightLines"] > 0 and f["ticks"] > 0, 20)
    check(f is not None, "run B: the dashboard draws raster and weight traces")
    live = driver.execute_script(FACTS)
    driver.find_element("id", "ion-stop").click()
    rc, text = drain(p)
    check(rc == 130, f"run B: Stop ends the run as Ctrl-C does (exit {rc}, expected 130)")
    check("interrupted by SIGINT" in text, "run B: the run says it was interrupted")
    f = wait_for(driver, lambda f: f["ended"] is not None, 10)
    check(f is not None and f["ended"] == "interrupted", "run B: the page says the run was interrupted")
    for site in ("zurich", "southampton", "padova"):
        r = subprocess.run([ion, "inspect", os.path.join(out, site + ".ionlog")], capture_output=True, text=True)
        check(r.returncode == 0 and "tail: clean" in r.stdout, f"run B: {site}'s log is intact (tail clean)")
    check(os.path.exists(os.path.join(out, "recording.h5")), "run B: recording.h5 written")
    driver.get("file://" + os.path.join(out, "report.html"))
    final = wait_for(driver, lambda f: f["figures"], 10)
    check(final is not None and final["figures"] == live["figures"],
          f"run B: report.html has the dashboard's figures ({final and final['figures']} vs {live['figures']})")
    check(final is not None and final["rasterRows"] == live["rasterRows"] and final["weightLines"] == live["weightLines"],
          "run B: the same raster rows and one weight trace per synapse in both")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ion", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    work = os.path.abspath(a.work)
    subprocess.run(["rm", "-rf", work], check=True)
    os.makedirs(work)
    r = subprocess.run([a.ion, "run", "--sim", "--dashboard", "--out", os.path.join(work, "sim")],
                       capture_output=True, text=True)
    check(r.returncode == 2 and "--dashboard needs a real-time run" in r.stderr,
          f"ion run --sim --dashboard is refused with exit 2 ({r.returncode}: {r.stderr.strip()})")
    with chromium() as driver:
        run_a(a.ion, work, driver)
        run_b(a.ion, work, driver)
    if FAILURES:
        sys.exit(f"{len(FAILURES)} check(s) failed")
    print("all checks passed")


if __name__ == "__main__":
    main()
