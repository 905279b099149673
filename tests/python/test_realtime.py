# SPDX-License-Identifier: Apache-2.0
"""ion.run(sim=False): a real-time run launched as `ion run --realtime` launches it (ctest
python_realtime, label realtime: real UDP over loopback, real clocks). The sites use their own
loopback address (127.0.0.57) so no other test's ports are in the way."""
import os
import subprocess
import sys
import textwrap

import h5py
import numpy as np

import ion


def loopback_builtin():
    exp = ion.Experiment.builtin()
    for site, port in (("padova", 7101), ("southampton", 7201), ("zurich", 7301)):
        exp.set(f"sites.{site}.address", f"127.0.0.57:{port}")
    return exp


def test_a_realtime_run_returns_its_recording(tmp_path):
    rec = ion.run(loopback_builtin(), sim=False, seed=4, duration="4s", warmup="1s", out=tmp_path / "rt")
    assert rec.status == "complete"
    assert sorted(p.name for p in rec.logs) == ["padova.ionlog", "southampton.ionlog", "zurich.ionlog"]
    assert rec.seed == "4"
    spikes = rec.spikes("ANpre")
    assert len(spikes.t_s) > 0 and spikes.t_s.max() < 4.0
    assert len(rec.weights("ABsyn").t_s) > 0
    with h5py.File(rec.h5_path) as f:  # the recording ion run exported, the same data as the logs
        assert f["meta"].attrs["digest"] == rec.digest
        assert f["meta"].attrs["run_status"] == "complete"
    assert np.array_equal(ion.Recording.open(rec.h5_path).spikes("BN").t_s, rec.spikes("BN").t_s)


def node_processes(out):
    """Processes whose command line names the run directory (the sites' `ion node`)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if str(out).encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def test_ctrl_c_stops_a_realtime_run_cleanly(tmp_path):
    out = tmp_path / "rt"
    script = textwrap.dedent(f"""
        import os, signal, threading, ion
        from test_realtime import loopback_builtin
        threading.Timer(4.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        try:
            ion.run(loopback_builtin(), sim=False, duration="300s", warmup="1s", out={str(out)!r})
        except KeyboardInterrupt:
            print("interrupted")
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.environ.get("PYTHONPATH", ""), os.path.dirname(__file__)]))
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "interrupted"
    with h5py.File(out / "recording.h5") as f:
        assert f["meta"].attrs["run_status"] == "interrupted"
        assert f["meta"].attrs["run_detail"] == "SIGINT"
        assert f["meta"].attrs["run_ended_at_ns"] < 300_000_000_000
    assert node_processes(out) == []  # every site's process is gone


def test_realtime_sites_load_the_edited_experiment(run_cli, tmp_path):
    # `ion run --set` in real time: each site's `ion node` process must run the edited text, not the file.
    out = tmp_path / "rt"
    moved = [f"--set=sites.{site}.address=127.0.0.57:{port}"
             for site, port in (("padova", 7111), ("southampton", 7211), ("zurich", 7311))]
    r = run_cli("run", "--realtime", "--duration", "2s", "--warmup", "1s", "--quiet", "--out", out, *moved,
                "--set", "synapses.ABsyn.plasticity.ltp_above=26", "--set", "experiment.seed=6")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert "ltp_above = 26" in (out / "experiment.toml").read_text()
    with h5py.File(out / "recording.h5", "r") as f:
        assert f["meta"].attrs["seed"] == "6"
        assert "ltp_above = 26" in f["meta"].attrs["experiment_file"]
