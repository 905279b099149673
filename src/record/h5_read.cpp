// SPDX-License-Identifier: Apache-2.0
#include "record/h5_read.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

namespace ion::record::h5 {
namespace {

// A dataset may declare at most this many bytes of rows per byte of file: deflate (the only
// filter ion writes) compresses at most ~1032:1, so more is a hostile or broken header, refused
// before anything is allocated for it.
constexpr uint64_t kMaxExpansion = 1100;

std::string describe(hid_t t) {
  const size_t size = H5Tget_size(t);
  switch (H5Tget_class(t)) {
    case H5T_INTEGER:
      return "a " + std::to_string(size) + "-byte " + (H5Tget_sign(t) == H5T_SGN_NONE ? "unsigned" : "signed") +
             " integer";
    case H5T_FLOAT:
      return "a " + std::to_string(size) + "-byte float";
    case H5T_STRING:
      return H5Tis_variable_str(t) > 0 ? "a variable-length string" : "a fixed-length string";
    case H5T_COMPOUND:
      return "a compound";
    default:
      return "another HDF5 type (class " + std::to_string(static_cast<int>(H5Tget_class(t))) + ")";
  }
}

// The memory type to read a stored field of class string into: a variable-length string of the
// stored character set (HDF5 does not convert between character sets).
Id string_mem(hid_t stored) {
  Id t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5Tget_cset(stored));
  return t;
}

// HDF5's message for the call that just failed, as "(detail)" (empty without one).
std::string detail() {
  const std::string m = error_status("").message();
  const auto open = m.find(" (");
  return open == std::string::npos ? "" : m.substr(open);
}

}  // namespace

Result<Reader> Reader::open(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return error(Errc::not_found, path + ": no such file");
  if (!S_ISREG(st.st_mode)) return error(Errc::invalid_argument, path + ": not a regular file");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors come back as Status, not stderr noise
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return error(Errc::corrupt, path + ": not an HDF5 file (no HDF5 signature)");
  }
  Id fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!file.ok()) return error(Errc::corrupt, path + ": HDF5 cannot open it" + detail());
  return Reader(std::move(file), path, static_cast<uint64_t>(st.st_size));
}

Status Reader::bad(const std::string& object, const std::string& what) const {
  return error(Errc::corrupt, path_ + ": " + object + ": " + what);
}

bool Reader::exists(const std::string& path) const {
  for (size_t at = path.find('/', 1);; at = path.find('/', at + 1)) {
    const std::string prefix = path.substr(0, at);
    if (H5Lexists(file(), prefix.c_str(), H5P_DEFAULT) <= 0 ||
        H5Oexists_by_name(file(), prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (at == std::string::npos) return true;
  }
}

Result<Id> Reader::group(const std::string& path) const {
  if (!exists(path)) return bad(path, "missing (every recording.h5 has it)");
  Id g(H5Gopen2(file(), path.c_str(), H5P_DEFAULT));
  if (!g.ok()) return bad(path, "is not a group" + detail());
  return g;
}

Result<std::vector<std::string>> Reader::children(const std::string& path) const {
  ION_TRY_ASSIGN(auto g, group(path));
  H5G_info_t info{};
  if (H5Gget_info(g.get(), &info) < 0) return bad(path, "cannot list its members" + detail());
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len = H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0) return bad(path, "cannot read the name of member " + std::to_string(i) + detail());
    std::string name(static_cast<size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<size_t>(len));
    names.push_back(std::move(name));
  }
  return names;
}

Status Reader::check_type(const std::string& object, const std::string& field, hid_t stored, hid_t mem) const {
  const H5T_class_t want = H5Tget_class(mem);
  bool ok = H5Tget_class(stored) == want;
  if (ok && want == H5T_INTEGER)
    ok = H5Tget_sign(stored) == H5Tget_sign(mem) && H5Tget_size(stored) <= H5Tget_size(mem);
  if (ok && want == H5T_FLOAT) ok = H5Tget_size(stored) <= H5Tget_size(mem);
  if (ok && want == H5T_STRING) ok = H5Tis_variable_str(stored) > 0;
  if (ok) return Status::ok();
  const std::string expected = want == H5T_STRING ? "a variable-length string" : describe(mem);
  return bad(object, field + " is " + describe(stored) + ", expected " + expected);
}

Result<Id> Reader::dataset(const std::string& path, hsize_t& n) const {
  if (!exists(path)) return bad(path, "missing (every recording.h5 has it)");
  Id ds(H5Dopen2(file(), path.c_str(), H5P_DEFAULT));
  if (!ds.ok()) return bad(path, "is not a dataset" + detail());
  Id space(H5Dget_space(ds.get()));
  if (H5Sget_simple_extent_ndims(space.get()) != 1) return bad(path, "is not a one-dimensional dataset");
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  Id type(H5Dget_type(ds.get()));
  const uint64_t row_bytes = std::max<uint64_t>(1, H5Tget_size(type.get()));
  if (n > (bytes_ + 4096) * kMaxExpansion / row_bytes)
    return bad(
        path, "declares " + std::to_string(n) + " rows, more than a " + std::to_string(bytes_) + "-byte file can hold");
  return ds;
}

