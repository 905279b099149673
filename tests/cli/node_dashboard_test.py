#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""`ion node --dashboard` on a single site serves the page and its status (docs/dashboard.md).

Usage: node_dashboard_test.py ION_BINARY WORKDIR THREE_NEURON_TOML
One `ion node` of the built-in experiment (site padova on 127.0.160.12; its peers, on
127.0.160.11 and .13, are never started, so it waits for them) with `--dashboard 127.0.160.15`:
the printed address serves GET / (the page, with a Stop button and its token on loopback) and
GET /events `status` events (every 200 ms), each listing exactly the site padova with the node's
pid and state; POST /stop with the page's token stops the node the Ctrl-C way (exit 130, log closed
and intact by `ion inspect`), and the stream ends with `ended` interrupted. Loopback 127.0.160.x only.
"""
import os
import shutil
import subprocess
import sys

from live_helpers import EventStream, check, dashboard_address, finish, page_config, place_sites, request, start

RANGE = "127.0.160"
SITES = ("zurich", "padova", "southampton")


def main():
    ion, work, src = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    exp, out, keys = os.path.join(work, "exp.toml"), os.path.join(work, "out"), os.path.join(work, "keys")
    place_sites(src, exp, {site: f"{RANGE}.{n + 11}:7{n + 1}01" for n, site in enumerate(SITES)})
    subprocess.run([ion, "keygen", "--sites", ",".join(SITES), "--out", keys], check=True, capture_output=True)
    node = start([ion, "node", exp, "--site", "padova", "--keys", keys, "--out", out, "--sync-timeout", "60s",
                  "--dashboard", f"{RANGE}.15"])
    host, port = dashboard_address(node, "ion node")

    code, page = request(host, port, "GET", "/")
    check(code == 200 and "IonLive.start" in page, f"GET / is the dashboard page ({code})")
    cfg = page_config(page)
    check(cfg.get("stop_allowed") is True and len(cfg.get("token", "")) == 32,
          "on loopback the page offers Stop with its token")

    stream = EventStream(host, port)
    stream.read_for(3)
    statuses = [d for n, d in stream.events() if n == "status"]
    check(len(statuses) >= 3, f"status events keep arriving: {len(statuses)} in 3 s (one per 200 ms)")
    sites = [s["sites"] for s in statuses]
    check(all(len(x) == 1 and x[0]["site"] == "padova" for x in sites), "each status lists the one site, padova")
    pids = {x[0].get("pid") for x in sites[-3:]}
    check(pids == {node.pid}, f"the status is the node's own (<out>/padova.status): pid {pids} vs {node.pid}")
    check(statuses[-1]["sites"][0]["state"] in ("waiting", "running"),
          f"padova's own state, read from its status file: {statuses[-1]['sites'][0]}")
    check(statuses[-1]["state"] == "running", f"the dashboard's state: {statuses[-1]['state']}")

    code, _ = request(host, port, "POST", "/stop", f"X-Ion-Token: {cfg['token']}\r\n")
    check(code == 202, f"POST /stop with the page's token is accepted ({code})")
    stream.read_for(15)
    ended = [d for n, d in stream.events() if n == "ended"]
    check(len(ended) == 1 and ended[0]["outcome"] == "interrupted", f"the stream ends with `ended` interrupted: {ended}")
    try:
        node.wait(timeout=30)
    except subprocess.TimeoutExpired:
        node.kill()
    err = node.stderr.read()
    check(node.returncode == 130, f"the node stops the Ctrl-C way (exit 130, got {node.returncode}): {err[-300:]}")
    inspect = subprocess.run([ion, "inspect", os.path.join(out, "padova.ionlog")], capture_output=True, text=True,
                             timeout=60)
    check(inspect.returncode == 0, f"its log reads back cleanly: {inspect.stderr[-300:]}")
    finish()


if __name__ == "__main__":
    main()
