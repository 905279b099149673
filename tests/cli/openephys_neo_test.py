#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Cross-validation of ion's Open Ephys sessions with neo (Debian python3-neo 0.11.1).

`ion culture --stim-rate 2Hz` writes a session; neo's OpenEphysBinaryRawIO must read the same
sample rate, channel count, gains (bit_volts, µV) and raw int16 values as ion wrote, the ground-truth
spikes of truth.csv must be troughs on their channels, and the TTL rising edges must be the stimulus
onsets of stimuli.csv. Then `ion detect --input <session root>` and an experiment whose bio site has
source.kind = "openephys" at the session root both run.

usage: openephys_neo_test.py ION WORK_DIR EXAMPLE_TOML
"""
import csv
import os
import re
import shutil
import subprocess
import sys

import numpy as np
from neo.rawio import OpenEphysBinaryRawIO

RATE_HZ = 25000
CHANNELS = 16
DURATION_S = 3


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok:", what)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def check_signals(io, session):
    check(io.header["nb_block"] == 1 and list(io.header["nb_segment"].values()) == [1], "one experiment, one recording")
    chans = io.header["signal_channels"]
    check(len(chans) == CHANNELS, f"neo sees {len(chans)} channels (expected {CHANNELS})")
    check(np.all(chans["sampling_rate"] == RATE_HZ), "neo's sampling rate is 25 kHz on every channel")
    check(np.allclose(chans["gain"], 0.195) and np.all(chans["units"] == "uV"), "gain 0.195 uV per bit")
    rows = io.get_signal_size(0, 0, 0)
    check(rows == RATE_HZ * DURATION_S, f"{rows} samples per channel (expected {RATE_HZ * DURATION_S})")
    check(io.get_signal_t_start(0, 0, 0) == 0.0, "t_start = sample_numbers[0] / rate = 0")
    raw = io.get_analogsignal_chunk(0, 0, 0, rows, 0)
    dat = [os.path.join(d, f) for d, _, fs in os.walk(session) for f in fs if f == "continuous.dat"]
    mine = np.fromfile(dat[0], dtype="<i2").reshape(-1, CHANNELS)
    check(np.array_equal(raw, mine), "neo's raw int16 values equal continuous.dat row by row")
    return raw


def check_truth(raw, session):
    truth = read_csv(os.path.join(session, "truth.csv"))
    check(len(truth) > 50, f"{len(truth)} ground-truth spikes")
    at = np.array([raw[int(t["sample"]), int(t["channel"])] for t in truth], dtype=float)
    # A spike is a trough of tens of µV on its own channel: channel order and scale must match.
    check(np.median(at) < np.median(raw) - 5 / 0.195, "truth spikes are troughs on their channels in neo's data")


def check_ttl(io, session):
    stimuli = [s for s in read_csv(os.path.join(session, "stimuli.csv")) if s["outcome"] != "refused"]
    check(len(stimuli) >= 5, f"{len(stimuli)} stimuli delivered")
    names = list(io.header["event_channels"]["name"])
    check(names == ["Stimulation TTL"], f"neo's event channels {names}")
    ts, durations, labels = io.get_event_timestamps(0, 0, 0)
    onsets = io.rescale_event_timestamp(ts, "float64", 0)
    want = np.array([float(s["time_s"]) for s in stimuli])
    check(len(onsets) == len(want), f"{len(onsets)} TTL rising edges (expected {len(want)})")
    check(np.allclose(onsets, want, atol=1e-6, rtol=0), "TTL rising edges equal the stimulus onsets of stimuli.csv")
    lines = [str(int(s["electrode"]) + 1) for s in stimuli]
    check(list(labels) == lines, "TTL line = electrode + 1")
    check(np.all(durations > 0), "every TTL pulse has a positive duration")


def check_detect(ion, work, session):
    out = run(ion, "detect", "--input", session, "--out", os.path.join(work, "spikes.csv"),
              "--truth", os.path.join(session, "truth.csv"))
    m = re.search(r"recall (\d\.\d+)", out)
    check(m is not None and float(m.group(1)) > 0.5, "ion detect --input <session root> finds the truth spikes")


def check_experiment(ion, work, example):
    session = os.path.join(work, "one-channel")
    run(ion, "culture", "--duration", "3s", "--channels", "1", "--out", session)
    text = open(example).read()
    text = re.sub(r'(?m)^source\s*=.*$', f'source = {{ kind = "openephys", path = "{session}" }}', text)
    text = re.sub(r'(?m)^spontaneous\s*=.*$', "", text)  # a recording site has no spontaneous rate
    exp = os.path.join(work, "openephys.toml")
    with open(exp, "w") as f:
        f.write(text)
    out = run(ion, "run", "--sim", "--duration", "3s", "--out", os.path.join(work, "run"), exp)
    m = re.search(r"padova->southampton: events sent (\d+)", out)
    check(m is not None and int(m.group(1)) > 0, "an experiment with source.kind = openephys at a session root runs")


def main():
    ion, work, example = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    session = os.path.join(work, "session")
    run(ion, "culture", "--duration", f"{DURATION_S}s", "--channels", str(CHANNELS), "--rate", "25kHz",
        "--stim-rate", "2Hz", "--out", session)
    io = OpenEphysBinaryRawIO(session)
    io.parse_header()
    raw = check_signals(io, session)
    check_truth(raw, session)
    check_ttl(io, session)
    check_detect(ion, work, session)
    check_experiment(ion, work, example)
    print("PASS")


if __name__ == "__main__":
    main()
