# SPDX-License-Identifier: Apache-2.0
# Type stubs of ion.device (python/ion/device.py).
from typing import Any, NamedTuple, Optional, Sequence, Union

import numpy as np

Quantity = Union[float, str]  # SI float, or the CLI's text with its unit ("12kohm", "0.5V")

class Pulses(NamedTuple):
    pulse: np.ndarray           # int64: 0 = the read before the first pulse
    voltage_v: np.ndarray       # V
    width_s: np.ndarray         # s
    state: np.ndarray           # the model's state variable (Model.state_name)
    resistance_ohm: np.ndarray  # ohm, read at the read voltage

def list() -> list[dict[str, Any]]: ...

class Model:
    def __init__(self, model: str = ..., preset: Optional[str] = ..., params: Optional[dict[str, Union[float, str]]] = ...,
                 r0: Optional[Quantity] = ..., read: Quantity = ...) -> None: ...
    def apply(self, pulses: Union[str, Sequence[tuple[float, ...]]]) -> Pulses: ...
    @property
    def resistance_ohm(self) -> float: ...
    @property
    def state(self) -> float: ...
    @property
    def state_name(self) -> str: ...
    @property
    def model(self) -> str: ...
