#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the HDF5 export against what was written into the event logs.

Usage: check_h5.py FIXTURE_BINARY ION_BINARY
Runs the fixture (three sites' logs + truth.json), merges the logs with
`ion inspect --json --h5`, then checks with h5py: the layout of docs/recording.md, every value
against truth.json (sorted and de-duplicated as documented), the aggregates against
`ion inspect --json`, the digest recomputed from the file's values, and determinism
(same seed → same digest, other seed → other digest, compression changes no value).
"""
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

import h5py
import numpy as np

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def run(args):
    out = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        sys.exit(f"command failed ({out.returncode}): {' '.join(args)}\n{out.stderr}")
    return out.stdout


def make_recording(fixture, ion, workdir, seed, compress=False):
    os.makedirs(workdir, exist_ok=True)
    run([fixture, workdir, str(seed)])
    logs = [os.path.join(workdir, f"{n}.ionlog") for n in ("bio", "hub", "silicon")]
    h5 = os.path.join(workdir, "out.h5")
    args = [ion, "inspect", "--json", "--h5", h5] + logs + (["--compress"] if compress else [])
    inspect = json.loads(run(args))
    with open(os.path.join(workdir, "truth.json")) as f:
        truth = json.load(f)
    return truth, inspect, h5


# ---- expected tables from truth.json, by the rules in docs/recording.md ----
def expected(truth):
    e = {"spikes": [], "inputs": [], "stimuli": [], "synapses": {}, "links": {}, "clock": {},
         "sessions": [], "notes": []}
    for site in sorted(truth, key=int):
        s = int(site)
        for r in truth[site]["records"]:
            k = r[0]
            if k == "spike":
                e["spikes"].append((r[1], r[2], r[3], r[4], s))
            elif k == "synaptic_input":
                e["inputs"].append((r[1], r[2], r[3], r[4], np.float32(r[5]), s, r[6]))
            elif k == "stimulus":
                e["stimuli"].append((r[1], s, r[2], np.float32(r[3]), np.float32(r[4]), np.float32(r[5]),
                                     r[6], r[7], r[8]))
            elif k == "weight_update":
                e["synapses"].setdefault(r[2], []).append((r[1], np.float32(r[3]), np.float32(r[4]), r[5], s))
            elif k == "link_stats":
                e["links"].setdefault((s, r[2]), []).append((r[1],) + tuple(r[3:]))
            elif k == "clock_sample":
                e["clock"].setdefault(s, []).append(tuple(r[1:]))
            elif k == "session_start":
                e["sessions"].append((s, r[1], r[2], r[3], r[4]))
            elif k == "note":
                e["notes"].append((s, r[1], r[2], r[3]))
    e["spikes"].sort()
    dedup = []
    for row in e["spikes"]:
        if not dedup or dedup[-1][:4] != row[:4]:
            dedup.append(row)
    e["spikes"] = dedup
    e["inputs"].sort(key=lambda r: (r[0], r[1], r[2], r[3], r[5], r[6]))
    e["stimuli"].sort(key=lambda r: (r[0], r[1], r[2], r[6]))
    for rows in e["synapses"].values():
        rows.sort(key=lambda r: (r[0], r[4]))
    for rows in e["links"].values():
        rows.sort(key=lambda r: r[0])
    for rows in e["clock"].values():
        rows.sort(key=lambda r: r[0])
    return e


def rows_of(ds, fields):
    return [tuple(row[f].item() if hasattr(row[f], "item") else row[f] for f in fields) for row in ds[()]]


def s(x):
    return x.decode() if isinstance(x, bytes) else x


def check_layout(f):
    for name in ("meta", "sites", "neurons", "spikes", "inputs", "stimuli", "synapses", "links", "clock",
                 "sessions", "gaps", "notes"):
        check(name in f, f"/{name} exists")
    for a in ("experiment_name", "seed", "experiment_file", "ion_version", "format_version", "digest", "sites"):
        check(a in f["meta"].attrs, f"/meta attribute {a}")
    check(f["spikes"].dtype.names == ("t_ns", "site", "index", "kind", "log_site"), "/spikes columns")
    check(f["spikes"].dtype["t_ns"] == np.dtype("<i8"), "/spikes t_ns is int64 LE")
    check(f["stimuli"].dtype["amplitude"] == np.dtype("<f4"), "/stimuli amplitude is float32")
    for g in f["synapses"].values():
        check(set(g.keys()) == {"t_ns", "resistance_ohm", "weight", "action", "log_site"}, f"{g.name} datasets")
        check(g["resistance_ohm"].dtype == np.dtype("<f4") and g["action"].dtype == np.dtype("i1"), f"{g.name} dtypes")
    for g in f["links"].values():
        check(len(g.keys()) == 15 and g["sent"].dtype == np.dtype("<u8"), f"{g.name} columns")


def check_values(f, truth, e):
    check(rows_of(f["spikes"], ("t_ns", "site", "index", "kind", "log_site")) == e["spikes"], "/spikes values")
    check(rows_of(f["inputs"], ("t_ns", "post_site", "post_index", "synapse", "weight", "log_site",
                                "arrival_ns")) == e["inputs"], "/inputs values")
    check(rows_of(f["stimuli"], ("t_ns", "log_site", "electrode", "amplitude", "width_s", "charge_c", "synapse",
                                 "outcome", "cathodic_first")) == e["stimuli"], "/stimuli values")
    check(sorted(int(k) for k in f["synapses"]) == sorted(e["synapses"]), "synapse groups")
    for sid, rows in e["synapses"].items():
        g = f["synapses"][str(sid)]
        got = list(zip(*(g[c][()].tolist() for c in ("t_ns", "resistance_ohm", "weight", "action", "log_site"))))
        check(got == [tuple(float(x) if isinstance(x, np.float32) else x for x in r) for r in rows],
              f"/synapses/{sid} values")
    names = {int(k): v["name"] for k, v in truth.items()}
    cols = ("t_ns", "sent", "received", "events_sent", "events_received", "lost", "duplicated", "reordered", "late",
            "rejected", "malformed", "rtt_ns", "clock_offset_ns", "clock_uncertainty_ns", "peer_up")
    check(len(f["links"]) == len(e["links"]), "link group count")
    for (site, peer), rows in e["links"].items():
        g = f["links"][f"{names[site]}-{names[peer]}"]
        check((g.attrs["site"], g.attrs["peer"]) == (site, peer), f"{g.name} attrs")
        check(list(zip(*(g[c][()].tolist() for c in cols))) == rows, f"{g.name} values")
    for site, rows in e["clock"].items():
        g = f["clock"][names[site]]
        got = list(zip(*(g[c][()].tolist() for c in ("local_ns", "experiment_ns", "offset_ns", "uncertainty_ns"))))
        check(got == rows, f"/clock/{names[site]} values")
    check(rows_of(f["sessions"], ("site", "epoch", "resumed", "local_ns", "wall_ns")) == e["sessions"], "/sessions")
    notes = [(r[0], r[1], r[2], s(r[3])) for r in rows_of(f["notes"], ("site", "t_ns", "kind", "text"))]
    check(notes == e["notes"], "/notes values")
    gaps = [n for n in e["notes"] if n[2] == 3]
    check(len(gaps) == 1 and len(f["gaps"]) == 1 and s(f["gaps"][0]["text"]) == gaps[0][3], "/gaps")
    meta = f["meta"].attrs
    check(s(meta["experiment_name"]) == "fixture", "experiment name")
    first_notes = {n[2]: n[3] for n in reversed(e["notes"])}
    check(s(meta["seed"]) == first_notes[2] and s(meta["experiment_file"]) == first_notes[1], "seed/file text")
    check([s(x) for x in meta["sites"]] == ["bio", "hub", "silicon"], "/meta sites")


def check_against_inspect(f, inspect):
    logs = {l["site"]["id"]: l for l in inspect["logs"]}
    counts = {}
    for l in logs.values():
        for addr, n in l["spikes_per_neuron"].items():
            counts[addr] = counts.get(addr, 0) + n
    h5counts = {f"{r['site']}:{r['index']}": int(r["spikes"]) for r in f["neurons"][()]}
    dup = sum(counts.values()) - len(f["spikes"])
    check(dup == 1, f"exactly one duplicate spike merged (got {dup})")
    check(counts["0:0"] - 1 == h5counts["0:0"] and counts["2:0"] == h5counts["2:0"], "per-neuron spike counts")
    for sid, y in logs[1]["synapses"].items():
        g = f["synapses"][sid]
        w, r = g["weight"][()], g["resistance_ohm"][()]
        check(len(w) == y["updates"], f"synapse {sid} update count")
        check(np.float32(y["weight_min"]) == w.min() and np.float32(y["weight_max"]) == w.max(), f"synapse {sid} weight range")
        check(np.float32(y["resistance_max_ohm"]) == r.max() and np.float32(y["weight_last"]) == w[-1], f"synapse {sid} R/last")
    st = f["stimuli"]["outcome"][()]
    check([int((st == i).sum()) for i in range(3)] ==
          [logs[0]["stimuli"][k] for k in ("delivered", "clamped", "refused")], "stimulus outcomes")
    for site, l in logs.items():
        row = [r for r in f["sites"][()] if r["id"] == site][0]
        check(int(row["records"]) == l["tail"]["records"] and int(row["dropped_bytes"]) == l["tail"]["dropped_bytes"],
              f"/sites row of {site}")
        check(int(row["unknown_records"]) == l["tail"]["unknown_records"], f"unknown records of {site}")
        n_sessions = int((f["sessions"]["site"][()] == site).sum())
        check(n_sessions == len(l["sessions"]), f"session count of {site}")
        for peer, last in l["links"].items():
            g = [g for g in f["links"].values() if g.attrs["site"] == site and g.attrs["peer"] == int(peer)][0]
            check(int(g["sent"][-1]) == last["sent"] and int(g["rtt_ns"][-1]) == last["rtt_ns"], f"last link stats {g.name}")
    check(logs[0]["tail"]["unknown_records"] == 1, "inspect counts the unknown-kind record")
    hub = [r for r in f["sites"][()] if r["id"] == 1][0]
    check(s(hub["tail_state"]) == "torn" and int(hub["dropped_bytes"]) == 5, "/sites reports the hub's torn tail")


# ---- the digest, recomputed from the HDF5 values (docs/recording.md, "Digest") ----
class Digest:
    def __init__(self):
        self.h = hashlib.blake2b(digest_size=32)

    def p(self, fmt, *v):
        self.h.update(struct.pack("<" + fmt, *v))

    def str(self, x):
        b = x.encode() if isinstance(x, str) else bytes(x)
        self.p("Q", len(b))
        self.h.update(b)

    def section(self, tag, n):
        self.str(tag)
        self.p("Q", n)


def recompute_digest(f):
    d = Digest()
    m = f["meta"].attrs
    d.section("ion-recording-digest-v1", 1)
    for a in ("experiment_name", "seed", "experiment_file"):
        d.str(s(m[a]))
    d.section("sites", len(f["sites"]))
    for r in f["sites"][()]:
        d.p("H", r["id"]), d.str(s(r["name"])), d.p("QQ", r["records"], r["dropped_bytes"])
    d.section("spikes", len(f["spikes"]))
    for r in f["spikes"][()]:
        d.p("qHIB", r["t_ns"], r["site"], r["index"], r["kind"])
    d.section("inputs", len(f["inputs"]))
    for r in f["inputs"][()]:
        d.p("qHIIfHq", r["t_ns"], r["post_site"], r["post_index"], r["synapse"], r["weight"], r["log_site"],
            r["arrival_ns"])
    d.section("stimuli", len(f["stimuli"]))
    for r in f["stimuli"][()]:
        d.p("qHHfffIBB", *(r[c] for c in f["stimuli"].dtype.names))
    d.section("synapses", len(f["synapses"]))
    for sid in sorted(f["synapses"], key=int):
        g = f["synapses"][sid]
        d.p("IQ", int(sid), len(g["t_ns"]))
        for row in zip(*(g[c][()] for c in ("t_ns", "resistance_ohm", "weight", "action", "log_site"))):
            d.p("qffbH", *row)
    groups = sorted(f["links"].values(), key=lambda g: (int(g.attrs["site"]), int(g.attrs["peer"])))
    d.section("links", len(groups))
    cols = ("t_ns", "sent", "received", "events_sent", "events_received", "lost", "duplicated", "reordered", "late",
            "rejected", "malformed", "rtt_ns", "clock_offset_ns", "clock_uncertainty_ns", "peer_up")
    for g in groups:
        d.p("HHQ", g.attrs["site"], g.attrs["peer"], len(g["t_ns"]))
        for row in zip(*(g[c][()] for c in cols)):
            d.p("q" + "Q" * 10 + "qqqB", *row)
    clocks = sorted(f["clock"].values(), key=lambda g: int(g.attrs["site"]))
    d.section("clock", len(clocks))
    for g in clocks:
        d.p("HQ", g.attrs["site"], len(g["local_ns"]))
        for row in zip(*(g[c][()] for c in ("local_ns", "experiment_ns", "offset_ns", "uncertainty_ns"))):
            d.p("qqqq", *row)
    d.section("sessions", len(f["sessions"]))
    for r in f["sessions"][()]:
        d.p("HBq", r["site"], r["resumed"], r["local_ns"])
    d.section("notes", len(f["notes"]))
    for r in f["notes"][()]:
        d.p("HqH", r["site"], r["t_ns"], r["kind"]), d.str(s(r["text"]))
    return d.h.hexdigest()


def main():
    fixture, ion = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="ion_check_h5_") as tmp:
        truth, inspect, path = make_recording(fixture, ion, os.path.join(tmp, "a"), 7)
        with h5py.File(path, "r") as f:
            check_layout(f)
            check_values(f, truth, expected(truth))
            check_against_inspect(f, inspect)
            dig = s(f["meta"].attrs["digest"])
            check(recompute_digest(f) == dig, "digest recomputed from the HDF5 values")
            check(inspect["hdf5"]["digest"] == dig, "digest printed by ion inspect")
        _, again, packed = make_recording(fixture, ion, os.path.join(tmp, "b"), 7, compress=True)
        check(again["hdf5"]["digest"] == dig, "same seed (compressed file) → same digest")
        with h5py.File(packed, "r") as f:
            check(f["spikes"].compression == "gzip", "--compress gives deflate-compressed datasets")
            check(recompute_digest(f) == dig, "values of the compressed file give the same digest")
        _, other, _ = make_recording(fixture, ion, os.path.join(tmp, "c"), 8)
        check(other["hdf5"]["digest"] != dig, "other seed → other digest")
    if FAILURES:
        sys.exit(f"{len(FAILURES)} check(s) failed")
    print("check_h5: all checks passed")


if __name__ == "__main__":
    main()
