# SPDX-License-Identifier: Apache-2.0
"""The package imports from the build tree and is the extension built with this source."""
import ast
import pathlib

import pytest

import ion
import ion._ion


def test_version_matches_the_cmake_project(source_dir):
    cmake = (source_dir / "CMakeLists.txt").read_text()
    assert f"project(ion VERSION {ion.__version__} " in cmake


def test_package_and_extension_are_side_by_side():
    package = pathlib.Path(ion.__file__).parent
    assert pathlib.Path(ion._ion.__file__).parent == package
    assert (package / "__init__.pyi").exists()


def test_validation_error_is_a_value_error():
    assert issubclass(ion.ValidationError, ValueError)


def test_durations_parse_as_the_cli_does():
    assert ion._ion.parse_duration("20s") == 20_000_000_000
    assert ion._ion.parse_duration("500ms") == 500_000_000
    with pytest.raises(ValueError, match="ten"):
        ion._ion.parse_duration("ten")


def test_every_public_name_has_a_stub():
    stub = ast.parse((pathlib.Path(ion.__file__).parent / "__init__.pyi").read_text())
    declared = {n.name for n in stub.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    declared |= {t.id for n in stub.body if isinstance(n, (ast.AnnAssign, ast.Assign))
                 for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
    declared |= {a.asname or a.name for n in stub.body if isinstance(n, ast.ImportFrom) for a in n.names}
    assert set(ion.__all__) <= declared
