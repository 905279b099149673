# SPDX-License-Identifier: Apache-2.0
"""ion.run in simulated time: the same run as `ion run --sim` (same data digest, trace digest and
printed summary), the GIL released while it runs, Ctrl-C stopping it cleanly."""
import os
import pathlib
import subprocess
import sys
import textwrap
import threading

import h5py
import pytest

import ion


def cli_run(run_cli, out, *args):
    r = run_cli("run", "--sim", "--out", out, *args)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_run_equals_the_cli(run_cli, tmp_path):
    rec = ion.run(ion.Experiment.builtin(), seed=2, duration="3s", out=tmp_path / "py")
    stdout = cli_run(run_cli, tmp_path / "cli", "--seed", "2", "--duration", "3s")
    assert rec.status == "complete"
    assert f"recording: {tmp_path / 'cli'}/recording.h5 (digest {rec.digest})" in stdout
    assert f"trace digest {rec.trace_digest})" in stdout
    assert rec.summary()["text"] in stdout
    assert rec.h5_path.exists() and rec.report_path.exists()
    assert sorted(p.name for p in rec.logs) == ["padova.ionlog", "southampton.ionlog", "zurich.ionlog"]
    with h5py.File(rec.h5_path) as f:
        assert f["meta"].attrs["digest"] == rec.digest


def test_different_seeds_differ(tmp_path):
    a = ion.run(ion.Experiment.builtin(), seed=1, duration="2s", out=tmp_path / "a")
    b = ion.run(ion.Experiment.builtin(), seed=2, duration="2s", out=tmp_path / "b")
    assert a.digest != b.digest


def test_summary_values(tmp_path):
    s = ion.run(ion.Experiment.builtin(), duration="4s", out=tmp_path / "r").summary()
    assert s["experiment_name"] == "three-neuron" and s["seed"] == "1"
    assert s["duration_ns"] == 4_000_000_000
    assert [p["set_rate_hz"] for p in s["phases"]] == [10.0, 30.0, 10.0, 2.0]
    assert [x["name"] for x in s["phases"][0]["synapses"]] == ["ABsyn", "BAsyn"]
    assert all(isinstance(k, str) for k in s["phases"][0]["rate_hz"])
    assert s["spikes"] > 0


def test_bad_arguments(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(ValueError, match="is not empty"):
        ion.run(ion.Experiment.builtin(), out=tmp_path / "full")
    with pytest.raises(ValueError, match="at least 1ms"):
        ion.run(ion.Experiment.builtin(), duration="10us", out=tmp_path / "short")
    with pytest.raises(ValueError):
        ion.run(ion.Experiment.builtin(), duration="ten seconds", out=tmp_path / "bad")
    with pytest.raises(TypeError):
        ion.run("examples/three_neuron.toml")


def test_the_gil_is_released_while_cpp_runs(tmp_path):
    # While the run goes on in a thread, this thread must see the site logs exist before the
    # recording does: with the GIL held by the run it could not look until the run returned.
    out = tmp_path / "r"
    done = []
    worker = threading.Thread(target=lambda: done.append(ion.run(ion.Experiment.builtin(), out=out, duration="20s")))
    seen_running = False
    worker.start()
    while worker.is_alive():
        if list(out.glob("*.ionlog")) and not (out / "recording.h5").exists():
            seen_running = True
    worker.join()
    assert done and done[0].status == "complete"
    assert seen_running


def test_ctrl_c_stops_the_run_cleanly(tmp_path):
    script = textwrap.dedent(f"""
        import os, signal, threading, ion
        threading.Timer(2.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        try:
            ion.run(ion.Experiment.builtin(), out={str(tmp_path / 'r')!r}, duration="400s")
        except KeyboardInterrupt:
            print("interrupted")
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                       env=os.environ)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "interrupted"
    with h5py.File(tmp_path / "r" / "recording.h5") as f:
        assert f["meta"].attrs["run_status"] == "interrupted"
        assert f["meta"].attrs["run_detail"] == "SIGINT"
        # Stopped long before the end (possibly still in the warm-up, which is negative time).
        assert f["meta"].attrs["run_ended_at_ns"] < 400_000_000_000


def fake_ion(tmp_path, body):
    """An `ion` program that records its arguments and then runs the shell `body`."""
    exe = tmp_path / "fake-ion"
    exe.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path / 'argv'}\n{body}\n")
    exe.chmod(0o755)
    return exe


def test_realtime_launches_ion_run_as_the_cli_does(tmp_path, monkeypatch):
    # The real-time path hands the experiment to `ion run --realtime` (ion.executable(), $ION_BINARY
    # first) and maps its exit codes; the real run is in test_realtime.py (label realtime).
    monkeypatch.setenv("ION_BINARY", str(fake_ion(tmp_path, "echo 'x.toml:3:1: bad key' >&2; exit 2")))
    assert ion.executable() == str(tmp_path / "fake-ion")
    with pytest.raises(ValueError, match="refused the experiment: x.toml:3:1: bad key"):
        ion.run(ion.Experiment.builtin(), sim=False, seed=7, duration=2_000_000_000, out=tmp_path / "rt")
    argv = (tmp_path / "argv").read_text().split()
    assert argv[:2] == ["run", "--realtime"] and argv[3:] == [
        "--out", str(tmp_path / "rt"), "--quiet", "--warmup", "3s", "--seed", "7", "--duration", "2000000000ns"]
    monkeypatch.setenv("ION_BINARY", str(fake_ion(tmp_path, "echo 'cannot start padova' >&2; exit 1")))
    with pytest.raises(RuntimeError, match="exit code 1.*cannot start padova"):
        ion.run(ion.Experiment.builtin(), sim=False, out=tmp_path / "rt2")
    with pytest.raises(ValueError):  # a bad duration is refused before anything starts
        ion.run(ion.Experiment.builtin(), sim=False, duration="soon", out=tmp_path / "rt3")


def test_the_executable_is_found_or_named(tmp_path, monkeypatch):
    monkeypatch.delenv("ION_BINARY", raising=False)
    assert ion.executable() == ion._ion.built_executable  # the `ion` of this build
    monkeypatch.setattr(ion._ion, "built_executable", str(tmp_path / "absent"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="needs the `ion` program"):
        ion.executable()
