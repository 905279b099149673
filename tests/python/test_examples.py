# SPDX-License-Identifier: Apache-2.0
"""The examples in examples/python run with the one documented line and do what they say."""
import os
import subprocess
import sys


def run_example(source_dir, name, *args):
    env = dict(os.environ)  # PYTHONPATH=build/python, as docs/python.md says
    return subprocess.run([sys.executable, str(source_dir / "examples" / "python" / name), *map(str, args)],
                          capture_output=True, text=True, timeout=600, env=env)


def test_sweep_example_writes_its_figure(source_dir, tmp_path):
    r = run_example(source_dir, "sweep_srdp.py", "--out", tmp_path, "--duration", "4s")
    assert r.returncode == 0, r.stderr
    figure = tmp_path / "sweep_srdp.png"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and figure.stat().st_size > 10_000
    assert len([l for l in r.stdout.splitlines() if l.strip().startswith(("10 ", "15 ", "20 ", "25 "))]) == 8
    assert len(list((tmp_path / "runs").iterdir())) == 8


def test_read_recording_example(source_dir, run_cli, tmp_path):
    out = tmp_path / "run"
    assert run_cli("run", "--sim", "--quiet", "--duration", "4s", "--out", out).returncode == 0
    for target in (out, out / "recording.h5"):
        r = run_example(source_dir, "read_recording.py", target)
        assert r.returncode == 0, r.stderr
        assert "ABsyn: ANpre -> BN on southampton cell (3, 7)" in r.stdout
        assert "ANpre" in r.stdout and "stimuli:" in r.stdout
