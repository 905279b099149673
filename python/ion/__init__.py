# SPDX-License-Identifier: Apache-2.0
"""ion: run and analyse Internet-of-Neuro-electronics experiments from Python.

A thin layer over the same C++ code the ``ion`` command runs (the extension ``ion._ion``):

    import ion
    ion.__version__

Units: times are integer nanoseconds where a name ends in ``_ns``; values in an experiment keep
the form the file uses (``"40s"``, ``"14.8kohm"``) or plain numbers. See docs/python.md.
"""
from ._ion import __version__

__all__ = ["__version__"]
