# SPDX-License-Identifier: Apache-2.0
"""`pip install .`: the Python package `ion` (python/ion) with its extension built by CMake.

Debian packages only, no network (scripts/install-deps installs them); pip must not fetch its
own build tools, hence --no-build-isolation, and Debian's Python wants a virtual environment:

    /usr/bin/python3 -m venv --system-site-packages venv
    venv/bin/pip install --no-build-isolation .

The extension is built by the project's own CMake build (target ion_python, tests and benchmarks
off) in build/pip-<python>; ION_CMAKE_FLAGS adds flags (e.g. the ccache launcher).
"""
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SOURCE = pathlib.Path(__file__).parent.resolve()


def version():
    return re.search(r"project\(ion VERSION (\S+)", (SOURCE / "CMakeLists.txt").read_text()).group(1)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = SOURCE / "build" / f"pip-{sysconfig.get_config_var('SOABI')}"
        configure = ["cmake", "-S", str(SOURCE), "-B", str(build), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                     "-DION_BUILD_TESTS=OFF", "-DION_BUILD_BENCHMARKS=OFF", "-DION_BUILD_PYTHON=ON",
                     f"-DPython3_EXECUTABLE={sys.executable}"] + shlex.split(os.environ.get("ION_CMAKE_FLAGS", ""))
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "ion_python", "ion", "-j", str(os.cpu_count() or 2)],
                       check=True)
        built = build / "python" / "ion" / f"_ion{sysconfig.get_config_var('EXT_SUFFIX')}"
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, target)
        # The `ion` program ion.run(sim=False) launches (python/ion/_realtime.py), inside the package.
        (target.parent / "_bin").mkdir(exist_ok=True)
        shutil.copy2(build / "ion", target.parent / "_bin" / "ion")


# setuptools' own files (build/lib.*, *.egg-info) under build/pip too, not in the source tree.
(SOURCE / "build" / "pip").mkdir(parents=True, exist_ok=True)

setup(
    name="ion",
    version=version(),
    description="ion: run and analyse Internet-of-Neuro-electronics experiments (Python API over the C++ core)",
    license="Apache-2.0",
    packages=["ion"],
    package_dir={"": "python"},
    package_data={"ion": ["*.pyi", "py.typed"]},
    ext_modules=[Extension("ion._ion", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.11",
    install_requires=["numpy"],
    zip_safe=False,
    options={"build": {"build_base": "build/pip"}, "egg_info": {"egg_base": "build/pip"}},
)
