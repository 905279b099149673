# SPDX-License-Identifier: Apache-2.0
"""ion.Recording: a run directory's event logs and its recording.h5 give identical arrays; names
are str; spikes/weights/resistance/stimuli/links/synapse/summary."""
import shutil
import sys

import numpy as np
import pytest

import ion


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("rec") / "run"
    ion.run(ion.Experiment.builtin(), seed=3, duration="6s", out=out)
    return out


def same_table(a, b):
    assert len(a) == len(b)
    for field in b.dtype.names:
        assert np.array_equal(np.asarray(a[field]), np.asarray(b[field])), field


def test_logs_and_h5_give_identical_arrays(run_dir):
    logs, h5 = ion.Recording.open(run_dir), ion.Recording.open(run_dir / "recording.h5")
    assert logs.logs and logs.digest == h5.digest
    assert logs.site_names == h5.site_names and set(h5.site_names) == {"padova", "southampton", "zurich"}
    assert logs.neuron_names == h5.neuron_names and logs.synapse_names == h5.synapse_names
    for name in ("spikes", "inputs", "stimuli"):
        same_table(logs.table(name), h5.table(name))
    for syn in h5.synapse_names:
        same_table(logs.weight_table(syn), h5.weight_table(syn))
    assert logs.links().keys() == h5.links().keys() and h5.links()
    for key, rows in h5.links().items():
        same_table(logs.links()[key], rows)
    for neuron in h5.neuron_names:
        a, b = logs.spikes(neuron), h5.spikes(neuron)
        assert np.array_equal(a.t_s, b.t_s) and np.array_equal(a.kind, b.kind)


def test_names_are_str_and_arrays_numpy(run_dir):
    for rec in (ion.Recording.open(run_dir), ion.Recording.open(run_dir / "recording.h5")):
        names = rec.site_names + rec.neuron_names + rec.synapse_names + [rec.experiment_name, rec.seed]
        assert all(type(n) is str for n in names)
        assert set(rec.neuron_names) == {"ANpre", "BN", "ANpost"}
        assert all(type(k) is str for pair in rec.links() for k in pair)
        spikes = rec.spikes("ANpre")
        assert spikes.t_s.dtype == np.float64 and len(spikes.t_s) > 0
        assert np.all(np.diff(spikes.t_s) >= 0) and spikes.t_s.max() < 6.0
        w = rec.weights("ABsyn")
        assert len(w.t_s) > 0 and np.all((w.value >= 0) & (w.value <= 1))
        r = rec.resistance("ABsyn")
        assert np.all((r.value >= 12e3 * 0.99) & (r.value <= 15.5e3 * 1.01))
        assert rec.seed == "3"


def test_spikes_match_the_raw_table(run_dir):
    rec = ion.Recording.open(run_dir)
    s = rec.table("spikes")
    site, index = next(a for a, n in rec._t["neurons"].items() if n == "BN")
    mine = s[(s["site"] == site) & (s["index"] == index)]
    assert np.array_equal(rec.spikes("BN").t_s, mine["t_ns"] / 1e9)
    assert np.array_equal(rec.spikes((site, index)).kind, mine["kind"])


def test_log_arrays_are_read_only_views(run_dir):
    spikes = ion.Recording.open(run_dir).table("spikes")
    assert not spikes.flags.writeable and not spikes.flags.owndata
    with pytest.raises(ValueError):
        spikes["t_ns"][0] = 0


def test_synapse_from_the_recorded_experiment(run_dir):
    syn = ion.Recording.open(run_dir / "recording.h5").synapse("ABsyn")
    assert (syn.pre, syn.post, syn.hub, syn.cell) == ("ANpre", "BN", "southampton", (3, 7))
    with pytest.raises(KeyError):
        ion.Recording.open(run_dir).synapse("XYsyn")


def test_stimuli_links_and_unknown_names(run_dir):
    rec = ion.Recording.open(run_dir)
    stim = rec.stimuli()
    assert len(stim) > 0 and set(stim.dtype.names) >= {"t_ns", "electrode", "amplitude", "outcome"}
    assert ("southampton", "zurich") in rec.links()
    with pytest.raises(KeyError, match="no neuron named 'Nobody'"):
        rec.spikes("Nobody")
    with pytest.raises(KeyError):
        rec.weights("XYsyn")
    with pytest.raises(FileNotFoundError):
        ion.Recording.open(run_dir / "absent.h5")


