# SPDX-License-Identifier: Apache-2.0
"""ion.sweep: a 4 x 2 grid in simulated time whose runs equal the same runs made with the CLI."""
import sys

import pytest

import ion

LTP = [10, 15, 20, 25]
KEY = "synapses.ABsyn.plasticity.ltp_above"


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    rows = ion.sweep(ion.Experiment.builtin(), {KEY: LTP}, seeds=[1, 2], processes=2, out=out, duration="4s")
    return rows if isinstance(rows, list) else rows.to_dict("records")


def test_one_row_per_run_in_grid_order(swept):
    assert [(r[KEY], r["seed"]) for r in swept] == [(v, s) for v in LTP for s in (1, 2)]
    assert all(r["status"] == "complete" for r in swept)
    assert len({r["digest"] for r in swept}) == len(swept)  # every run recorded different data


def test_metrics_equal_the_cli(swept, run_cli, tmp_path):
    for i, row in enumerate(swept):
        out = tmp_path / f"cli-{i}"
        r = run_cli("run", "--sim", "--duration", "4s", "--seed", row["seed"], "--out", out,
                    "--set", f"{KEY}={row[KEY]}")
        assert r.returncode == 0, r.stderr
        # The same recorded data, and the same summary numbers as the CLI prints them.
        assert f"(digest {row['digest']})" in r.stdout
        assert row["summary_text"] in r.stdout
        weight = row["ABsyn.phase3.weight_end"]
        assert weight is not None and 0.0 <= weight <= 1.0


def test_a_bad_grid_value_fails_before_any_run(tmp_path):
    with pytest.raises(ion.ValidationError, match="ltp_above"):
        ion.sweep(ion.Experiment.builtin(), {KEY: [10, "x"]}, out=tmp_path / "s", duration="1s")
    assert not (tmp_path / "s").exists()


def test_the_table_is_a_dataframe_with_pandas_and_dicts_without(tmp_path, monkeypatch):
    import pandas  # installed by scripts/install-deps
    frame = ion.sweep(ion.Experiment.builtin(), {KEY: [10]}, out=tmp_path / "a", duration="1s")
    assert isinstance(frame, pandas.DataFrame) and list(frame[KEY]) == [10]
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now fails
    rows = ion.sweep(ion.Experiment.builtin(), {KEY: [10]}, out=tmp_path / "b", duration="1s")
    assert isinstance(rows, list) and rows[0][KEY] == 10 and rows[0]["digest"] == frame["digest"][0]
