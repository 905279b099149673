// SPDX-License-Identifier: Apache-2.0
#include "record/h5_util.hpp"

#include <algorithm>

namespace ion::record::h5 {
namespace {

Status h5_error(const std::string& what) { return error_status(what); }

// H5Ewalk2 callback: keeps the first (innermost, walking upward) description.
herr_t innermost(unsigned n, const H5E_error2_t* e, void* out) {
  if (n == 0 && e != nullptr && e->desc != nullptr) *static_cast<std::string*>(out) = e->desc;
  return 0;
}

Id creation_props(hid_t cls) {
  Id p(H5Pcreate(cls));
  H5Pset_obj_track_times(p.get(), false);
  return p;
}

}  // namespace

Status error_status(const std::string& what) {
  std::string detail;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &detail);
  H5Eclear2(H5E_DEFAULT);
  return error(Errc::io_error, "HDF5: cannot " + what + (detail.empty() ? "" : " (" + detail + ")"));
}

Status close(Id file, const std::string& name) {
  if (H5Fclose(file.release()) < 0) return error_status("close " + name);
  return Status::ok();
}

Id& Id::operator=(Id&& o) noexcept {
  if (this != &o) {
    Id tmp(std::move(*this));
    id_ = o.id_;
    o.id_ = -1;
  }
  return *this;
}

Id::~Id() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    default:
      break;
  }
}

Id string_type() {
  Id t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

Result<Id> create_group(hid_t parent, const std::string& name) {
  Id gcpl = creation_props(H5P_GROUP_CREATE);
  Id g(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT));
  if (!g.ok()) return h5_error("create group " + name);
  return g;
}

Status write_dataset(hid_t parent, const std::string& name, hid_t mem, size_t n, const void* data,
                     const DatasetOptions& opt) {
  const hsize_t dims[1] = {n};
  Id space(H5Screate_simple(1, dims, nullptr));
  Id file_type(H5Tcopy(mem));
  if (H5Tget_class(mem) == H5T_COMPOUND) H5Tpack(file_type.get());
  Id dcpl = creation_props(H5P_DATASET_CREATE);
  if (opt.compress && n > 0) {
    const hsize_t chunk[1] = {std::min<hsize_t>(n, 16384)};
    H5Pset_chunk(dcpl.get(), 1, chunk);
    H5Pset_deflate(dcpl.get(), 6);
  }
  Id ds(H5Dcreate2(parent, name.c_str(), file_type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
  if (!ds.ok()) return h5_error("create dataset " + name);
  if (n > 0 && H5Dwrite(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    return h5_error("write dataset " + name);
  }
  return Status::ok();
}

Status attr_scalar(hid_t obj, const std::string& name, hid_t mem, const void* value) {
  Id space(H5Screate(H5S_SCALAR));
  Id a(H5Acreate2(obj, name.c_str(), mem, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!a.ok() || H5Awrite(a.get(), mem, value) < 0) return h5_error("write attribute " + name);
  return Status::ok();
}

Status attr_string(hid_t obj, const std::string& name, const std::string& value) {
  Id t = string_type();
  const char* p = value.c_str();
  return attr_scalar(obj, name, t.get(), &p);
}

Status attr_strings(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  Id t = string_type();
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  const hsize_t dims[1] = {values.size()};
  Id space(H5Screate_simple(1, dims, nullptr));
  Id a(H5Acreate2(obj, name.c_str(), t.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!a.ok()) return h5_error("create attribute " + name);
  if (!values.empty() && H5Awrite(a.get(), t.get(), ptrs.data()) < 0) return h5_error("write attribute " + name);
  return Status::ok();
}

}  // namespace ion::record::h5
