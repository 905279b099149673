#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The schema cached in ion's NWB files, read the way a reader without the schema reads it
(docs/recording.md §9.1), with Debian's hdmf (3.5.1) and nothing else: no schema folder.

For the NWB file of `ion run --sim --nwb` (built-in experiment):
- layout (h5py): the root attribute .specloc is an object reference to /specifications, which
  holds exactly core/2.7.0 and hdmf-common/1.5.1, each document a scalar variable-length UTF-8
  string of JSON; the namespace documents name every other document of their group;
- hdmf: HDF5IO.get_namespaces gives {core: 2.7.0, hdmf-common: 1.5.1}; HDF5IO.load_namespaces
  into an empty catalog loads both, with the types the file uses and the rest of core
  (ElectricalSeries, ImageSeries, ...);
- every type's spec loaded from the cache equals the one hdmf loads from the vendored YAML in
  third_party/ (the cache is the schema, not an approximation of it);
- the file validates with hdmf's ValidatorMap built from the cached core namespace alone: 0 errors;
  negative control: a copy whose /identifier is deleted gives an error from that validator.

usage: nwb_spec_test.py ION SOURCE_DIR WORK_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import warnings

import h5py
from hdmf.backends.hdf5 import HDF5IO
from hdmf.spec import DatasetSpec, GroupSpec, NamespaceCatalog, SpecNamespace
from hdmf.validate import ValidatorMap

ION, SOURCE, WORK = sys.argv[1:4]
EXPECTED = {"core": "2.7.0", "hdmf-common": "1.5.1"}
CORE_TYPES = ("NWBFile", "Units", "TimeSeries", "IntervalSeries", "ProcessingModule", "ElectricalSeries",
              "ElectrodeGroup", "Device", "ImageSeries", "LabMetaData")
COMMON_TYPES = ("DynamicTable", "VectorData", "VectorIndex", "ElementIdentifiers", "DynamicTableRegion",
                "Data", "Container")


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok:", what)


# NWB's schema language spells hdmf's data_type_def/inc as neurodata_type_def/inc (as pynwb's spec
# classes do); hdmf converts between the two when it loads a namespace into such a catalog.
def nwb_spec_class(base):
    class Spec(base):
        @classmethod
        def def_key(cls):
            return "neurodata_type_def"

        @classmethod
        def inc_key(cls):
            return "neurodata_type_inc"

        @classmethod
        def type_key(cls):
            return "neurodata_type"

        @classmethod
        def build_const_args(cls, spec_dict):
            args = super().build_const_args(spec_dict)
            for ours, theirs in (("neurodata_type_def", "data_type_def"), ("neurodata_type_inc", "data_type_inc")):
                if ours in args:
                    args[theirs] = args.pop(ours)
            return args
    return Spec


NwbDatasetSpec = nwb_spec_class(DatasetSpec)


class NwbGroupSpec(nwb_spec_class(GroupSpec)):
    @classmethod
    def dataset_spec_cls(cls):
        return NwbDatasetSpec


class NwbNamespace(SpecNamespace):
    @classmethod
    def types_key(cls):
        return "neurodata_types"


def catalog():
    return NamespaceCatalog(NwbGroupSpec, NwbDatasetSpec, NwbNamespace)


def check_layout(path):
    with h5py.File(path, "r") as f:
        ref = f.attrs.get(".specloc")
        check(isinstance(ref, h5py.Reference), ".specloc is an object reference")
        specs = f[ref]
        check(specs.name == "/specifications", ".specloc points at /specifications")
        found = {ns: list(specs[ns].keys()) for ns in specs}
        check(found == {k: [v] for k, v in EXPECTED.items()}, f"cached namespaces/versions {found}")
        for ns, version in EXPECTED.items():
            group = specs[ns][version]
            for name, ds in group.items():
                sd = h5py.check_string_dtype(ds.dtype)
                check(ds.shape == () and sd is not None and sd.length is None and sd.encoding == "utf-8",
                      f"{ds.name} is a scalar variable-length UTF-8 string")
            doc = json.loads(group["namespace"][()].decode("utf-8"))
            sources = {s["source"] for s in doc["namespaces"][0]["schema"] if "source" in s}
            check(sources | {"namespace"} == set(group.keys()), f"{ns} namespace names all {len(sources)} documents")


def check_hdmf_load(path):
    check(HDF5IO.get_namespaces(path=path) == EXPECTED, "HDF5IO.get_namespaces finds core 2.7.0 and hdmf-common 1.5.1")
    cached = catalog()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "No cached namespaces found" must not pass quietly
        loaded = HDF5IO.load_namespaces(cached, path=path)
    check(set(loaded) == set(EXPECTED), f"HDF5IO.load_namespaces loads {sorted(loaded)}")
    check(set(loaded["core"]) == {"hdmf-common"}, "core includes hdmf-common")
    for ns, types in (("core", CORE_TYPES), ("hdmf-common", COMMON_TYPES)):
        got = set(cached.get_namespace(ns).get_registered_types())
        check(cached.get_namespace(ns).version == EXPECTED[ns], f"{ns} version {EXPECTED[ns]}")
        check(set(types) <= got, f"{ns} defines {', '.join(types)} ({len(got)} types)")
    return cached


def check_equals_vendored(cached):
    vendored = catalog()
    vendored.load_namespaces(os.path.join(SOURCE, "third_party/hdmf-common-schema/1.5.1/namespace.yaml"))
    vendored.load_namespaces(os.path.join(SOURCE, "third_party/nwb-schema/2.7.0/nwb.namespace.yaml"))
    for ns in EXPECTED:
        want = vendored.get_namespace(ns).get_registered_types()
        check(set(cached.get_namespace(ns).get_registered_types()) == set(want), f"{ns}: same {len(want)} types")
        differ = [t for t in want if cached.get_spec(ns, t) != vendored.get_spec(ns, t)]
        check(not differ, f"{ns}: every cached spec equals the vendored YAML's (differ: {differ})")


def validate_with_cache_only(path, cached):
    vmap = ValidatorMap(cached.get_namespace("core"))
    with HDF5IO(path, mode="r") as io:
        return [str(e) for e in vmap.validate(io.read_builder())]


def main():
    out = os.path.join(WORK, "sim")
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([ION, "run", "--sim", "--nwb", "--quiet", "--out", out], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: ion run --sim --nwb exited {p.returncode}\n{p.stderr}")
    path = os.path.join(out, "recording.nwb")
    check_layout(path)
    cached = check_hdmf_load(path)
    check_equals_vendored(cached)
    errors = validate_with_cache_only(path, cached)
    check(not errors, f"hdmf validates the file against the cached core alone: {len(errors)} errors {errors[:5]}")
    broken = os.path.join(out, "no-identifier.nwb")
    shutil.copyfile(path, broken)
    with h5py.File(broken, "r+") as f:
        del f["identifier"]
    errors = validate_with_cache_only(broken, cached)
    check(any("identifier" in e for e in errors), f"negative control: without /identifier it finds {errors[:2]}")


if __name__ == "__main__":
    main()
