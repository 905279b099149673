# SPDX-License-Identifier: Apache-2.0
"""ion.Experiment: made from a file, the built-in text, TOML or a dict; keyed edits validated by
the C++ loader; every problem listed in ion.ValidationError with the loader's positions."""
import pytest

import ion


def test_builtin_is_the_example_file(source_dir):
    exp = ion.Experiment.builtin()
    assert exp.to_toml() == (source_dir / "examples" / "three_neuron.toml").read_text()
    assert exp.name == "three-neuron"
    assert exp.seed == 1
    assert exp.duration_ns == 40_000_000_000
    assert exp.synapse_names == ["ABsyn", "BAsyn"]
    assert exp.neuron_names == ["ANpre", "BN", "ANpost"]
    assert all(isinstance(n, str) for n in exp.site_names)


def test_load_reads_a_file(source_dir):
    exp = ion.Experiment.load(source_dir / "examples" / "three_neuron.toml")
    assert exp.source_name.endswith("three_neuron.toml")
    assert exp.to_dict() == ion.Experiment.builtin().to_dict()


def test_to_dict_has_python_values():
    d = ion.Experiment.builtin().to_dict()
    assert d["experiment"]["duration"] == "40s"
    assert d["experiment"]["seed"] == 1
    assert d["links"]["default"]["loss"] == 0.005
    assert d["synapses"][0]["cell"] == [3, 7]
    assert d["synapses"][0]["plasticity"]["ltp_above"] == 20


def test_from_dict_round_trips():
    d = ion.Experiment.builtin().to_dict()
    exp = ion.Experiment.from_dict(d)
    assert exp.to_dict() == d
    assert exp.source_name == "<dict>"


def test_attribute_edit_changes_only_that_synapse():
    exp = ion.Experiment.builtin()
    exp.synapses["ABsyn"].plasticity.ltp_above = 25
    assert exp.synapses["ABsyn"].plasticity.ltp_above == 25
    assert exp.get("synapses.BAsyn.plasticity.ltp_above") == 20
    assert "ltp_above = 25" in exp.to_toml()
    assert exp.to_toml().count("ltp_above = 20") == 1


def test_keyed_edits_and_indexes():
    exp = ion.Experiment.builtin()
    exp.set("experiment.seed", 3)
    exp["synapses[1].cell"] = [5, 6]
    exp.neurons[1].spontaneous = "3Hz"
    exp.set("links.default.duplicate", 0.01)
    assert exp.seed == 3
    assert exp.get("synapses.BAsyn.cell") == [5, 6]
    assert exp.get("neurons.BN.spontaneous") == "3Hz"
    assert exp.links.default.duplicate == 0.01
    # Comments of the file survive an edit.
    assert "# silicon neurons" in exp.to_toml()


def test_copy_is_independent():
    a = ion.Experiment.builtin()
    b = a.copy()
    b.set("experiment.seed", 9)
    assert (a.seed, b.seed) == (1, 9)


def test_bad_edit_raises_with_the_key_and_keeps_the_experiment():
    exp = ion.Experiment.builtin()
    with pytest.raises(ion.ValidationError) as err:
        exp.synapses["ABsyn"].plasticity.ltp_above = "many"
    assert err.value.problems == [
        err.value.problems[0]]  # exactly one problem
    assert err.value.problems[0].startswith(
        '--set synapses.ABsyn.plasticity.ltp_above="many": synapses[0].plasticity.ltp_above: found "many"')
    assert exp.get("synapses.ABsyn.plasticity.ltp_above") == 20


def test_unknown_names_say_what_exists():
    exp = ion.Experiment.builtin()
    with pytest.raises(ion.ValidationError, match=r'no entry of synapses is named "XYsyn" \(names: "ABsyn", "BAsyn"\)'):
        exp.set("synapses.XYsyn.cell", [1, 1])
    with pytest.raises(AttributeError):
        exp.nonexistent_section
    with pytest.raises(KeyError):
        exp.get("experiment.nothing")


def test_every_problem_is_listed_with_its_position():
    text = "[experiment]\nname = 1\nduraton = \"2s\"\n"
    with pytest.raises(ion.ValidationError) as err:
        ion.Experiment.from_toml(text, "bad.toml")
    problems = err.value.problems
    assert problems[0] == "bad.toml:1:1: sites: missing required key 'sites' (expected a table)"
    assert any(p.startswith("bad.toml:2:8: experiment.name: found integer 1") for p in problems)
    assert any(p.startswith("bad.toml:3:1: experiment.duraton: unknown key") for p in problems)
    assert str(err.value).startswith(f"{len(problems)} problems in the experiment:")


def test_from_dict_rejects_values_toml_cannot_hold():
    with pytest.raises(TypeError, match="experiment.name"):
        ion.Experiment.from_dict({"experiment": {"name": object()}})
    with pytest.raises(ion.ValidationError):
        ion.Experiment.from_dict({"experiment": {"name": "x"}})


def test_missing_file_is_a_validation_error(tmp_path):
    with pytest.raises(ion.ValidationError) as err:
        ion.Experiment.load(tmp_path / "absent.toml")
    assert str(tmp_path / "absent.toml") in err.value.problems[0]


def test_help_shows_units_and_keys():
    doc = ion.Experiment.__doc__
    assert "synapses.ABsyn.plasticity.ltp_above" in doc and "ValidationError" in doc
    assert "nanoseconds" in ion.Experiment.duration_ns.__doc__
