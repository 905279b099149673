# SPDX-License-Identifier: Apache-2.0
"""ion.run and ion.sweep: experiments run in this process on simulated time (the code behind
``ion run --sim``), with the same outputs as the CLI (recording.h5, report.html, summary)."""
import concurrent.futures
import itertools
import os
import pathlib
import tempfile

from . import _ion, _realtime
from ._experiment import Experiment
from ._recording import Recording


def _duration_ns(duration):
    """None, integer nanoseconds, or a duration string as in the CLI ("20s", "500ms")."""
    if duration is None or isinstance(duration, int):
        return duration
    return _ion.parse_duration(str(duration))


def run(experiment, sim=True, seed=None, out=None, duration=None, warmup="3s"):
    """Runs ``experiment`` (an ``ion.Experiment``) and returns its ``Recording``.

    sim=True: every site in this process on one simulated world, deterministic for a seed (as
    ``ion run --sim``). ``seed`` overrides [experiment] seed; ``duration`` ("20s" or integer ns)
    scales the experiment as ``--duration``; ``out`` is the output directory (must be empty or
    absent; default: a new temporary directory). The GIL is released while the run goes on.
    Ctrl-C stops every site cleanly, writes the outputs marked interrupted, then raises
    KeyboardInterrupt. A run that ends incomplete is returned with ``status == "incomplete"``.

    sim=False: real time, launched exactly as ``ion run --realtime`` does (one ``ion node``
    process per site over UDP; the program is found by ``ion.executable()``); returns when the run
    is over. ``warmup`` is the clock-sync time before experiment time 0. Ctrl-C stops it as in a
    terminal, then raises KeyboardInterrupt. Raises ValueError if ``ion run`` refuses the
    experiment, RuntimeError if the run failed before anything was recorded.
    """
    if not isinstance(experiment, Experiment):
        raise TypeError("run: expected an ion.Experiment")
    out = tempfile.mkdtemp(prefix="ion-run-") if out is None else os.fspath(out)
    if not sim:
        return _run_realtime(experiment, seed, out, duration, warmup)
    info = _ion.run_sim(experiment._core, out, seed=seed, duration_ns=_duration_ns(duration),
                        warmup_ns=_duration_ns(warmup))
    logs = [str(p) for p in info["logs"] if os.path.exists(p)]
    return Recording(out, lambda: _ion.open_logs(logs), logs, run_info=info)


def _run_realtime(experiment, seed, out, duration, warmup):
    """sim=False: ``ion run --realtime`` (see _realtime.py); exit codes as docs/python.md says."""
    code, err = _realtime.run_realtime(experiment, seed, out, duration, warmup)
    recorded = (pathlib.Path(out) / "recording.h5").exists()
    if code == 2:
        raise ValueError(f"ion run refused the experiment: {err.strip()}")
    if code != 0 and not recorded:
        raise RuntimeError(f"real-time run failed (ion run exit code {code}) before anything was recorded: "
                           f"{err.strip()}")
    return Recording.open(out)


def _metrics(summary):
    """One flat row of a run's summary: totals, and per phase the pacemaker rate and each
    synapse's P(response) and weight at the phase end."""
    row = {"status": summary["status"], "spikes": summary["spikes"], "weight_updates": summary["weight_updates"]}
    for p in summary["phases"]:
        row[f"phase{p['index']}.pacemaker_rate_hz"] = p["pacemaker_rate_hz"]
        for s in p["synapses"]:
            row[f"{s['name']}.phase{p['index']}.response_probability"] = s["response_probability"]
            row[f"{s['name']}.phase{p['index']}.weight_end"] = s["weight_end"]
    return row


def _sweep_one(text, name, assignment, seed, out, duration):
    exp = Experiment.from_toml(text, name)
    for key, value in assignment.items():
        exp.set(key, value)
    rec = run(exp, seed=seed, out=out, duration=duration)
    row = {**assignment, "seed": seed if seed is not None else exp.seed}
    row.update(_metrics(rec.summary()))
    row.update({"digest": rec.digest, "summary_text": rec.summary()["text"], "out": str(rec.path)})
    return row


def sweep(experiment, grid, seeds=None, processes=1, out=None, duration=None):
    """Runs ``experiment`` once per combination of ``grid`` values and seed, in simulated time.

    ``grid`` maps keys (as ``Experiment.set``) to lists of values; ``seeds`` is an iterable of
    seeds (default: the experiment's own). Runs go to ``out/run-000``, ``out/run-001``, ...
    (default: a new temporary directory), ``processes`` at a time (separate processes). Every
    assignment is validated before anything runs. Returns one row per run — the grid values,
    the seed, the metrics of ``Recording.summary()`` flattened, the recording digest, the summary as
    ``ion run`` prints it (``summary_text``) and ``out`` —
    as a pandas DataFrame if pandas can be imported, else a list of dicts.
    """
    keys = list(grid)
    assignments = [dict(zip(keys, values)) for values in itertools.product(*(grid[k] for k in keys))]
    for a in assignments:  # fail before any run
        probe = experiment.copy()
        for key, value in a.items():
            probe.set(key, value)
    seeds = [None] if seeds is None else list(seeds)
    base = pathlib.Path(tempfile.mkdtemp(prefix="ion-sweep-") if out is None else out)
    jobs = [(experiment.to_toml(), experiment.source_name, a, s, str(base / f"run-{i:03d}"), duration)
            for i, (a, s) in enumerate(itertools.product(assignments, seeds))]
    if processes <= 1:
        rows = [_sweep_one(*job) for job in jobs]
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=processes) as pool:
            rows = list(pool.map(_sweep_one, *zip(*jobs)))
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows)
