# SPDX-License-Identifier: Apache-2.0
"""ion.neuron: spike times and traces equal `ion neuron`'s CSV to its last printed digit."""
import csv
import io

import numpy as np
import pytest

import ion


def cli_csv(run_cli, *args):
    r = run_cli("neuron", *args)
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    return rows[0], rows[1:]


def test_spikes_equal_the_cli(run_cli):
    header, rows = cli_csv(run_cli, "--model", "adex", "--param", "a=4nS", "--input", "const,1nA",
                           "--input", "step,0.5nA,100ms,200ms", "--duration", "0.5s", "--n", "2")
    sim = ion.neuron.simulate("adex", params={"a": "4nS"}, input=["const,1nA", "step,0.5nA,100ms,200ms"],
                              duration="0.5s", n=2)
    assert header == ["t_s", "neuron"] and len(rows) > 5
    assert [[f"{t:.9f}", f"{i}"] for t, i in zip(sim.spike_t_s, sim.spike_neuron)] == rows
    assert sim.spike_t_s.dtype == np.float64


def test_traces_equal_the_cli(run_cli):
    header, rows = cli_csv(run_cli, "--model", "izhikevich", "--input", "const,10nA", "--duration", "50ms",
                           "--dt", "0.25ms", "--trace", "v", "--trace", "u")
    sim = ion.neuron.simulate("izhikevich", input="const,10nA", duration="50ms", dt="0.25ms", trace=["v", "u"])
    assert header == ["t_s", "v", "u"]
    assert len(rows) == len(sim.t_s) == 201 and sim.traces["v"].shape == (201, 1)
    mine = [[f"{t:.9f}", f"{v:.9g}", f"{u:.9g}"] for t, v, u in zip(sim.t_s, sim.traces["v"][:, 0], sim.traces["u"][:, 0])]
    assert mine == rows


def test_si_floats_equal_unit_strings():
    a = ion.neuron.simulate("adex", params={"a": "4nS", "b": "80.5pA"}, input="const,1nA", duration="0.3s")
    b = ion.neuron.simulate("adex", params={"a": 4e-9, "b": 80.5e-12}, input="const,1nA", duration=300_000_000)
    assert len(a.spike_t_s) > 0 and np.array_equal(a.spike_t_s, b.spike_t_s)


def test_list_and_errors():
    names = [m["name"] for m in ion.neuron.list()]
    assert {"lif", "adex", "hh", "dpi"} <= set(names)
    with pytest.raises(ValueError, match="model"):
        ion.neuron.simulate("no-such-model")
    with pytest.raises(ValueError, match="params"):
        ion.neuron.simulate("adex", params={"zz": 1.0})
    with pytest.raises(ValueError, match="input"):
        ion.neuron.simulate("adex", input="const")
    with pytest.raises(ValueError, match="trace"):
        ion.neuron.simulate("adex", trace=["q"])
    with pytest.raises(ValueError, match="params"):
        ion.neuron.simulate("adex", params={"C": -1.0})


def test_a_too_large_dt_is_refused_like_the_cli():
    with pytest.raises(ValueError, match="dt 500us is too large"):
        ion.neuron.simulate("izhikevich", dt="0.5ms")