Status Reader::table(const std::string& path, size_t row_size, const std::vector<Field>& fields,
                     std::vector<char>& rows, std::vector<std::string>& strings, size_t& n) const {
  hsize_t count = 0;
  ION_TRY_ASSIGN(auto ds, dataset(path, count));
  Id stored(H5Dget_type(ds.get()));
  if (H5Tget_class(stored.get()) != H5T_COMPOUND) return bad(path, "is " + describe(stored.get()) + ", not a table");
  Id mem(H5Tcreate(H5T_COMPOUND, row_size));
  std::vector<Id> owned;  // memory string types, alive until the read is done
  std::vector<size_t> string_offsets;
  for (const Field& f : fields) {
    const int i = H5Tget_member_index(stored.get(), f.name);
    if (i < 0) return bad(path, std::string("has no field ") + f.name);
    Id member(H5Tget_member_type(stored.get(), static_cast<unsigned>(i)));
    ION_TRY(check_type(path, std::string("field ") + f.name, member.get(), f.mem));
    hid_t t = f.mem;
    if (H5Tget_class(f.mem) == H5T_STRING) {
      owned.push_back(string_mem(member.get()));
      t = owned.back().get();
      string_offsets.push_back(f.offset);
    }
    H5Tinsert(mem.get(), f.name, f.offset, t);
  }
  n = static_cast<size_t>(count);
  rows.assign(n * row_size, 0);
  if (n == 0) return Status::ok();
  const bool read = H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0;
  const std::string why = read ? "" : detail();
  for (size_t r = 0; read && r < n; ++r) {
    for (size_t off : string_offsets) {
      const char* s = nullptr;
      std::memcpy(&s, rows.data() + r * row_size + off, sizeof s);
      strings.emplace_back(s != nullptr ? s : "");
    }
  }
  Id space(H5Dget_space(ds.get()));
  if (!string_offsets.empty()) H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, rows.data());
  for (size_t r = 0; r < n; ++r) {
    for (size_t off : string_offsets) std::memset(rows.data() + r * row_size + off, 0, sizeof(void*));
  }
  return read ? Status::ok() : bad(path, "cannot read it" + why);
}

Status Reader::column(const std::string& path, hid_t mem, size_t elem_size, std::vector<char>& out, size_t& n) const {
  hsize_t count = 0;
  ION_TRY_ASSIGN(auto ds, dataset(path, count));
  Id stored(H5Dget_type(ds.get()));
  ION_TRY(check_type(path, "the dataset", stored.get(), mem));
  n = static_cast<size_t>(count);
  out.assign(n * elem_size, 0);
  if (n > 0 && H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    return bad(path, "cannot read it" + detail());
  return Status::ok();
}

bool Reader::has_attr(const std::string& object, const char* name) const {
  if (exists(object) && H5Aexists_by_name(file(), object.c_str(), name, H5P_DEFAULT) > 0) return true;
  H5Eclear2(H5E_DEFAULT);
  return false;
}

Status Reader::attr_scalar(const std::string& object, const char* name, hid_t mem, void* out) const {
  const std::string where = object + " attribute " + name;
  if (!has_attr(object, name)) return bad(object, std::string("has no attribute ") + name);
  Id a(H5Aopen_by_name(file(), object.c_str(), name, H5P_DEFAULT, H5P_DEFAULT));
  Id type(H5Aget_type(a.get()));
  Id space(H5Aget_space(a.get()));
  if (!a.ok() || H5Sget_simple_extent_npoints(space.get()) != 1) return bad(where, "is not a single value");
  ION_TRY(check_type(object, std::string("attribute ") + name, type.get(), mem));
  if (H5Tget_class(mem) != H5T_STRING) {
    if (H5Aread(a.get(), mem, out) < 0) return bad(where, "cannot read it" + detail());
    return Status::ok();
  }
  Id smem = string_mem(type.get());
  char* s = nullptr;
  if (H5Aread(a.get(), smem.get(), &s) < 0) return bad(where, "cannot read it" + detail());
  *static_cast<std::string*>(out) = s != nullptr ? s : "";
  H5Dvlen_reclaim(smem.get(), space.get(), H5P_DEFAULT, &s);
  return Status::ok();
}

Result<std::string> Reader::attr_string(const std::string& object, const char* name) const {
  std::string s;
  ION_TRY(attr_scalar(object, name, H5T_C_S1, &s));
  return s;
}

}  // namespace ion::record::h5
