#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A real `ion run` watched by a real `ion monitor` process (docs/protocol.md §3.3).

Usage: monitor_realtime_test.py ION_BINARY WORKDIR THREE_NEURON_TOML
The built-in experiment on 127.0.150.1-3 with one [[monitors]] entry at 127.0.150.4; `ion run`
for 5 s; `ion monitor` joins with the keys `ion run` generated (<out>/keys), ends by itself once
every site has ended (exit 0), and its copies — read by `ion inspect --json` — hold the same
spikes per neuron, inputs per neuron, stimuli by outcome and weight updates per synapse as the
sites' own logs. `ion report` reads the monitor's directory. Loopback range 127.0.150.x only.
"""
import json
import os
import shutil
import subprocess
import sys

from live_helpers import BUILTIN_SITES, check, finish, place_sites, wait_for_file


def summary(ion, path):
    out = subprocess.run([ion, "inspect", "--json", path], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        sys.exit(f"ion inspect {path} failed: {out.stderr}")
    log = json.loads(out.stdout)["logs"][0]
    weights = log["synapses"]  # every update: counts by action, last/min/max resistance and weight
    return {"spikes": log["spikes_per_neuron"], "inputs": log["inputs_per_neuron"], "stimuli": log["stimuli"],
            "weights": weights}


def main():
    ion, work, src = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    exp = os.path.join(work, "exp.toml")
    # Each site on its own address of this test's range, with a port (the monitor must know where the sites are).
    place_sites(src, exp, {site: f"127.0.150.{n + 1}:7{n + 1}01" for n, site in enumerate(BUILTIN_SITES)},
                monitor="127.0.150.4:7401")
    run_out, mon_out = os.path.join(work, "run"), os.path.join(work, "monitor")
    run = subprocess.Popen([ion, "run", exp, "--duration", "5s", "--out", run_out], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    key = os.path.join(run_out, "keys", "mon.zurich.key")
    check(wait_for_file(key, run), "ion run wrote the monitor's keys")
    mon = subprocess.run([ion, "monitor", exp, "--keys", os.path.join(run_out, "keys"), "--out", mon_out],
                         capture_output=True, text=True, timeout=120)
    run_text = run.communicate(timeout=120)[0]
    check(run.returncode == 0, f"ion run exits 0 with a monitor attached (got {run.returncode}): {run_text[-400:]}")
    check(mon.returncode == 0, f"ion monitor exits 0 when every site has ended (got {mon.returncode}): {mon.stderr}")
    check("every site has ended" in mon.stderr, "ion monitor says why it ended")
    kinds_seen = set()
    for site in ("zurich", "southampton", "padova"):
        a = summary(ion, os.path.join(run_out, site + ".ionlog"))
        b = summary(ion, os.path.join(mon_out, site + ".ionlog"))
        check(a == b, f"{site}: the monitor's copy holds what the site recorded: {a} vs {b}")
        kinds_seen |= {k for k, v in a.items() if v and any(v.values())}
    check(kinds_seen == {"spikes", "inputs", "stimuli", "weights"}, f"every kind compared: {sorted(kinds_seen)}")
    rep = subprocess.run([ion, "report", mon_out], capture_output=True, text=True, timeout=120)
    check(rep.returncode == 0 and os.path.exists(os.path.join(mon_out, "report.html")),
          f"ion report reads the monitor's directory: {rep.stderr[-300:]}")
    finish()


if __name__ == "__main__":
    main()
