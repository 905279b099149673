# SPDX-License-Identifier: Apache-2.0
"""ion.Recording: what a run recorded, from a run directory's event logs (``*.ionlog``, merged by
the C++ record layer, no HDF5 export needed) or from ``recording.h5`` (read with h5py). Both give
the same arrays (docs/recording.md §3 lists every field); names are ``str``."""
import collections
import pathlib

import numpy as np

from . import _frames, _ion
from ._experiment import Experiment

Spikes = collections.namedtuple("Spikes", ["t_s", "kind"])
Spikes.__doc__ = "Spike times in seconds (float64) and kinds (uint8: 0 spike, 1 PSP, 2 evoked, 3 spontaneous)."
Series = collections.namedtuple("Series", ["t_s", "value"])
Series.__doc__ = "Times in seconds (float64) and the values recorded at them."
Synapse = collections.namedtuple("Synapse", ["name", "id", "pre", "post", "hub", "cell"])
Synapse.__doc__ = "A synapse of the recorded experiment: pre/post neuron names, hub site, cell (word, bit)."

_WEIGHT_FIELDS = ["t_ns", "resistance_ohm", "weight", "action", "log_site"]
_LINK_FIELDS = ["t_ns", "sent", "received", "events_sent", "events_received", "lost", "duplicated", "reordered",
                "late", "rejected", "malformed", "rtt_ns", "clock_offset_ns", "clock_uncertainty_ns", "peer_up"]


def _text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def _group_table(group, fields):
    """Equal-length datasets of one HDF5 group as one structured array."""
    columns = [group[f][()] for f in fields]
    return np.rec.fromarrays(columns, names=fields).view(np.ndarray)


def _without_seconds(table):
    """A format-2 table without its float64 ``X_s`` twins of ``X_ns`` fields, so that it has
    exactly the fields of the same table read from the event logs (times in seconds come from
    spikes()/weights()/to_pandas(), computed the same way: t_ns / 1e9)."""
    names = table.dtype.names
    keep = [n for n in names if not (n.endswith("_s") and n[:-2] + "_ns" in names)]
    return table if len(keep) == len(names) else np.ascontiguousarray(table[keep])


def _weight_groups(f, version):
    """{synapse id: (name, weight group)}: /weights/<id> in format 2, /synapses/<id> in format 1."""
    groups = f["weights"] if version >= 2 else f["synapses"]
    return {int(g.attrs["id"]): (_text(g.attrs["name"]), g) for g in groups.values()}


def _synapse_names(f, version, weight_groups):
    names = {sid: name for sid, (name, _) in weight_groups.items()}
    if version >= 2:  # the /synapses table lists every synapse, also those without weights
        names.update({int(r["id"]): _text(r["name"]) for r in f["synapses"][()] if _text(r["name"])})
    return names


def _read_h5(path):
    import h5py
    with h5py.File(path, "r") as f:
        meta = f["meta"].attrs
        version = int(meta["format_version"])
        if version not in (1, 2):
            raise ValueError(f"{path}: recording.h5 format_version {version}; this ion reads 1 and 2")
        sites = {int(i): _text(n) for i, n in zip(f["meta"]["site_ids"][()], meta["sites"])}
        neurons = {(int(r["site"]), int(r["index"])): _text(r["name"]) for r in f["neurons"][()] if _text(r["name"])}
        groups = _weight_groups(f, version)
        weights = {sid: _group_table(g, _WEIGHT_FIELDS) for sid, (_, g) in groups.items()}
        links = {(int(g.attrs["site"]), int(g.attrs["peer"])): _group_table(g, _LINK_FIELDS) for g in f["links"].values()}
        tables = {name: _without_seconds(f[name][()]) for name in ("spikes", "inputs", "stimuli")}
        return {"sites": sites, "neurons": neurons, "synapses": _synapse_names(f, version, groups),
                "experiment_name": _text(meta["experiment_name"]), "seed": _text(meta["seed"]),
                "experiment_file": _text(meta["experiment_file"]), "digest": _text(meta["digest"]),
                "weights": weights, "links": links, **tables}