def test_summary_from_the_logs_equals_the_runs(run_dir, tmp_path):
    ran = ion.run(ion.Experiment.builtin(), seed=3, duration="6s", out=tmp_path / "again")
    assert ion.Recording.open(run_dir).summary()["text"] == ran.summary()["text"]
    # A recording.h5 on its own is read back by the C++ record layer: the same summary.
    alone = tmp_path / "alone.h5"
    shutil.copy(run_dir / "recording.h5", alone)
    rec = ion.Recording.open(alone)
    assert not rec.logs
    assert rec.summary()["text"] == ran.summary()["text"]
    assert rec.summary(duration="3s")["text"] != ran.summary()["text"]
    assert rec.digest == ran.digest
    not_h5 = tmp_path / "not.h5"
    not_h5.write_text("not a recording\n")
    with pytest.raises(RuntimeError, match="not.h5: not an HDF5 file"):
        ion.Recording(not_h5, {}).summary()


def test_a_cli_run_directory_opens_too(run_cli, tmp_path):
    out = tmp_path / "cli"
    assert run_cli("run", "--sim", "--quiet", "--duration", "2s", "--out", out).returncode == 0
    a, b = ion.Recording.open(out), ion.Recording.open(out / "recording.h5")
    assert a.digest == b.digest
    assert a.summary()["status"] == "complete"


def test_to_pandas_gives_named_tables_equal_to_the_arrays(run_dir, monkeypatch):
    import pandas  # installed by scripts/install-deps
    rec = ion.Recording.open(run_dir / "recording.h5")
    frames = rec.to_pandas()
    assert set(frames) == {"spikes", "inputs", "stimuli", "weights", "links"}
    spikes = frames["spikes"]
    assert isinstance(spikes, pandas.DataFrame) and len(spikes) == len(rec.table("spikes"))
    bn = spikes[spikes["neuron"] == "BN"]
    assert np.array_equal(bn["t_s"].to_numpy(), rec.spikes("BN").t_s)
    assert set(spikes["neuron"]) <= {"ANpre", "BN", "ANpost"} and set(spikes["site"]) <= set(rec.site_names)
    w = frames["weights"]
    ab = w[w["synapse"] == "ABsyn"]
    assert np.array_equal(ab["weight"].to_numpy(), rec.weights("ABsyn").value)
    assert np.array_equal(ab["resistance_ohm"].to_numpy(), rec.resistance("ABsyn").value)
    assert np.array_equal(w["t_s"].to_numpy(), w["t_ns"].to_numpy() / 1e9)
    assert set(frames["inputs"]["synapse"]) <= {"ABsyn", "BAsyn"} and len(frames["inputs"]) > 0
    links = frames["links"]
    assert ("southampton", "zurich") in set(zip(links["site"], links["peer"]))
    assert len(frames["stimuli"]) == len(rec.stimuli())
    logs = ion.Recording.open(run_dir).to_pandas("spikes")  # the same from the event logs
    assert logs.equals(spikes)
    with pytest.raises(KeyError, match="no table 'units'"):
        rec.to_pandas("units")
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="needs pandas"):
        rec.to_pandas("spikes")


def test_format_1_files_still_open_and_unknown_formats_are_refused(run_dir, tmp_path):
    # Format 1 (docs/recording.md §3 "What changed from format 1"): weight traces in
    # /synapses/<id>/, no description tables, no X_s twins. Made from this run's format-2 file.
    import h5py
    old = tmp_path / "format1.h5"
    shutil.copy(run_dir / "recording.h5", old)
    with h5py.File(old, "r+") as f:
        del f["synapses"]
        f.move("weights", "synapses")
        f["meta"].attrs["format_version"] = np.uint32(1)
    a, b = ion.Recording.open(run_dir / "recording.h5"), ion.Recording.open(old)
    assert a.synapse_names == b.synapse_names == ["ABsyn", "BAsyn"]
    assert np.array_equal(a.weights("ABsyn").value, b.weights("ABsyn").value)
    same_table(a.table("spikes"), b.table("spikes"))
    with h5py.File(old, "r+") as f:
        f["meta"].attrs["format_version"] = np.uint32(3)
    with pytest.raises(ValueError, match="format_version 3; this ion reads 1 and 2"):
        ion.Recording.open(old).spikes("BN")
