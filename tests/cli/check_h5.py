#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the HDF5 export against what was written into the event logs.

Usage: check_h5.py FIXTURE_BINARY ION_BINARY
Runs the fixture (three sites' logs + truth.json), merges the logs with
`ion inspect --json --h5`, then checks with h5py: the layout of docs/recording.md, every value
against truth.json (sorted and de-duplicated as documented), the aggregates against
`ion inspect --json`, the digest recomputed from the file's values, and determinism
(same seed → same digest, other seed → other digest, compression changes no value). Format 2:
every *_ns time has a float64 *_s twin equal to ns / 1e9, /neurons and /synapses describe the
experiment (the fixture's recorded experiment file does not validate, so they hold the logs'
names only), and the digest is the one pinned before format 2 (the logs did not change).
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
# `ion inspect --h5` of the fixture with seed 7, computed by the format-1 exporter (main a096cf5+):
# format 2 adds columns and tables, never a logged value, so the digest must not move.
FIXTURE_DIGEST_SEED7 = "8b1062dc9c7c0c979961adea3ba7964a351a0a3090cc29e0b3b4c6fafe5a6b47"
WEIGHT_COLUMNS = {"t_ns", "t_s", "resistance_ohm", "weight", "action", "log_site"}


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
    for name in ("meta", "sites", "neurons", "spikes", "inputs", "stimuli", "synapses", "weights", "links", "clock",
                 "sessions", "gaps", "notes"):
        check(name in f, f"/{name} exists")
    for a in ("experiment_name", "seed", "experiment_file", "ion_version", "format_version", "digest", "sites"):
        check(a in f["meta"].attrs, f"/meta attribute {a}")
    check(f["meta"].attrs["format_version"] == 2, "/meta format_version is 2")
    check(f["spikes"].dtype.names == ("t_ns", "t_s", "site", "index", "kind", "log_site"), "/spikes columns")
    check(f["neurons"].dtype.names == ("site", "index", "name", "model", "spikes"), "/neurons columns")
    check(f["synapses"].dtype.names == ("id", "name", "pre", "post", "hub", "word", "bit", "device_model", "preset",
                                        "rule"), "/synapses columns")
    check(h5py.check_string_dtype(f["synapses"].dtype["pre"]).encoding == "utf-8", "/synapses strings are UTF-8")
    check(f["spikes"].dtype["t_ns"] == np.dtype("<i8"), "/spikes t_ns is int64 LE")
    check(f["stimuli"].dtype["amplitude"] == np.dtype("<f4"), "/stimuli amplitude is float32")
    for g in f["weights"].values():
        check(set(g.keys()) == WEIGHT_COLUMNS, f"{g.name} datasets")
        check(g["resistance_ohm"].dtype == np.dtype("<f4") and g["action"].dtype == np.dtype("i1"), f"{g.name} dtypes")
    for g in f["links"].values():
        check(len(g.keys()) == 19 and g["sent"].dtype == np.dtype("<u8"), f"{g.name} columns")


def check_values(f, truth, e):
    check(rows_of(f["spikes"], ("t_ns", "site", "index", "kind", "log_site")) == e["spikes"], "/spikes values")
    check(rows_of(f["inputs"], ("t_ns", "post_site", "post_index", "synapse", "weight", "log_site",
                                "arrival_ns")) == e["inputs"], "/inputs values")
    check(rows_of(f["stimuli"], ("t_ns", "log_site", "electrode", "amplitude", "width_s", "charge_c", "synapse",
                                 "outcome", "cathodic_first")) == e["stimuli"], "/stimuli values")
    check(sorted(int(k) for k in f["weights"]) == sorted(e["synapses"]), "weight groups")
    for sid, rows in e["synapses"].items():
        g = f["weights"][str(sid)]
        got = list(zip(*(g[c][()].tolist() for c in ("t_ns", "resistance_ohm", "weight", "action", "log_site"))))
        check(got == [tuple(float(x) if isinstance(x, np.float32) else x for x in r) for r in rows],
              f"/weights/{sid} values")
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
        g = f["weights"][sid]
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
        d.p("qHHfffIBB", *(r[c] for c in f["stimuli"].dtype.names if c != "t_s"))
    d.section("synapses", len(f["weights"]))
    for sid in sorted(f["weights"], key=int):
        g = f["weights"][sid]
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


# ---- format 2: seconds beside nanoseconds, the description tables ----
def check_seconds_pair(where, ns, sec):
    check(sec is not None and sec.dtype == np.dtype("<f8"), f"{where}: float64 seconds twin")
    if sec is None:
        return
    want = ns.astype(np.float64) / 1e9
    if ns.dtype == np.dtype("<i8"):
        want[ns == np.iinfo(np.int64).min] = np.nan  # arrival_ns not known → arrival_s NaN
    check(np.array_equal(sec, want, equal_nan=True), f"{where}: *_s == *_ns / 1e9 on every row")


def check_seconds(f):
    """Every *_ns column (compound field, group dataset or /meta attribute) has its *_s twin."""
    pairs = []

    def visit(name, obj):
        if not isinstance(obj, h5py.Dataset):
            return
        if obj.dtype.names:
            for c in obj.dtype.names:
                if c.endswith("_ns"):
                    twin = c[:-3] + "_s"
                    pairs.append((f"/{name}.{c}", obj[c][()], obj[twin][()] if twin in obj.dtype.names else None))
        elif name.endswith("_ns"):
            twin = name[:-3] + "_s"
            pairs.append((f"/{name}", obj[()], f[twin][()] if twin in f else None))

    f.visititems(visit)
    m = f["meta"].attrs
    for a in m:
        if a.endswith("_ns"):
            pairs.append((f"/meta@{a}", np.array([m[a]]), np.array([m[a[:-3] + "_s"]]) if a[:-3] + "_s" in m else None))
    check(len(pairs) >= 20, f"found the *_ns columns ({len(pairs)})")
    for where, ns, sec in pairs:
        check_seconds_pair(where, ns, sec)
    check(int(m["start_wall_ns"]) == 0, "/meta start_wall_ns is 0 for logs without a wall clock")


def check_description(f):
    """The fixture's experiment file is not a valid experiment: the tables hold the logs' names."""
    n = f["neurons"][()]
    check([(int(r["site"]), int(r["index"]), s(r["name"]), s(r["model"])) for r in n] ==
          [(0, 0, "BN", ""), (2, 0, "ANpre", ""), (2, 1, "ANpost", "")], "/neurons rows from the logs' names")
    y = f["synapses"]
    check([(int(r["id"]), s(r["name"]), int(r["word"]), int(r["bit"])) for r in y[()]] ==
          [(0, "ABsyn", -1, -1), (1, "BAsyn", -1, -1)], "/synapses rows from the logs' names, cell unknown")
    check(all(s(r[c]) == "" for c in ("pre", "post", "hub", "device_model", "preset", "rule") for r in y[()]),
          "/synapses: nothing made up for an experiment that does not load")
    # h5py 3.7 gives vlen strings in compound fields as bytes whatever the cset (docs/recording.md §3).
    check(all(isinstance(r["name"], bytes) and r["name"].decode("utf-8") for r in y[()]), "names decode as UTF-8")


def main():
    fixture, ion = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="ion_check_h5_") as tmp:
        truth, inspect, path = make_recording(fixture, ion, os.path.join(tmp, "a"), 7)
        with h5py.File(path, "r") as f:
            check_layout(f)
            check_values(f, truth, expected(truth))
            check_against_inspect(f, inspect)
            check_seconds(f)
            check_description(f)
            dig = s(f["meta"].attrs["digest"])
            check(recompute_digest(f) == dig, "digest recomputed from the HDF5 values")
            check(inspect["hdf5"]["digest"] == dig, "digest printed by ion inspect")
            check(dig == FIXTURE_DIGEST_SEED7, f"digest {dig} == the one pinned before format 2")
            check(inspect["hdf5"]["format_version"] == 2 and inspect["hdf5"]["described_synapses"] == 0,
                  "ion inspect --json reports format 2 and no described synapses")
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
