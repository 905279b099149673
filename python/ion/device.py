# SPDX-License-Identifier: Apache-2.0
"""ion.device: the memristor models of ``ion device`` (src/device), one device at a time.

    dev = ion.device.Model("data-driven", preset="tiox-dut2", r0="14.8kohm")
    out = dev.apply("-0.8V,100us*20;+0.8V,100us*20")     # or [(-0.8, 100e-6, 20), (0.8, 100e-6, 20)]
    out.resistance_ohm                                    # NumPy, ohm, read at `read` volts

Quantities are SI floats or the CLI's unit strings ("12kohm", "0.5V"); problems raise ValueError
naming the argument. A preset driven outside the range it was fitted on extrapolates
(docs/models.md, "Fitted ranges"); ``ion.device.list()`` gives each preset's range.
"""
import collections

from . import _ion

Pulses = collections.namedtuple("Pulses", ["pulse", "voltage_v", "width_s", "state", "resistance_ohm"])
Pulses.__doc__ = ("What apply() measured, as `ion device --pulses` prints it: row 0 is the read before the first "
                  "pulse, then one row per pulse (voltage in V, width in s, the model's state, resistance in ohm).")


def list():  # noqa: A001 - the name of `ion device list`
    """Every model: name, summary, state_name, presets (name, source, fitted_range) and parameters
    (name, default of the first preset, unit, lo, hi, doc)."""
    return _ion.device_models()


class Model:
    """One memristor of a model. ``preset``: one of the model's presets (default: its first);
    ``params``: overrides {name: value} (float in the parameter's unit, or text);
    ``r0``: initial resistance as read at ``read``; ``read``: read voltage (default 0.5 V).

    The device keeps its state: successive ``apply`` calls continue from where the last ended."""

    def __init__(self, model="compact", preset=None, params=None, r0=None, read="0.5V"):
        self._d = _ion.Device(model, preset or "", dict(params or {}), r0, read)

    def apply(self, pulses):
        """Applies a pulse program (the CLI's text, or a sequence of (volts, width_s[, count]))
        and returns ``Pulses`` (NumPy arrays), the first row being the read before it."""
        return Pulses(**self._d.apply(pulses))

    @property
    def resistance_ohm(self):
        """The resistance now, read at the read voltage (ohm)."""
        return self._d.resistance_ohm

    @property
    def state(self):
        """The model's state variable now (see ``state_name``)."""
        return self._d.state

    @property
    def state_name(self):
        return self._d.state_name

    @property
    def model(self):
        return self._d.model

    def __repr__(self):
        return f"<ion.device.Model {self.model} {self.state_name}={self.state:g}, {self.resistance_ohm:g} ohm>"
