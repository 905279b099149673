// SPDX-License-Identifier: Apache-2.0
#include "export/nwb_hdmf.hpp"

#include <sodium.h>

#include <cstdio>
#include <ctime>

namespace ion::nwb {
namespace h5 = record::h5;
namespace {

std::string path_of(hid_t obj) {
  const ssize_t n = H5Iget_name(obj, nullptr, 0);
  if (n <= 0) return "";
  std::string s(static_cast<size_t>(n) + 1, '\0');
  H5Iget_name(obj, s.data(), s.size());
  s.resize(static_cast<size_t>(n));
  return s;
}

}  // namespace

std::string object_id(const std::string& salt, const std::string& path) {
  std::string msg = salt;
  msg.push_back('\0');
  msg += path;
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), nullptr, 0);
  h[6] = static_cast<unsigned char>((h[6] & 0x0f) | 0x40);  // version 4
  h[8] = static_cast<unsigned char>((h[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  char hex[3];
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    std::snprintf(hex, sizeof hex, "%02x", h[i]);
    out += hex;
  }
  return out;
}

std::string iso8601(int64_t wall_ns) {
  int64_t secs = wall_ns / 1'000'000'000, rem = wall_ns % 1'000'000'000;
  if (rem < 0) {
    rem += 1'000'000'000;
    --secs;
  }
  const time_t t = static_cast<time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+00:00", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(rem / 1000));
  return buf;
}

Status Builder::mark(hid_t obj, const std::string& type, const char* ns) const {
  ION_TRY(h5::attr_string(obj, "neurodata_type", type));
  ION_TRY(h5::attr_string(obj, "namespace", ns));
  return h5::attr_string(obj, "object_id", object_id(salt_, path_of(obj)));
}

Result<Id> Builder::group(hid_t parent, const std::string& name) const { return h5::create_group(parent, name); }

Result<Id> Builder::typed_group(hid_t parent, const std::string& name, const std::string& type, const char* ns) const {
  ION_TRY_ASSIGN(auto g, h5::create_group(parent, name));
  ION_TRY(mark(g.get(), type, ns));
  return g;
}

Result<Id> Builder::open(hid_t parent, const std::string& name) const {
  Id o(H5Oopen(parent, name.c_str(), H5P_DEFAULT));
  if (!o.ok()) return h5::error_status("open " + name);
  return o;
}

Status Builder::text(hid_t parent, const std::string& name, const std::string& value) const {
  Id t = h5::string_type();
  Id space(H5Screate(H5S_SCALAR));
  Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_obj_track_times(dcpl.get(), false);  // no modification time: the same logs give the same bytes
  Id ds(H5Dcreate2(parent, name.c_str(), t.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
  const char* p = value.c_str();
  if (!ds.ok() || H5Dwrite(ds.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) < 0)
    return h5::error_status("write " + name);
  return Status::ok();
}

Status Builder::texts(hid_t parent, const std::string& name, const std::vector<std::string>& values) const {
  Id t = h5::string_type();
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  return h5::write_dataset(parent, name, t.get(), ptrs.size(), ptrs.data(), {});
}

Status Builder::series_attrs(hid_t g, const std::string& description, const std::string& unit,
                             const std::vector<int64_t>& t_ns) const {
  ION_TRY(h5::attr_string(g, "description", description));
  ION_TRY(h5::attr_string(g, "comments", "no comments"));
  ION_TRY_ASSIGN(auto data, open(g, "data"));
  ION_TRY(h5::attr_string(data.get(), "unit", unit));
  ION_TRY(h5::attr<float>(data.get(), "conversion", 1.0f));
  ION_TRY(h5::attr<float>(data.get(), "offset", 0.0f));
  ION_TRY(h5::attr<float>(data.get(), "resolution", -1.0f));
  std::vector<double> t_s;
  t_s.reserve(t_ns.size());
  for (int64_t t : t_ns) t_s.push_back(h5::seconds(t));
  ION_TRY(numbers(g, "timestamps", t_s));
  ION_TRY_ASSIGN(auto ts, open(g, "timestamps"));
  ION_TRY(h5::attr<int32_t>(ts.get(), "interval", 1));
  return h5::attr_string(ts.get(), "unit", "seconds");
}

Status Builder::control(hid_t series, const std::vector<uint8_t>& labels,
                        const std::vector<std::string>& meaning) const {
  ION_TRY(numbers(series, "control", labels));
  return texts(series, "control_description", meaning);
}

Status reference_attr(hid_t obj, const std::string& name, hid_t loc, const std::string& target_path) {
  hobj_ref_t ref;
  if (H5Rcreate(&ref, loc, target_path.c_str(), H5R_OBJECT, -1) < 0)
    return h5::error_status("reference " + target_path);
  return h5::attr_scalar(obj, name, H5T_STD_REF_OBJ, &ref);
}

Status Table::vector_data(const std::string& name, const std::string& description) {
  ION_TRY_ASSIGN(auto ds, b_.open(g_, name));
  ION_TRY(b_.mark(ds.get(), "VectorData", kCommon));
  ION_TRY(h5::attr_string(ds.get(), "description", description));
  colnames_.push_back(name);
  return Status::ok();
}

Status Table::text_column(const std::string& name, const std::string& description, const std::vector<std::string>& v) {
  ION_TRY(b_.texts(g_, name, v));
  return vector_data(name, description);
}

Status Table::index_for(const std::string& name, const std::vector<uint64_t>& ends) {
  const std::string index = name + "_index";
  ION_TRY(b_.numbers(g_, index, ends));
  ION_TRY_ASSIGN(auto ds, b_.open(g_, index));
  ION_TRY(b_.mark(ds.get(), "VectorIndex", kCommon));
  ION_TRY(h5::attr_string(ds.get(), "description", "Index for VectorData '" + name + "'"));
  return reference_attr(ds.get(), "target", g_, name);
}

Status Table::region(const std::string& name, const std::string& description, const std::vector<int64_t>& rows,
                     const std::string& table_path) {
  ION_TRY(b_.numbers(g_, name, rows));
  ION_TRY_ASSIGN(auto ds, b_.open(g_, name));
  ION_TRY(b_.mark(ds.get(), "DynamicTableRegion", kCommon));
  ION_TRY(h5::attr_string(ds.get(), "description", description));
  ION_TRY(reference_attr(ds.get(), "table", g_, table_path));
  colnames_.push_back(name);
  return Status::ok();
}

Status Table::reference_column(const std::string& name, const std::string& description,
                               const std::vector<std::string>& target_paths) {
  std::vector<hobj_ref_t> refs(target_paths.size());
  for (size_t i = 0; i < refs.size(); ++i)
    if (H5Rcreate(&refs[i], g_, target_paths[i].c_str(), H5R_OBJECT, -1) < 0)
      return h5::error_status("reference " + target_paths[i]);
  ION_TRY(h5::write_dataset(g_, name, H5T_STD_REF_OBJ, refs.size(), refs.data(), {}));
  return vector_data(name, description);
}

Status Table::finish(const std::string& description) {
  std::vector<int64_t> ids(rows_);
  for (size_t i = 0; i < rows_; ++i) ids[i] = static_cast<int64_t>(i);
  ION_TRY(b_.numbers(g_, "id", ids));
  ION_TRY_ASSIGN(auto ds, b_.open(g_, "id"));
  ION_TRY(b_.mark(ds.get(), "ElementIdentifiers", kCommon));
  ION_TRY(h5::attr_string(g_, "description", description));
  return h5::attr_strings(g_, "colnames", colnames_);
}

}  // namespace ion::nwb
