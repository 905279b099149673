# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures of the Python API tests: the built `ion` binary and the source tree.

ctest (label `python`) sets PYTHONPATH=build/python, ION_BINARY and ION_SOURCE_DIR; run by hand:
  PYTHONPATH=build/python ION_BINARY=build/ion python3 -m pytest tests/python
"""
import os
import pathlib
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("ION_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))


@pytest.fixture(scope="session")
def ion_binary():
    path = os.environ.get("ION_BINARY", str(SOURCE_DIR / "build" / "ion"))
    assert os.access(path, os.X_OK), f"the ion binary is not built: {path}"
    return path


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE_DIR


@pytest.fixture
def run_cli(ion_binary):
    """Runs `ion ARGS...` and returns the CompletedProcess (text output)."""
    def run(*args, timeout=600):
        return subprocess.run([ion_binary, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    return run
