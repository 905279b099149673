# SPDX-License-Identifier: Apache-2.0
"""ion.device: the memristor models give the numbers `ion device` prints, to its last digit."""
import csv
import io

import numpy as np
import pytest

import ion

PROGRAM = "-0.8V,100us*12;+0.8V,100us*7;-0.6V,100us*3"


def cli_rows(run_cli, *args):
    r = run_cli("device", *args)
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    return rows[0], rows[1:]


def formatted(out, i):
    """Row i as cmd_device.cpp prints it: %zu,%g,%g,%.10g,%.10g."""
    return [f"{out.pulse[i]}", f"{out.voltage_v[i]:g}", f"{out.width_s[i]:g}",
            f"{out.state[i]:.10g}", f"{out.resistance_ohm[i]:.10g}"]


@pytest.mark.parametrize("model,preset,r0", [("data-driven", "tiox-dut2", "14.8kohm"), ("compact", None, None)])
def test_apply_equals_the_cli_csv(run_cli, model, preset, r0):
    args = ["--model", model, "--pulses", PROGRAM] + (["--preset", preset] if preset else []) + (["--r0", r0] if r0 else [])
    header, rows = cli_rows(run_cli, *args)
    out = ion.device.Model(model, preset=preset, r0=r0).apply(PROGRAM)
    assert header[3] == "state_" + ion.device.Model(model, preset=preset).state_name
    assert len(rows) == len(out.pulse) == 1 + 12 + 7 + 3
    for i, row in enumerate(rows):
        assert formatted(out, i) == row, i
    assert out.resistance_ohm.dtype == np.float64


def test_tuples_params_and_continuing_state(run_cli):
    header, rows = cli_rows(run_cli, "--model", "data-driven", "--preset", "tiox-dut2", "--r0", "14.8kohm",
                            "--read", "0.4V", "--pulses", "-0.8V,100us*5;+0.7V,200us*2")
    dev = ion.device.Model("data-driven", preset="tiox-dut2", r0=14.8e3, read=0.4)
    first = dev.apply([(-0.8, 100e-6, 5)])
    second = dev.apply([(0.7, 200e-6), (0.7, 200e-6)])  # continues from the first program's end
    assert [formatted(first, i)[3:] for i in range(6)] == [r[3:] for r in rows[:6]]
    assert [formatted(second, i)[3:] for i in range(1, 3)] == [r[3:] for r in rows[6:]]
    assert second.resistance_ohm[0] == first.resistance_ohm[-1] == pytest.approx(second.resistance_ohm[0])


def test_list_names_every_model_of_the_cli(run_cli):
    r = run_cli("device", "list")
    names = [m["name"] for m in ion.device.list()]
    assert names and all(f"{n} — " in r.stdout for n in names)
    dd = next(m for m in ion.device.list() if m["name"] == "data-driven")
    assert "tiox-dut2" in [p["name"] for p in dd["presets"]]
    assert all(isinstance(p["name"], str) and "unit" in p for p in dd["params"])


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="model/preset"):
        ion.device.Model("no-such-model")
    with pytest.raises(ValueError, match="r0"):
        ion.device.Model("data-driven", preset="tiox-dut2", r0="14.8V")
    with pytest.raises(ValueError, match="pulses"):
        ion.device.Model().apply("+0.8V")
    with pytest.raises(ValueError, match="read"):
        ion.device.Model(read="0V")
