#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""`ion monitor --dashboard`: the live dashboard of a monitor, read-only (docs/dashboard.md).

Usage: monitor_dashboard_test.py ION_BINARY WORKDIR THREE_NEURON_TOML
The built-in experiment on 127.0.160.1-3 with one [[monitors]] entry at 127.0.160.4; `ion run` for
6 s; `ion monitor --dashboard 127.0.160.5` (a free port there, printed at start). While
the run goes: GET / is the dashboard page with Stop not offered (config stop_allowed false, no
token in it); GET /events sends `model` and `status` events whose records grow (fed from the
monitor's copies) and list every site as the monitor knows it (running, its link to the monitor,
spikes and time from the copies); POST /stop — with no token, with a wrong one — is refused with 403, and the run
still ends complete (exit 0, not interrupted); the stream ends with `ended`. Loopback 127.0.160.x only.
"""
import os
import shutil
import subprocess
import sys

from live_helpers import (BUILTIN_SITES, check, dashboard_address, finish, page_config, place_sites, read_events,
                          request, start, wait_for_file)

RANGE = "127.0.160"


def start_monitor(ion, exp, keys, out):
    mon = start([ion, "monitor", exp, "--keys", keys, "--out", out, "--duration", "6s", "--dashboard", f"{RANGE}.5"])
    host, port = dashboard_address(mon, "ion monitor")
    return mon, host, port


def main():
    ion, work, src = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    exp = os.path.join(work, "exp.toml")
    place_sites(src, exp, {site: f"{RANGE}.{n + 1}:7{n + 1}01" for n, site in enumerate(BUILTIN_SITES)},
                monitor=f"{RANGE}.4:7401")
    run_out, mon_out = os.path.join(work, "run"), os.path.join(work, "monitor")
    run = subprocess.Popen([ion, "run", exp, "--duration", "6s", "--out", run_out], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    key = os.path.join(run_out, "keys", "mon.zurich.key")
    check(wait_for_file(key, run), "ion run wrote the monitor's keys")
    mon, host, port = start_monitor(ion, exp, os.path.join(run_out, "keys"), mon_out)

    code, page = request(host, port, "GET", "/")
    check(code == 200 and "IonLive.start" in page, f"GET / is the dashboard page ({code})")
    cfg = page_config(page)
    check(cfg.get("stop_allowed") is False and cfg.get("token") == "",
          f"the page offers no Stop and carries no token: {cfg}")
    for headers in ("", "X-Ion-Token: " + "0" * 32 + "\r\n"):
        code, text = request(host, port, "POST", "/stop", headers)
        check(code == 403 and "cannot stop" in text, f"POST /stop refused with 403 ({code}, headers {headers!r})")

    events = read_events(host, port, 4)
    statuses = [d for n, d in events if n == "status"]
    models = [d for n, d in events if n == "model"]
    check(len(models) >= 1 and len(statuses) >= 2, f"events: {len(models)} model, {len(statuses)} status")
    check(all(s.get("stop_allowed") is False for s in statuses), "every status says stop_allowed false")
    durations = {x["duration_ns"] for s in statuses for x in s["sites"] if x["state"] != "starting"}
    check(durations == {6_000_000_000}, f"the duration the run was scaled to (--duration 6s): {durations}")
    check(statuses and statuses[-1]["records"] > statuses[0]["records"],
          f"records read from the monitor's copies grow while the run goes: "
          f"{[s['records'] for s in statuses[:1] + statuses[-1:]]}")
    check(statuses and sorted(s["site"] for s in statuses[-1]["sites"]) == ["padova", "southampton", "zurich"],
          "the status lists every site")
    final = read_events(host, port, 60)  # until the monitor ends: every site gone, then `ended`

    run_text = run.communicate(timeout=120)[0]
    mon_err = mon.communicate(timeout=120)[1]
    check(run.returncode == 0 and "interrupt" not in run_text.lower(),
          f"the run ends complete, not stopped by the monitor's dashboard (exit {run.returncode}): {run_text[-300:]}")
    check(mon.returncode == 0 and "every site has ended" in mon_err, f"ion monitor ends by itself: {mon_err[-300:]}")
    ended = [d for n, d in final if n == "ended"]
    every = statuses + [d for n, d in final if n == "status"]
    by_site = {}
    for st in every:
        for site in st["sites"]:
            by_site.setdefault(site["site"], []).append(site)
    for name, seen in sorted(by_site.items()):
        running = [x for x in seen if x["state"] == "running"]
        check(running and all([l["peer"] for l in x["links"]] == ["mon"] for x in running),
              f"{name} as the monitor knows it: running, with its link to the monitor")
        check(any(x["t_ns"] is not None for x in seen), f"{name}: experiment time from its copies")
        check(seen[-1]["state"] == "silent", f"{name}: silent once it has ended: {seen[-1]['state']}")
    check(sum(max(x["spikes"] for x in seen) for seen in by_site.values()) > 0, "spikes counted from the copies")
    check(len(ended) == 1 and ended[0]["outcome"] == "complete", f"the stream ends with `ended` complete: {ended}")
    finish()


if __name__ == "__main__":
    main()
