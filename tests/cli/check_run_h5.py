#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the HDF5 file of a real `ion run` against the sites' own event logs.

Usage: check_run_h5.py ION_BINARY WORKDIR
Runs the built-in three-neuron experiment (`ion run --sim --duration 6s`), then opens
recording.h5 with h5py and compares its layout and values with `ion inspect --json` of every
site log: spikes per neuron, inputs, stimuli by outcome, every synapse's weight updates (counts by
action, last/min/max resistance and weight), sessions, and the last link statistics per link.
"""
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

FAILURES = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAILURES.append(what)


def run(args):
    out = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        sys.exit(f"command failed ({out.returncode}): {' '.join(args)}\n{out.stdout}\n{out.stderr}")
    return out.stdout


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def check_layout(f):
    for g in ["meta", "sites", "neurons", "spikes", "inputs", "stimuli", "synapses", "links", "clock",
              "sessions", "gaps", "notes"]:
        check(g in f, f"/{g} present")
    m = f["meta"].attrs
    check(text(m["experiment_name"]) == "three-neuron", "meta experiment_name")
    check(text(m["seed"]) == "1", "meta seed")
    check(text(m["experiment_file"]).startswith("# The three-neuron experiment"), "meta experiment_file")
    check(len(text(m["digest"])) > 0, "meta digest")


def check_events(f, logs):
    spikes = f["spikes"][:]
    for log in logs:
        for addr, n in log["spikes_per_neuron"].items():
            site, index = (int(x) for x in addr.split(":"))
            got = int(np.sum((spikes["site"] == site) & (spikes["index"] == index)))
            check(got == n, f"spikes of {addr}: h5 {got} == log {n}")
    n_inputs = sum(sum(l["inputs_per_neuron"].values()) for l in logs)
    check(len(f["inputs"]) == n_inputs, f"inputs: h5 {len(f['inputs'])} == logs {n_inputs}")
    stim = f["stimuli"][:]
    for log in logs:
        for outcome, code in [("delivered", 0), ("clamped", 1), ("refused", 2)]:
            want = log["stimuli"].get(outcome, 0)
            got = int(np.sum((stim["log_site"] == log["site"]["id"]) & (stim["outcome"] == code)))
            check(got == want, f"{log['site']['name']} stimuli {outcome}: h5 {got} == log {want}")


def check_synapses(f, logs):
    hub = [l for l in logs if l["synapses"]]
    check(len(hub) == 1, "one log holds the weight updates (the hub)")
    for sid, s in hub[0]["synapses"].items():
        g = f[f"synapses/{sid}"]
        action = g["action"][:]
        check(len(action) == s["updates"], f"synapse {sid}: {len(action)} updates == {s['updates']}")
        for name, code in [("potentiate", 1), ("depress", -1), ("read", 0)]:
            check(int(np.sum(action == code)) == s[name], f"synapse {sid}: {name} count {s[name]}")
        r, w = g["resistance_ohm"][:], g["weight"][:]
        check(np.isclose(r[-1], s["resistance_last_ohm"]), f"synapse {sid}: last resistance")
        check(np.isclose(r.min(), s["resistance_min_ohm"]) and np.isclose(r.max(), s["resistance_max_ohm"]),
              f"synapse {sid}: resistance range")
        check(np.isclose(w.min(), s["weight_min"]) and np.isclose(w.max(), s["weight_max"]),
              f"synapse {sid}: weight range")
        check(bool(np.all(np.diff(g["t_ns"][:]) >= 0)), f"synapse {sid}: times sorted")


def check_sessions_and_links(f, logs):
    names = {l["site"]["id"]: l["site"]["name"] for l in logs}
    check(len(f["sessions"]) == len(logs), f"{len(f['sessions'])} sessions == {len(logs)} logs")
    for log in logs:
        for peer, last in log["links"].items():
            g = f[f"links/{log['site']['name']}-{names[int(peer)]}"]
            for key in ["sent", "received", "lost", "rejected", "events_sent", "events_received"]:
                check(int(g[key][-1]) == last[key], f"link {log['site']['name']}->{names[int(peer)]} {key}")
            check(int(g["rejected"][-1]) == 0, f"link {log['site']['name']}->{names[int(peer)]}: no auth failures")


def main():
    ion, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    run([ion, "run", "--sim", "--quiet", "--duration", "6s", "--out", work])
    paths = sorted(os.path.join(work, p) for p in os.listdir(work) if p.endswith(".ionlog"))
    check(len(paths) == 3, "three site logs")
    logs = json.loads(run([ion, "inspect", "--json"] + paths))["logs"]
    with h5py.File(os.path.join(work, "recording.h5"), "r") as f:
        check_layout(f)
        check_events(f, logs)
        check_synapses(f, logs)
        check_sessions_and_links(f, logs)
    print(f"{len(FAILURES)} failed")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
