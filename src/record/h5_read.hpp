// SPDX-License-Identifier: Apache-2.0
#pragma once
// Checked reading over the HDF5 C API, for files ion did not necessarily write: every object is
// looked up before it is opened, every field's stored type is checked against the type it is read
// into (same class; integers of the same signedness and at most as wide; floats at most as wide;
// strings variable-length), and a dataset may not declare more rows than its file could hold. A
// problem is an Errc::corrupt error naming the file and the object ("FILE: /spikes: field t_ns
// is a string, expected an integer"). Internal to record/ (hdf5_import.cpp).
#include <cstring>
#include <string>
#include <vector>

#include "record/h5_util.hpp"

namespace ion::record::h5 {

// One member of a compound row read from a table: its name in the file, where it goes in the
// memory row, and the memory type (native_type<T>() or string_type(): a `char*` the reader frees).
struct Field {
  const char* name;
  size_t offset;
  hid_t mem;
};

class Reader {
 public:
  // Opens `path` read-only. Errors: not_found (no such file), corrupt (not an HDF5 file, or
  // HDF5 cannot open it, e.g. a truncated file), io_error.
  static Result<Reader> open(const std::string& path);

  hid_t file() const { return file_.get(); }
  const std::string& path() const { return path_; }
  // "PATH: OBJECT: what" as Errc::corrupt.
  Status bad(const std::string& object, const std::string& what) const;

  // Whether `path` (absolute, e.g. "/meta/site_ids") names an object.
  bool exists(const std::string& path) const;
  Result<Id> group(const std::string& path) const;
  // Names of the members of a group, in name order.
  Result<std::vector<std::string>> children(const std::string& path) const;

  bool has_attr(const std::string& object, const char* name) const;
  Result<std::string> attr_string(const std::string& object, const char* name) const;
  // A one-value attribute read as `mem` (type-checked as fields are; a string class reads into
  // the std::string `out`).
  Status attr_scalar(const std::string& object, const char* name, hid_t mem, void* out) const;
  template <class T>
  Result<T> attr(const std::string& object, const char* name) const {
    T v{};
    ION_TRY(attr_scalar(object, name, native_type<T>(), &v));
    return v;
  }

  // A compound table of `row_size`-byte memory rows holding `fields` (the file may hold more,
  // which are ignored). Returns the rows' bytes; strings are copied into `strings` (one per
  // string field per row, row-major) and HDF5's copies freed.
  Status table(const std::string& path, size_t row_size, const std::vector<Field>& fields, std::vector<char>& rows,
               std::vector<std::string>& strings, size_t& n) const;
  // A 1-D dataset of numbers read as `mem` into `out` (n elements of `elem_size` bytes).
  Status column(const std::string& path, hid_t mem, size_t elem_size, std::vector<char>& out, size_t& n) const;
  template <class T>
  Result<std::vector<T>> column(const std::string& path) const {
    std::vector<char> bytes;
    size_t n = 0;
    ION_TRY(column(path, native_type<T>(), sizeof(T), bytes, n));
    std::vector<T> v(n);
    if (n > 0) std::memcpy(v.data(), bytes.data(), n * sizeof(T));
    return v;
  }

 private:
  Reader(Id file, std::string path, uint64_t bytes) : file_(std::move(file)), path_(std::move(path)), bytes_(bytes) {}
  Result<Id> dataset(const std::string& path, hsize_t& n) const;
  Status check_type(const std::string& object, const std::string& field, hid_t stored, hid_t mem) const;

  Id file_;
  std::string path_;
  uint64_t bytes_ = 0;  // the file's size: bounds what a dataset can hold
};

}  // namespace ion::record::h5
