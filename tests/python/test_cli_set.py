# SPDX-License-Identifier: Apache-2.0
"""`ion run --set KEY=VALUE` (repeatable, validated, names the key on error) and `--quiet`
(nothing but errors), through the built binary."""
import h5py


def h5_meta(path):
    with h5py.File(path, "r") as f:
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f["meta"].attrs.items()}


def test_set_reaches_the_run_and_quiet_prints_nothing(run_cli, tmp_path):
    out = tmp_path / "run"
    r = run_cli("run", "--sim", "--duration", "2s", "--quiet", "--out", out,
                "--set", "synapses.ABsyn.plasticity.ltp_above=25", "--set", "experiment.seed=3")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert r.stderr == ""
    meta = h5_meta(out / "recording.h5")
    assert meta["seed"] == "3"
    text = meta["experiment_file"]
    assert "ltp_above = 25" in text and text.count("ltp_above = 20") == 1
    assert "seed     = 3" in text


def test_without_quiet_the_summary_is_printed(run_cli, tmp_path):
    r = run_cli("run", "--sim", "--duration", "2s", "--out", tmp_path / "run")
    assert r.returncode == 0, r.stderr
    assert "recording:" in r.stdout and "simulated" in r.stdout


def test_a_bad_value_names_the_key_and_nothing_runs(run_cli, tmp_path):
    out = tmp_path / "run"
    r = run_cli("run", "--sim", "--quiet", "--out", out, "--set", "synapses.ABsyn.plasticity.ltp_above=abc",
                "--set", "experiment.duration=-3s")
    assert r.returncode == 2
    assert r.stdout == ""
    assert "2 problems in the experiment" in r.stderr
    assert '--set synapses.ABsyn.plasticity.ltp_above="abc": synapses[0].plasticity.ltp_above: found "abc"' in r.stderr
    assert '--set experiment.duration="-3s": experiment.duration:' in r.stderr
    assert not out.exists()


def test_unknown_key_and_bad_syntax(run_cli, tmp_path):
    r = run_cli("run", "--sim", "--out", tmp_path / "a", "--set", "synapses.XYsyn.cell=[1, 1]")
    assert r.returncode == 2
    assert 'no entry of synapses is named "XYsyn"' in r.stderr
    r = run_cli("run", "--sim", "--out", tmp_path / "b", "--set", "no-equals-sign")
    assert r.returncode == 2
    assert "expected KEY=VALUE" in r.stderr


def test_set_is_repeatable_after_the_file_argument(run_cli, source_dir, tmp_path):
    # Each --set takes one value: the experiment file may follow it.
    r = run_cli("validate", source_dir / "examples" / "three_neuron.toml")
    assert r.returncode == 0
    r = run_cli("run", "--sim", "--duration", "1s", "--quiet", "--out", tmp_path / "run",
                "--set", "experiment.seed=4", source_dir / "examples" / "three_neuron.toml")
    assert r.returncode == 0, r.stderr
    assert h5_meta(tmp_path / "run" / "recording.h5")["seed"] == "4"
