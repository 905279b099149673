#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the HDF5 file of a real `ion run` against the sites' own event logs.

Usage: check_run_h5.py ION_BINARY WORKDIR
Runs the built-in three-neuron experiment (`ion run --sim --duration 6s`), then opens
recording.h5 with h5py and compares its layout and values with `ion inspect --json` of every
site log: spikes per neuron, inputs, stimuli by outcome, every synapse's weight updates (counts by
action, last/min/max resistance and weight), sessions, and the last link statistics per link.
Format 2: /neurons and /synapses equal the experiment's (read from the recorded TOML with
tomllib, an independent reader), `ion inspect --h5` of the same logs writes the same tables,
seconds beside nanoseconds, and start_wall_ns is 0 in simulation.
"""
import json
import os
import shutil
import subprocess
import sys
import tomllib

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
    check(m["format_version"] == 2, "meta format_version 2")
    check(m["start_wall_ns"] == 0 and m["start_wall_s"] == 0.0, "simulation: start_wall_ns 0")
    check(bool(np.all(f["sessions"]["wall_ns"] == 0)), "simulation: every session's wall_ns 0")


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
        g = f[f"weights/{sid}"]
        check(np.array_equal(g["t_s"][:], g["t_ns"][:] / 1e9), f"synapse {sid}: t_s == t_ns / 1e9")
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


def expected_description(f):
    """/neurons and /synapses rows as the recorded experiment file states them."""
    e = tomllib.loads(text(f["meta"].attrs["experiment_file"]))
    site_ids = {text(n): int(i) for n, i in zip(f["meta"].attrs["sites"], f["meta"]["site_ids"][()])}
    neurons, per_site = [], {}
    for n in e["neurons"]:
        index = per_site.get(n["site"], 0)
        per_site[n["site"]] = index + 1
        neurons.append((site_ids[n["site"]], index, n["name"], n["model"]))
    synapses = [(i, y["name"], y["pre"], y["post"], y["hub"], y["cell"][0], y["cell"][1], y["device"]["model"],
                 y["device"].get("preset", ""), y["plasticity"]["rule"]) for i, y in enumerate(e["synapses"])]
    return sorted(neurons), synapses


def description(f):
    n = [(int(r["site"]), int(r["index"]), text(r["name"]), text(r["model"])) for r in f["neurons"][()]]
    cols = f["synapses"].dtype.names
    y = [tuple(text(r[c]) if isinstance(r[c], bytes) else int(r[c]) for c in cols) for r in f["synapses"][()]]
    return n, y


def check_description(f, h5_of_inspect):
    neurons, synapses = expected_description(f)
    got_n, got_y = description(f)
    check(got_n == neurons, f"/neurons {got_n} == the experiment's {neurons}")
    check(got_y == synapses, f"/synapses {got_y} == the experiment's {synapses}")
    spikes = f["spikes"][:]
    check(np.array_equal(spikes["t_s"], spikes["t_ns"] / 1e9), "/spikes t_s == t_ns / 1e9")
    with h5py.File(h5_of_inspect, "r") as g:
        check(description(g) == (got_n, got_y), "ion inspect --h5 of the logs: the same /neurons and /synapses")
        check(text(g["meta"].attrs["digest"]) == text(f["meta"].attrs["digest"]), "ion inspect --h5: same digest")


def main():
    ion, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    run([ion, "run", "--sim", "--quiet", "--duration", "6s", "--out", work])
    paths = sorted(os.path.join(work, p) for p in os.listdir(work) if p.endswith(".ionlog"))
    check(len(paths) == 3, "three site logs")
    logs = json.loads(run([ion, "inspect", "--json"] + paths))["logs"]
    inspected = os.path.join(work, "inspect.h5")
    said = run([ion, "inspect", "--h5", inspected] + paths)
    check("3 neurons and 2 synapses described from the recorded experiment" in said, "ion inspect --h5 says so")
    with h5py.File(os.path.join(work, "recording.h5"), "r") as f:
        check_layout(f)
        check_events(f, logs)
        check_synapses(f, logs)
        check_sessions_and_links(f, logs)
        check_description(f, inspected)
    print(f"{len(FAILURES)} failed")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
