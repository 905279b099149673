#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The NWB file of a run read back with h5py against the run's recording.h5, row for row:
units (spike times and kinds per neuron, neurons that never spiked as empty rows, site/model),
plasticity (resistance and weight TimeSeries per synapse, the synapse table and its references into
/units), stimuli (times, charge, outcome, electrode) and link statistics. Every time must satisfy
round(t_s * 1e9) == t_ns exactly.

usage: nwb_roundtrip.py ION WORK_DIR
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

ION, WORK = sys.argv[1:3]


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok:", what)


def same_ns(t_s, t_ns):
    t_s, t_ns = np.asarray(t_s), np.asarray(t_ns)
    return t_s.shape == t_ns.shape and np.array_equal(np.round(t_s * 1e9).astype(np.int64), t_ns)


def text(a):
    return [x.decode() if isinstance(x, bytes) else x for x in a]


def check_units(nwb, h5):
    u, neurons, spikes = nwb["units"], h5["neurons"][()], h5["spikes"][()]
    ends = u["spike_times_index"][()]
    check(len(ends) == len(neurons) == len(u["id"]), f"one unit per neuron ({len(neurons)})")
    names, sites, models = text(u["name"][()]), text(u["site"][()]), text(u["model"][()])
    site_names = text(h5["meta"].attrs["sites"])
    site_ids = list(h5["meta"]["site_ids"][()])
    start = 0
    for row, n in enumerate(neurons):
        mine = spikes[(spikes["site"] == n["site"]) & (spikes["index"] == n["index"])]
        times = u["spike_times"][start:ends[row]]
        kinds = u["spike_kind"][start:ends[row]]
        check(names[row] == n["name"].decode() and models[row] == n["model"].decode(), f"unit {row} is {names[row]}")
        check(sites[row] == site_names[site_ids.index(n["site"])], f"unit {row} site {sites[row]}")
        check(same_ns(times, mine["t_ns"]) and np.array_equal(kinds, mine["kind"]),
              f"unit {names[row]}: {len(mine)} spike times and kinds equal /spikes to the ns")
        start = ends[row]
    check(start == len(u["spike_times"]), "every spike time belongs to a unit")


def check_plasticity(nwb, h5):
    p = nwb["processing/plasticity"]
    syn = h5["synapses"][()]
    table = p["synapses"]
    check(list(table["synapse_id"][()]) == list(syn["id"]), "synapse table rows are /synapses' ids")
    for col in ("name", "pre", "post", "hub", "device_model", "preset", "rule"):
        check(text(table[col][()]) == text(syn[col]), f"synapse table column {col} equals /synapses")
    units = nwb[table["pre_unit"].attrs["table"]]
    unit_names = text(units["name"][()])
    check([unit_names[i] for i in table["pre_unit"][()]] == text(syn["pre"]) and
          [unit_names[i] for i in table["post_unit"][()]] == text(syn["post"]),
          "pre_unit/post_unit reference the units of pre and post")
    names = dict(zip(syn["id"], text(syn["name"])))
    for sid, g in h5["weights"].items():
        name = names[int(sid)]
        r, w = p["resistance_" + name], p["weight_" + name]
        check(same_ns(r["timestamps"][()], g["t_ns"][()]) and same_ns(w["timestamps"][()], g["t_ns"][()]),
              f"synapse {name}: {len(g['t_ns'])} weight times equal /weights to the ns")
        check(np.array_equal(r["data"][()], g["resistance_ohm"][()]) and np.array_equal(w["data"][()], g["weight"][()]),
              f"synapse {name}: resistance and weight values equal /weights")


def check_stimuli(nwb, h5):
    s, st = nwb["stimulus/presentation/stimulation"], h5["stimuli"][()]
    check(len(st) > 0, f"the run stimulated ({len(st)} pulses)")
    check(same_ns(s["timestamps"][()], st["t_ns"]), "stimulation times equal /stimuli to the ns")
    check(np.array_equal(s["data"][()], st["charge_c"]) and np.array_equal(s["control"][()], st["outcome"]),
          "stimulation charge and outcome equal /stimuli")
    e = nwb["stimulus/presentation/stimulation_electrode"]
    check(np.array_equal(e["data"][()], st["electrode"]), "stimulation electrodes equal /stimuli")
    pulses = nwb["stimulus/presentation/stimulation_pulses"]
    onsets = np.sort(st["t_ns"][st["outcome"] != 2])
    on = pulses["timestamps"][()][pulses["data"][()] > 0]
    check(same_ns(on, onsets), "pulse onsets (IntervalSeries +1) are the delivered/clamped stimuli")


def check_links(nwb, h5):
    t = nwb["processing/network/link_stats"]
    site, peer, ts = text(t["site"][()]), text(t["peer"][()]), t["timestamp"][()]
    total = 0
    for key, g in h5["links"].items():
        a, b = key.split("-", 1)
        rows = [i for i in range(len(site)) if site[i] == a and peer[i] == b]
        check(same_ns(ts[rows], g["t_ns"][()]) and np.array_equal(t["lost"][rows], g["lost"][()]),
              f"link {key}: {len(rows)} records equal /links to the ns")
        total += len(rows)
    check(total == len(site), "every link_stats row is a /links record")


def main():
    out = os.path.join(WORK, "sim")
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([ION, "run", "--sim", "--nwb", "--quiet", "--out", out], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: ion run --sim --nwb exited {p.returncode}\n{p.stderr}")
    with h5py.File(os.path.join(out, "recording.nwb"), "r") as nwb, \
            h5py.File(os.path.join(out, "recording.h5"), "r") as h5:
        check_units(nwb, h5)
        check_plasticity(nwb, h5)
        check_stimuli(nwb, h5)
        check_links(nwb, h5)
    print("PASS")


main()
