# SPDX-License-Identifier: Apache-2.0
"""ion: run and analyse Internet-of-Neuro-electronics experiments from Python.

A thin layer over the same C++ code the ``ion`` command runs (the extension ``ion._ion``):

    import ion
    exp = ion.Experiment.builtin()                       # examples/three_neuron.toml
    exp.synapses["ABsyn"].plasticity.ltp_above = 25      # validated by the loader at once
    exp.set("experiment.seed", 3)                        # the same as `ion run --set experiment.seed=3`

Units: times are integer nanoseconds where a name ends in ``_ns``; values in an experiment keep
the form the file uses (``"40s"``, ``"14.8kohm"``) or plain numbers. See docs/python.md.
"""
from ._ion import ValidationError, __version__
from ._experiment import Experiment
from ._recording import Recording
from ._run import run, sweep
from ._realtime import executable
from . import device, neuron

__all__ = ["Experiment", "Recording", "ValidationError", "device", "executable", "neuron", "run", "sweep", "__version__"]
