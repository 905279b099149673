# SPDX-License-Identifier: Apache-2.0
"""Recording.to_pandas(): the recording's tables as pandas DataFrames, one row per recorded
event, with names (``str``) in place of the numeric site, neuron and synapse ids, and ``t_s``
(float64 seconds) beside every integer ``t_ns``. pandas is optional: imported only here."""
import numpy as np

TABLES = ("spikes", "inputs", "stimuli", "weights", "links")


def _pandas():
    try:
        import pandas
    except ImportError as e:
        raise ImportError("Recording.to_pandas() needs pandas (Debian: python3-pandas); "
                          "the NumPy accessors (spikes(), weights(), table()) do not") from e
    return pandas


def _names(ids, mapping, fallback):
    return [mapping.get(int(i), f"{fallback}{int(i)}") for i in ids]


def _neuron_names(t, sites, indexes):
    """Neuron names of (site id, index) pairs; "site:index" for one without a name."""
    return [t["neurons"].get((int(a), int(b)), f"{t['sites'].get(int(a), a)}:{int(b)}") for a, b in zip(sites, indexes)]


def _with_times(columns, rows):
    """``t_s`` and ``t_ns`` first, then ``columns`` (a dict of equal-length arrays or lists)."""
    t_ns = np.asarray(rows["t_ns"]) if len(rows) else np.empty(0, dtype=np.int64)
    return {"t_s": t_ns.astype(np.float64) / 1e9, "t_ns": t_ns, **columns}


def _spikes(t):
    s = t["spikes"]
    return _with_times({"neuron": _neuron_names(t, s["site"], s["index"]), "site": _names(s["site"], t["sites"], "site"),
                        "index": s["index"], "kind": s["kind"]}, s)


def _inputs(t):
    r = t["inputs"]
    return _with_times({"synapse": _names(r["synapse"], t["synapses"], "synapse"),
                        "post": _neuron_names(t, r["post_site"], r["post_index"]),
                        "weight": r["weight"], "arrival_s": np.asarray(r["arrival_ns"], dtype=np.float64) / 1e9,
                        "site": _names(r["log_site"], t["sites"], "site")}, r)


def _stimuli(t):
    r = t["stimuli"]
    columns = {name: r[name] for name in ("electrode", "amplitude", "width_s", "charge_c", "outcome", "cathodic_first")}
    return _with_times({"site": _names(r["log_site"], t["sites"], "site"),
                        "synapse": _names(r["synapse"], t["synapses"], "synapse"), **columns}, r)


def _concat(pandas, frames, columns):
    frames = [f for f in frames if len(f)]
    return pandas.concat(frames, ignore_index=True) if frames else pandas.DataFrame(columns=columns)


def _weights(pandas, t):
    frames = []
    for sid, r in sorted(t["weights"].items()):
        frames.append(pandas.DataFrame(_with_times({
            "synapse": [t["synapses"].get(sid, f"synapse{sid}")] * len(r), "weight": r["weight"],
            "resistance_ohm": r["resistance_ohm"], "action": r["action"],
            "site": _names(r["log_site"], t["sites"], "site")}, r)))
    return _concat(pandas, frames, ["t_s", "t_ns", "synapse", "weight", "resistance_ohm", "action", "site"])


def _links(pandas, t):
    frames = []
    for (a, b), r in sorted(t["links"].items()):
        stats = {name: r[name] for name in r.dtype.names if name != "t_ns"}
        site, peer = t["sites"].get(a, f"site{a}"), t["sites"].get(b, f"site{b}")
        frames.append(pandas.DataFrame(_with_times({"site": [site] * len(r), "peer": [peer] * len(r), **stats}, r)))
    return _concat(pandas, frames, ["t_s", "t_ns", "site", "peer"])


def to_pandas(tables, table=None):
    """One DataFrame (``table`` one of TABLES) or a dict of all of them."""
    pandas = _pandas()
    build = {"spikes": lambda: pandas.DataFrame(_spikes(tables)),
             "inputs": lambda: pandas.DataFrame(_inputs(tables)),
             "stimuli": lambda: pandas.DataFrame(_stimuli(tables)),
             "weights": lambda: _weights(pandas, tables), "links": lambda: _links(pandas, tables)}
    if table is None:
        return {name: build[name]() for name in TABLES}
    if table not in build:
        raise KeyError(f"to_pandas: no table {table!r} (tables: {', '.join(TABLES)})")
    return build[table]()
