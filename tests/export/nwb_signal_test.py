#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`[recording] signal = true` end to end (issue 17; docs/recording.md §7.1 and §9).

A simulated run of the built-in experiment with the bio site's signal recorded:
  * neo's OpenEphysBinaryRawIO (Debian python3-neo 0.11.1) reads <out>/padova.openephys: 25 kHz,
    1 channel, gain 0.195 uV, one row per 40 us of the run, and one TTL rising edge per delivered
    stimulus of recording.h5, at its sample;
  * replaying a session written by `ion culture` instead, the recorded rows equal the replayed
    session's first rows exactly (what the site saw);
  * nwb-validate reports 0 errors on the run's NWB (negative control: without the electrodes'
    group_name column it reports an error);
  * h5py: /acquisition/ElectricalSeries_padova/data equals continuous.dat exactly, conversion is
    bit_volts in volts, starting_time 0 at 25 kHz, one electrode row per channel referenced by the
    series; without `signal` the run has neither session nor ElectricalSeries.
With --realtime (ctest nwb_signal_realtime, label realtime): the same checks on `ion run --realtime`
(sites on 127.0.170.1, this test's own loopback range).

usage: nwb_signal_test.py ION SOURCE_DIR WORK_DIR [--realtime]
"""
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np
from neo.rawio import OpenEphysBinaryRawIO

ION, SOURCE, WORK = sys.argv[1:4]
REALTIME = sys.argv[4:] == ["--realtime"]
VALIDATOR = os.environ.get("ION_NWB_VALIDATE") or os.path.join(SOURCE, os.pardir, "shared", "tools", "nwb-validate")
RATE_HZ, DURATION_S, BIT_UV = 25000, 4, 0.195


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok:", what)


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def experiment(name, signal, source=None):
    text = open(os.path.join(SOURCE, "examples", "three_neuron.toml")).read()
    if source:
        text = re.sub(r'(?m)^source\s*=.*$', source, text)
        text = re.sub(r'(?m)^spontaneous\s*=.*$', "", text)  # a recording site has no spontaneous rate
    if signal:
        text += "signal = true\n"  # the file ends with its [recording] table
    if REALTIME:
        text, n = re.subn(r'(?m)^address(\s*)= "127\.0\.0\.1"', r'address\1= "127.0.170.1"', text)
        check(n == 3, "the three sites on 127.0.170.1")
    path = os.path.join(WORK, name + ".toml")
    with open(path, "w") as f:
        f.write(text)
    return path


def sim_run(name, signal, source=None):
    out = os.path.join(WORK, name)
    mode = ["--realtime", "--warmup", "1s"] if REALTIME else ["--sim"]
    run(ION, "run", *mode, "--quiet", "--nwb", "--duration", f"{DURATION_S}s", "--out", out,
        experiment(name, signal, source))
    return out


def continuous(session):
    dat = [os.path.join(d, f) for d, _, fs in os.walk(session) for f in fs if f == "continuous.dat"]
    check(len(dat) == 1, f"one continuous.dat in {session}")
    return np.fromfile(dat[0], dtype="<i2").reshape(-1, 1)


def neo_reads(session):
    io = OpenEphysBinaryRawIO(session)
    io.parse_header()
    chans = io.header["signal_channels"]
    check(len(chans) == 1 and np.all(chans["sampling_rate"] == RATE_HZ), "neo: 1 channel at 25 kHz")
    check(np.allclose(chans["gain"], BIT_UV) and np.all(chans["units"] == "uV"), "neo: gain 0.195 uV per bit")
    rows = io.get_signal_size(0, 0, 0)
    check(rows == RATE_HZ * DURATION_S, f"neo: {rows} samples, one per 40 us of the {DURATION_S} s run")
    raw = io.get_analogsignal_chunk(0, 0, 0, rows, 0)
    check(np.array_equal(raw, continuous(session)), "neo's raw values equal continuous.dat")
    return io, raw


def delivered_stimuli(run_dir):
    with h5py.File(os.path.join(run_dir, "recording.h5"), "r") as f:
        s = f["stimuli"][()]
    return s[s["outcome"] != 2]  # 0 delivered, 1 clamped, 2 refused


def check_ttl(io, run_dir):
    stims = delivered_stimuli(run_dir)
    check(len(stims) > 0, f"{len(stims)} stimuli delivered")
    ts, _, labels = io.get_event_timestamps(0, 0, 0)
    onsets = io.rescale_event_timestamp(ts, "float64", 0)  # seconds (timestamps.npy)
    want = np.round(stims["t_ns"] * 1e-9 * RATE_HZ).astype(np.int64)  # the row the emulator applied it at
    check(len(onsets) == len(want) and np.array_equal(np.round(onsets * RATE_HZ).astype(np.int64), want),
          "neo: a TTL rising edge at each delivered stimulus's sample")
    check(list(labels) == [str(e + 1) for e in stims["electrode"]], "TTL line = electrode + 1")


def check_nwb(run_dir, raw):
    nwb = os.path.join(run_dir, "recording.nwb")
    p = subprocess.run([VALIDATOR, nwb], capture_output=True, text=True, timeout=600)
    last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    if p.returncode != 0 or last != "0 errors":
        sys.exit(f"FAIL: nwb-validate {nwb}: exited {p.returncode}, last line {last!r}\n{p.stdout}{p.stderr}")
    print(f"ok: nwb-validate says 0 errors on {nwb}")
    with h5py.File(nwb, "r") as f:
        es = f["acquisition/ElectricalSeries_padova"]
        data = es["data"]
        check(es.attrs["neurodata_type"] == "ElectricalSeries", "ElectricalSeries under /acquisition")
        check(data.dtype == np.int16 and np.array_equal(data[()], raw), "ElectricalSeries data == continuous.dat")
        check(data.attrs["unit"] == "volts" and data.attrs["conversion"] == np.float32(BIT_UV * 1e-6),
              "data in volts = int16 x conversion (bit_volts)")
        st = es["starting_time"]
        check(st[()] == 0.0 and st.attrs["rate"] == RATE_HZ, "starting_time 0 s at 25 kHz")
        table = f[es["electrodes"].attrs["table"]]
        check(table.name == "/general/extracellular_ephys/electrodes", "the series' electrodes reference the table")
        check(len(table["id"]) == raw.shape[1] and list(es["electrodes"][()]) == [0], "one electrode row per channel")
        group = f[table["group"][0]]
        check(group.name == "/general/extracellular_ephys/padova" and group["device"].name == "/general/devices/padova",
              "the electrode's group and its device")
    broken = os.path.join(WORK, "no-group-name.nwb")
    shutil.copy(nwb, broken)
    with h5py.File(broken, "r+") as f:
        del f["general/extracellular_ephys/electrodes/group_name"]
    p = subprocess.run([VALIDATOR, broken], capture_output=True, text=True, timeout=600)
    check(p.returncode != 0 or "0 errors" not in p.stdout, "negative control: no group_name column is an error")


def check_replay():
    culture = os.path.join(WORK, "culture")
    run(ION, "culture", "--duration", f"{DURATION_S + 1}s", "--channels", "1", "--out", culture)
    out = sim_run("replay", True, f'source = {{ kind = "openephys", path = "{culture}" }}')
    _, raw = neo_reads(os.path.join(out, "padova.openephys"))
    seen = continuous(culture)[: len(raw)]
    check(np.array_equal(raw, seen), "replay: the recorded rows are exactly the replayed session's")
    check_nwb(out, raw)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    out = sim_run("culture-run", True)
    io, raw = neo_reads(os.path.join(out, "padova.openephys"))
    check_ttl(io, out)
    check_nwb(out, raw)
    if REALTIME:
        print("PASS")
        return
    check_replay()
    plain = sim_run("plain", False)
    check(not os.path.exists(os.path.join(plain, "padova.openephys")), "signal = false: no session")
    with h5py.File(os.path.join(plain, "recording.nwb"), "r") as f:
        check(len(f["acquisition"]) == 0 and "extracellular_ephys" not in f["general"],
              "signal = false: no ElectricalSeries, no electrodes")
    print("PASS")


if __name__ == "__main__":
    main()
