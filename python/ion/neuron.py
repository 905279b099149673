# SPDX-License-Identifier: Apache-2.0
"""ion.neuron: the neuron models of ``ion neuron`` (src/neuron), simulated on their own.

    sim = ion.neuron.simulate("adex", params={"a": "4nS"}, input="const,1nA", duration="1s", trace=["v"])
    sim.spike_t_s          # float64 seconds
    sim.traces["v"]        # (steps + 1, n) array in the variable's SI unit (V), sampled at sim.t_s

Parameters take the CLI's unit strings ("4nS", "-70.6mV") or plain SI floats (4e-9); inputs are
the CLI's --input specs, summed: "const,I", "step,I,on,off", "ramp,I0,I1,t0,t1",
"file,PATH,interval", "noise,mean,sd,interval,seed". Problems raise ValueError naming the argument.
"""
import collections

from . import _ion

Simulation = collections.namedtuple("Simulation", ["spike_t_s", "spike_neuron", "t_s", "traces"])
Simulation.__doc__ = ("spike_t_s (float64 s) and spike_neuron (uint32) per spike, as `ion neuron --spikes` prints; "
                      "t_s (float64 s) and traces {variable: (len(t_s), n) float64, SI units} as `--trace`.")


def _ns(value):
    return value if value is None or isinstance(value, int) else _ion.parse_duration(str(value))


def list():  # noqa: A001 - the name of `ion neuron --list`
    """Every model: name, summary, default_dt_ns, params (name, default as text, default_si, doc),
    states (name, unit, doc)."""
    return _ion.neuron_models()


def simulate(model="lif", params=None, input=None, duration="1s", dt=None, n=1, trace=()):  # noqa: A002
    """Simulates ``n`` identical neurons of ``model`` for ``duration`` ("1s" or integer ns) with
    time step ``dt`` (default: the model's), driven by ``input`` (one --input spec or a list,
    summed; default none) and returns a ``Simulation``. ``trace``: state variables to record."""
    inputs = [input] if isinstance(input, str) else [] if input is None else [str(s) for s in input]
    trace = [trace] if isinstance(trace, str) else [str(v) for v in trace]
    return Simulation(**_ion.neuron_simulate(model, dict(params or {}), inputs, _ns(duration), _ns(dt), n, trace))
