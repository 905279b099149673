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
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

FAILURES = []
RANGE = "127.0.160"


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAILURES.append(what)


def experiment(src, dst):
    text = open(src).read()
    for n, site in enumerate(("zurich", "southampton", "padova")):
        at = text.index(f"[sites.{site}]")
        line = text.index("address", at)
        end = text.index("\n", line)
        text = text[:line] + f'address = "{RANGE}.{n + 1}:7{n + 1}01"' + text[end:]
    text += f'\n[[monitors]]\nname = "mon"\naddress = "{RANGE}.4:7401"\n'
    open(dst, "w").write(text)


def request(host, port, method, path, headers=""):
    """One raw HTTP/1.1 request; returns (status code, whole answer text)."""
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}Content-Length: 0\r\n"
                  f"Connection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    text = data.decode("utf-8", "replace")
    m = re.match(r"HTTP/1\.1 (\d+)", text)
    return (int(m.group(1)) if m else 0), text


def read_events(host, port, seconds):
    """The events of GET /events for up to `seconds` (or until `ended`): list of (name, json)."""
    events, buf = [], b""
    with socket.create_connection((host, port), timeout=2) as s:
        s.sendall(f"GET /events HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            buf += chunk
            if b"event: ended" in buf:
                break
    for m in re.finditer(r"event: (\w+)\r?\n(?:[0-9a-fA-F]+\r\n)?data: (.*?)\n", buf.decode("utf-8", "replace")):
        try:
            events.append((m.group(1), json.loads(m.group(2))))
        except json.JSONDecodeError:
            pass  # a data line cut by chunk framing: the next one is whole
    return events


def start_monitor(ion, exp, keys, out):
    mon = subprocess.Popen([ion, "monitor", exp, "--keys", keys, "--out", out, "--duration", "6s",
                            "--dashboard", f"{RANGE}.5"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = mon.stdout.readline()
    m = re.match(r"dashboard: http://([\d.]+):(\d+)/\s*$", line)
    check(m is not None, f"ion monitor prints its dashboard's address: {line!r}")
    if not m:
        mon.kill()
        sys.exit("no dashboard address")
    return mon, m.group(1), int(m.group(2))


def main():
    ion, work, src = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    exp = os.path.join(work, "exp.toml")
    experiment(src, exp)
    run_out, mon_out = os.path.join(work, "run"), os.path.join(work, "monitor")
    run = subprocess.Popen([ion, "run", exp, "--duration", "6s", "--out", run_out], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    key = os.path.join(run_out, "keys", "mon.zurich.key")
    deadline = time.monotonic() + 30
    while not os.path.exists(key) and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    check(os.path.exists(key), "ion run wrote the monitor's keys")
    mon, host, port = start_monitor(ion, exp, os.path.join(run_out, "keys"), mon_out)

    code, page = request(host, port, "GET", "/")
    check(code == 200 and "IonLive.start" in page, f"GET / is the dashboard page ({code})")
    cfg = json.loads(re.search(r'id="ion-live-config">(.*?)</script>', page, re.S).group(1))
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
    if FAILURES:
        sys.exit(f"{len(FAILURES)} check(s) failed")


if __name__ == "__main__":
    main()
