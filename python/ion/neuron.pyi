# SPDX-License-Identifier: Apache-2.0
# Type stubs of ion.neuron (python/ion/neuron.py).
from typing import Any, NamedTuple, Optional, Sequence, Union

import numpy as np

class Simulation(NamedTuple):
    spike_t_s: np.ndarray       # float64, s
    spike_neuron: np.ndarray    # uint32
    t_s: np.ndarray             # float64, s: the trace sample times (empty without trace)
    traces: dict[str, np.ndarray]  # variable -> (len(t_s), n), SI units

def list() -> list[dict[str, Any]]: ...
def simulate(model: str = ..., params: Optional[dict[str, Union[float, str]]] = ...,
             input: Union[str, Sequence[str], None] = ..., duration: Union[str, int] = ...,
             dt: Union[str, int, None] = ..., n: int = ..., trace: Union[str, Sequence[str]] = ...) -> Simulation: ...
