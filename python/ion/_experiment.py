# SPDX-License-Identifier: Apache-2.0
"""ion.Experiment: the text of an experiment file and its validated model (ion._ion.Experiment)."""
from ._ion import Experiment as _CoreExperiment


def _key_part(part):
    """One part of a key path, quoted when it holds a character a bare key cannot."""
    if isinstance(part, int):
        return str(part)
    if part and all(c.isalnum() or c in "_-" for c in part):
        return part
    return '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _join(path, part):
    return _key_part(part) if not path else path + "." + _key_part(part)


def _step(value, part, path):
    """The child of a dict by key, or of a list by index or by its entries' ``name``."""
    if isinstance(value, dict):
        if part in value:
            return value[part]
    elif isinstance(value, list):
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            index = int(part)
            if index < len(value):
                return value[index]
        for entry in value:
            if isinstance(entry, dict) and entry.get("name") == part:
                return entry
    raise KeyError(f"{path or 'the experiment'} has no {part!r}")


class _Section:
    """A table or array of the experiment seen through attributes and keys.

    Reading returns the value as written in the file (``"1s"``, ``20``); assigning calls
    ``Experiment.set`` with the key path, so the edit is validated at once.
    """

    __slots__ = ("_exp", "_path")

    def __init__(self, exp, path):
        object.__setattr__(self, "_exp", exp)
        object.__setattr__(self, "_path", path)

    def _child(self, part):
        path = _join(self._path, part)
        value = self._exp.get(path)
        return _Section(self._exp, path) if isinstance(value, (dict, list)) else value

    def __getitem__(self, part):
        return self._child(part)

    def __getattr__(self, part):
        try:
            return self._child(part)
        except KeyError as e:
            raise AttributeError(str(e)) from None

    def __setitem__(self, part, value):
        self._exp.set(_join(self._path, part), value)

    def __setattr__(self, part, value):
        self._exp.set(_join(self._path, part), value)

    def __len__(self):
        return len(self._exp.get(self._path))

    def __iter__(self):
        value = self._exp.get(self._path)
        return iter(value.keys() if isinstance(value, dict) else
                    (e.get("name", i) for i, e in enumerate(value)))

    def to_python(self):
        """The section as plain dicts and lists."""
        return self._exp.get(self._path)

    def __repr__(self):
        return f"<ion experiment section {self._path}: {self._exp.get(self._path)!r}>"


class Experiment:
    """An experiment: the text of its TOML file and its validated model.

    Made by ``load(path)``, ``builtin()``, ``from_toml(text)`` or ``from_dict(d)``; every one,
    and every edit, is validated by the same loader as ``ion validate``/``ion run``: a problem
    raises ``ValidationError`` whose ``problems`` lists each as ``FILE:LINE:COL: key.path: message``.

    Keys are dotted paths as in ``ion run --set``: ``experiment.seed``, ``sites.zurich.chip.cores``,
    ``synapses.ABsyn.plasticity.ltp_above`` (an entry of ``[[neurons]]``/``[[synapses]]`` by its
    name or 0-based index). Attribute access does the same:
    ``exp.synapses["ABsyn"].plasticity.ltp_above = 25``.
    """

    __slots__ = ("_core",)

    def __init__(self, core):
        object.__setattr__(self, "_core", core)

    @classmethod
    def load(cls, path):
        """Reads and validates the experiment file at ``path`` (str or os.PathLike)."""
        return cls(_CoreExperiment.load(str(path)))

    @classmethod
    def builtin(cls):
        """The built-in three-neuron experiment (examples/three_neuron.toml), as ``ion run`` uses."""
        return cls(_CoreExperiment.builtin())

    @classmethod
    def from_toml(cls, text, name="<string>"):
        """Validates TOML text; ``name`` is the file name used in problems."""
        return cls(_CoreExperiment.from_toml(text, name))

    @classmethod
    def from_dict(cls, d, name="<dict>"):
        """An experiment from nested dicts/lists as ``to_dict()`` returns them."""
        return cls(_CoreExperiment.from_dict(d, name))

    def to_dict(self):
        """The experiment as nested dicts and lists (strings are ``str``, values as written)."""
        return self._core.to_dict()

    def to_toml(self):
        """The TOML text, edits included (comments and layout of the file are kept)."""
        return self._core.to_toml()

    def get(self, key):
        """The value at a dotted key path, as written in the file. KeyError if absent."""
        value = self.to_dict()
        path = ""
        for part in _split_key(key):
            value = _step(value, part, path)
            path = _join(path, part)
        return value

    def set(self, key, value):
        """Sets the value at a dotted key path (added if absent) and validates the result.

        On any problem raises ``ValidationError`` and leaves the experiment unchanged.
        """
        self._core.set(key, value)

    def copy(self):
        """An independent copy (edits to one do not change the other)."""
        return Experiment.from_toml(self.to_toml(), self.source_name)

    def __getattr__(self, section):
        if section.startswith("_"):
            raise AttributeError(section)
        try:
            self.get(section)
        except KeyError:
            raise AttributeError(f"the experiment has no section {section!r}") from None
        return _Section(self, section)

    def __setattr__(self, name, value):
        raise AttributeError("set values with exp.set(key, value) or exp.section.key = value")

    def __getitem__(self, key):
        value = self.get(key)
        return _Section(self, key) if isinstance(value, (dict, list)) else value

    def __setitem__(self, key, value):
        self.set(key, value)

    @property
    def name(self):
        """[experiment] name."""
        return self._core.name

    @property
    def source_name(self):
        """The file name, or ``<builtin:three_neuron.toml>``, ``<string>``, ``<dict>``."""
        return self._core.source_name

    @property
    def seed(self):
        """[experiment] seed (int)."""
        return self._core.seed

    @property
    def duration_ns(self):
        """[experiment] duration in integer nanoseconds."""
        return self._core.duration_ns

    @property
    def mode(self):
        """``"sim"`` or ``"realtime"`` ([experiment] mode)."""
        return self._core.mode

    @property
    def site_names(self):
        return list(self._core.site_names)

    @property
    def neuron_names(self):
        return list(self._core.neuron_names)

    @property
    def synapse_names(self):
        return list(self._core.synapse_names)

    def __repr__(self):
        return f"<ion.Experiment {self.name!r} from {self.source_name}, seed {self.seed}>"


def _split_key(key):
    """``'a."b.c"[2].d'`` → ``['a', 'b.c', 2, 'd']`` (the C++ loader's key syntax)."""
    parts, i = [], 0
    while i < len(key):
        if key[i] == '"':
            close = key.index('"', i + 1)
            parts.append(key[i + 1:close])
            i = close + 1
        else:
            end = min([j for j in (key.find(".", i), key.find("[", i)) if j >= 0] or [len(key)])
            parts.append(key[i:end])
            i = end
        while i < len(key) and key[i] == "[":
            close = key.index("]", i)
            parts.append(int(key[i + 1:close]))
            i = close + 1
        if i < len(key) and key[i] == ".":
            i += 1
    return parts
