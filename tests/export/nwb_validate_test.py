#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The NWB files ion writes, checked by the NWB validator (docs/recording.md §9).

The validator is ${ION_NWB_VALIDATE:-<source>/../shared/tools/nwb-validate} (hdmf 3.5.1 against the
official NWB 2.7.0 schema). It must report "0 errors" for: the built-in experiment in simulated time
(`ion run --sim --nwb`) and the same logs through `ion export nwb`; the built-in in real time
(`ion run --realtime --nwb`, 4 s, on this test's own loopback addresses 127.0.140.x);
examples/large_network.toml in simulated time (3 s). Negative control: the sim file with its
identifier deleted (h5py) must give an error. A missing validator is a failure, never a skip, and so is
the validator's warning "no cached schema" (every file caches its schema, docs/recording.md §9.1).
`ion export --nwb FILE RUN_DIR` (the same export) validates too and equals `ion export nwb`;
`ion export nwb` exits 2 for a directory without logs and for a path that is no directory.

usage: nwb_validate_test.py ION SOURCE_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import h5py

ION, SOURCE, WORK = sys.argv[1:4]
VALIDATOR = os.environ.get("ION_NWB_VALIDATE") or os.path.join(SOURCE, os.pardir, "shared", "tools", "nwb-validate")


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok:", what)


def run(*args, expect=0):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=600)
    if p.returncode != expect:
        sys.exit(f"FAIL: {' '.join(args)} exited {p.returncode} (expected {expect})\n{p.stdout}\n{p.stderr}")
    return p


def validate(path):
    p = subprocess.run([VALIDATOR, path], capture_output=True, text=True, timeout=600)
    lines = p.stdout.strip().splitlines()
    return p.returncode, lines[-1] if lines else "", p.stdout + p.stderr


def valid(path, what):
    rc, last, out = validate(path)
    if rc != 0 or last != "0 errors":
        sys.exit(f"FAIL: {what}: nwb-validate exited {rc}, last line {last!r}\n{out}")
    if "no cached schema" in out:  # its warning for a file without /specifications (docs/recording.md §9.1)
        sys.exit(f"FAIL: {what}: the file caches no schema\n{out}")
    print(f"ok: {what}: nwb-validate says 0 errors, schema cached")


def fresh(name):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    return d


def main():
    if not (os.path.isfile(VALIDATOR) and os.access(VALIDATOR, os.X_OK)):
        sys.exit(f"FAIL: the NWB validator {VALIDATOR} is missing (set ION_NWB_VALIDATE); this test never skips")
    os.makedirs(WORK, exist_ok=True)
    sim = fresh("sim")
    run(ION, "run", "--sim", "--nwb", "--quiet", "--out", sim)
    valid(os.path.join(sim, "recording.nwb"), "built-in, simulated (ion run --sim --nwb)")
    exported = os.path.join(WORK, "exported.nwb")
    run(ION, "export", "nwb", sim, "-o", exported)
    valid(exported, "built-in, simulated, through `ion export nwb`")
    aliased = os.path.join(WORK, "aliased.nwb")
    run(ION, "export", "--nwb", aliased, sim)
    valid(aliased, "built-in, simulated, through `ion export --nwb FILE RUN_DIR`")
    with h5py.File(aliased, "r") as a, h5py.File(exported, "r") as b:
        same = a["identifier"][()] == b["identifier"][()] and (a["units/spike_times"][:] == b["units/spike_times"][:]).all()
    check(same, "`ion export --nwb FILE RUN_DIR` writes the same export as `ion export nwb RUN_DIR -o FILE`")
    p = run(ION, "export", "--nwb", aliased, expect=2)
    check("say what to write" in p.stderr, "ion export --nwb without RUN_DIR: exit 2, says the two forms")

    broken = os.path.join(WORK, "no-identifier.nwb")
    shutil.copy(exported, broken)
    with h5py.File(broken, "r+") as f:
        del f["identifier"]
    rc, last, out = validate(broken)
    check(rc == 1 and last != "0 errors" and "identifier" in out,
          f"negative control: a file without identifier is an error (exit {rc}, {last!r})")

    toml = os.path.join(WORK, "three_neuron_140.toml")
    with open(os.path.join(SOURCE, "examples", "three_neuron.toml")) as f:
        text = f.read().replace("127.0.0.1:", "127.0.140.1:")
    with open(toml, "w") as f:
        f.write(text)
    rt = fresh("realtime")
    run(ION, "run", toml, "--realtime", "--nwb", "--quiet", "--duration", "4s", "--warmup", "1s", "--out", rt)
    valid(os.path.join(rt, "recording.nwb"), "built-in, real time (ion run --realtime --nwb, 4 s)")
    with h5py.File(os.path.join(rt, "recording.nwb"), "r") as f:
        start = datetime.fromisoformat(f["session_start_time"][()].decode())
        ref = datetime.fromisoformat(f["timestamps_reference_time"][()].decode())
    with h5py.File(os.path.join(rt, "recording.h5"), "r") as h5:
        wall_ns = int(h5["meta"].attrs["start_wall_ns"])
    # Whole microseconds on both sides: ISO 8601 keeps 6 decimals (truncated), and a float64
    # timestamp() would add ~256 ns of rounding at today's epoch (a false failure seen once).
    epoch = datetime(1970, 1, 1, tzinfo=start.tzinfo or timezone.utc)
    start_us = (start.replace(tzinfo=start.tzinfo or timezone.utc) - epoch) // timedelta(microseconds=1)
    check(wall_ns > 0 and start_us == wall_ns // 1000,
          f"real-time session_start_time ({start_us} us) is recording.h5's start_wall_ns ({wall_ns} ns) "
          "to the microsecond")
    lead = (ref - start).total_seconds()
    check(0 < lead < 3, f"experiment time 0 (timestamps_reference_time) is {lead:.3f} s after the start (1 s warm-up)")

    large = fresh("large")
    run(ION, "run", os.path.join(SOURCE, "examples", "large_network.toml"), "--sim", "--nwb", "--quiet",
        "--duration", "3s", "--out", large)
    valid(os.path.join(large, "recording.nwb"), "examples/large_network.toml, simulated, 3 s")

    empty = fresh("empty")
    os.makedirs(empty)
    p = run(ION, "export", "nwb", empty, expect=2)
    check("no event logs" in p.stderr, "ion export nwb of a directory without logs: exit 2, says why")
    run(ION, "export", "nwb", os.path.join(empty, "missing"), expect=2)
    print("PASS")


main()
