// SPDX-License-Identifier: Apache-2.0
#include "export/nwb_spec.hpp"

#include <string>

namespace ion::nwb {

// The layout follows hdmf 3.5.1 (backends/hdf5/h5tools.py HDF5IO.__cache_spec and h5_utils.py
// H5SpecWriter; docs/recording.md §9.1): group /specifications, one group per namespace name, one
// per version below it, and in it one scalar string dataset per document. The group itself is
// untyped (no neurodata_type): it is not part of the NWBFile's content, and readers skip it by
// following .specloc.
Status write_specifications(hid_t file, const Builder& b) {
  ION_TRY_ASSIGN(auto specs, b.group(file, kSpecGroup));
  for (const auto& ns : cached_namespaces()) {
    ION_TRY_ASSIGN(auto name, b.group(specs.get(), ns.name));
    ION_TRY_ASSIGN(auto version, b.group(name.get(), ns.version));
    for (const auto& doc : ns.files) ION_TRY(b.text(version.get(), doc.name, std::string(doc.json)));
  }
  return reference_attr(file, kSpecLocAttr, file, std::string("/") + kSpecGroup);
}

}  // namespace ion::nwb