class Recording:
    """What a run recorded. ``Recording.open(path)`` takes a run directory (its ``*.ionlog``, else
    its ``recording.h5``), a ``recording.h5`` or one ``.ionlog``; ``ion.run`` returns one too.

    Times are seconds (float64) in ``spikes``/``weights``/``resistance``; raw tables keep integer
    nanoseconds (``t_ns``). Names are ``str``."""

    def __init__(self, path, tables, logs=(), run_info=None):
        """Use Recording.open(path); ``tables`` is the tables' dict or a function that reads them."""
        self.path = pathlib.Path(path)
        self._tables = tables
        self._logs = [pathlib.Path(p) for p in logs]
        self._run = run_info
        self._experiment = None

    @property
    def _t(self):
        if callable(self._tables):  # read on first use (ion.run returns before reading anything)
            self._tables = self._tables()
        return self._tables

    @classmethod
    def open(cls, path):
        p = pathlib.Path(path)
        if p.is_dir():
            logs = sorted(p.glob("*.ionlog"))
            if logs:
                return cls(p, _ion.open_logs([str(x) for x in logs]), logs)
            p = p / "recording.h5"
        if not p.exists():
            raise FileNotFoundError(f"{path}: no run directory, recording.h5 or .ionlog there")
        if p.suffix == ".ionlog":
            return cls(p, _ion.open_logs([str(p)]), [p])
        return cls(p, _read_h5(str(p)), sorted(p.parent.glob("*.ionlog")))

    # Names -----------------------------------------------------------------------------------
    @property
    def site_names(self):
        return [self._t["sites"][i] for i in sorted(self._t["sites"])]

    @property
    def neuron_names(self):
        return [self._t["neurons"][a] for a in sorted(self._t["neurons"])]

    @property
    def synapse_names(self):
        return [self._t["synapses"][i] for i in sorted(self._t["synapses"])]

    @property
    def experiment_name(self):
        return self._t["experiment_name"]

    @property
    def seed(self):
        """The seed as recorded (decimal text)."""
        return self._t["seed"]

    @property
    def digest(self):
        """Digest of the recorded values (docs/recording.md §4); equal for .h5 and .ionlog."""
        return self._run["digest"] if self._run is not None else self._t["digest"]

    @property
    def experiment(self):
        """The experiment the sites ran (their experiment_file note), as an ion.Experiment."""
        if self._experiment is None:
            self._experiment = Experiment.from_toml(self._t["experiment_file"], f"{self.path} (recorded experiment)")
        return self._experiment

    # Tables ----------------------------------------------------------------------------------
    def table(self, name):
        """A raw table: "spikes", "inputs" or "stimuli" (structured array, fields as in recording.h5)."""
        return self._t[name]

    def _neuron(self, neuron):
        if isinstance(neuron, tuple):
            return neuron
        for addr, name in self._t["neurons"].items():
            if name == neuron:
                return addr
        raise KeyError(f"no neuron named {neuron!r} in this recording (names: {self.neuron_names})")

    def _synapse_id(self, synapse):
        if isinstance(synapse, int):
            return synapse
        for sid, name in self._t["synapses"].items():
            if name == synapse:
                return sid
        raise KeyError(f"no synapse named {synapse!r} in this recording (names: {self.synapse_names})")

    def spikes(self, neuron):
        """Spikes of one neuron (name, or (site id, index)): ``Spikes(t_s, kind)``."""
        site, index = self._neuron(neuron)
        s = self._t["spikes"]
        rows = s[(s["site"] == site) & (s["index"] == index)]
        return Spikes(rows["t_ns"].astype(np.float64) / 1e9, np.asarray(rows["kind"]))

    def _weight_rows(self, synapse):
        return self._t["weights"].get(self._synapse_id(synapse), np.empty(0, dtype=[("t_ns", "<i8")]))

    def weights(self, synapse):
        """Weight (0..1) of a synapse at every update: ``Series(t_s, value)``."""
        rows = self._weight_rows(synapse)
        return Series(rows["t_ns"].astype(np.float64) / 1e9, np.asarray(rows["weight"]) if len(rows) else np.empty(0))

    def resistance(self, synapse):
        """Resistance (ohm) of a synapse's device at every update: ``Series(t_s, value)``."""
        rows = self._weight_rows(synapse)
        return Series(rows["t_ns"].astype(np.float64) / 1e9,
                      np.asarray(rows["resistance_ohm"]) if len(rows) else np.empty(0))

    def weight_table(self, synapse):
        """All weight rows of a synapse (t_ns, resistance_ohm, weight, action, log_site)."""
        return self._weight_rows(synapse)

    def stimuli(self):
        """Every stimulus (t_ns, log_site, electrode, amplitude, width_s, charge_c, synapse, outcome, cathodic_first)."""
        return self._t["stimuli"]

    def links(self):
        """Link statistics per (recording site, peer) by name: ``{("southampton", "zurich"): table}``."""
        sites = self._t["sites"]
        return {(sites.get(a, f"site{a}"), sites.get(b, f"site{b}")): rows for (a, b), rows in self._t["links"].items()}

    def synapse(self, name):
        """The synapse ``name`` of the recorded experiment: ``.pre``, ``.post``, ``.hub``, ``.cell``."""
        for s in self.experiment._core.synapse_table:
            if s["name"] == name:
                return Synapse(s["name"], s["id"], s["pre"], s["post"], s["hub"], tuple(s["cell"]))
        raise KeyError(f"no synapse named {name!r} in the recorded experiment")

    def to_pandas(self, table=None):
        """The tables as pandas DataFrames with names and ``t_s`` (seconds) beside ``t_ns``:
        ``table`` one of "spikes", "inputs", "stimuli", "weights", "links", or None for a dict of
        all five. Needs pandas (ImportError saying so otherwise)."""
        return _frames.to_pandas(self._t, table)

    # Run results -----------------------------------------------------------------------------
    def summary(self, duration=None):
        """The run summary (the numbers ``ion run`` prints; ``["text"]`` is that text).

        For a run of ``ion.run`` it is the run's own; otherwise it is computed as ``ion report``
        does, from the event logs, or from ``recording.h5`` alone when it was opened without
        them (``duration``: as ``ion report --duration``)."""
        if self._run is not None and duration is None:
            return self._run["summary"]
        ns = duration if duration is None or isinstance(duration, int) else _ion.parse_duration(str(duration))
        if not self._logs:
            return _ion.summarize_h5(str(self.h5_path), duration_ns=ns)
        return _ion.summarize_logs([str(p) for p in self._logs], duration_ns=ns)

    @property
    def logs(self):
        """The sites' event logs this recording was read from or lies beside."""
        return list(self._logs)

    @property
    def h5_path(self):
        return self.path / "recording.h5" if self.path.is_dir() else self.path

    @property
    def report_path(self):
        return (self.path if self.path.is_dir() else self.path.parent) / "report.html"

    def _run_value(self, key):
        if self._run is None:
            raise AttributeError(f"{key}: only a Recording returned by ion.run has it")
        return self._run[key]

    @property
    def trace_digest(self):
        """The simulated world's trace digest, as ``ion run --sim`` prints it (ion.run only)."""
        return f"{self._run_value('trace_digest'):016x}"

    @property
    def events(self):
        """Events the simulated world processed (ion.run only)."""
        return self._run_value("events")

    @property
    def status(self):
        """How the run ended: "complete", "interrupted" or "incomplete"."""
        return self.summary()["status"]

    def __repr__(self):
        return f"<ion.Recording {str(self.path)!r}>"
