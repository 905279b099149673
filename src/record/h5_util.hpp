// SPDX-License-Identifier: Apache-2.0
#pragma once
// Thin helpers over the HDF5 C API: RAII ids, typed 1-D datasets, compound tables, attributes.
// All objects are created without modification times so content does not depend on when it was
// written. Internal to record/.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace ion::record::h5 {

// Owns one HDF5 id; closes it with the matching H5*close.
class Id {
 public:
  Id() = default;
  explicit Id(hid_t id) : id_(id) {}
  Id(Id&& o) noexcept : id_(o.id_) { o.id_ = -1; }
  Id& operator=(Id&& o) noexcept;
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id();
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }
  hid_t release() { return std::exchange(id_, -1); }

 private:
  hid_t id_ = -1;
};

struct DatasetOptions {
  bool compress = false;  // chunked + deflate level 6 (only for non-empty datasets)
};

template <class T>
hid_t native_type();
template <>
inline hid_t native_type<int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
inline hid_t native_type<uint64_t>() {
  return H5T_NATIVE_UINT64;
}
template <>
inline hid_t native_type<uint32_t>() {
  return H5T_NATIVE_UINT32;
}
template <>
inline hid_t native_type<uint16_t>() {
  return H5T_NATIVE_UINT16;
}
template <>
inline hid_t native_type<uint8_t>() {
  return H5T_NATIVE_UINT8;
}
template <>
inline hid_t native_type<int8_t>() {
  return H5T_NATIVE_INT8;
}
template <>
inline hid_t native_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
inline hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
inline hid_t native_type<int32_t>() {
  return H5T_NATIVE_INT32;
}

// The float64 seconds column written beside an int64 nanoseconds one: exactly ns / 1e9 as IEEE
// double division (what numpy's `t_ns / 1e9` gives), so readers can compare them bit for bit.
inline double seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }

// io_error "HDF5: cannot <what>", with the most specific message of HDF5's error stack appended.
Status error_status(const std::string& what);
// Closes a file id and reports a failed H5Fclose (the destructor of Id cannot).
Status close(Id file, const std::string& name);

// A variable-length UTF-8 string type (caller owns it).
Id string_type();
Result<Id> create_group(hid_t parent, const std::string& name);
// Writes a 1-D dataset of `n` elements of memory type `mem` (stored packed, little-endian on
// the machines ion supports). `data` may be null when n == 0.
Status write_dataset(hid_t parent, const std::string& name, hid_t mem, size_t n, const void* data,
                     const DatasetOptions& opt);
template <class T>
Status write_vector(hid_t parent, const std::string& name, const std::vector<T>& v, const DatasetOptions& opt) {
  return write_dataset(parent, name, native_type<T>(), v.size(), v.data(), opt);
}

Status attr_string(hid_t obj, const std::string& name, const std::string& value);
Status attr_strings(hid_t obj, const std::string& name, const std::vector<std::string>& values);
Status attr_scalar(hid_t obj, const std::string& name, hid_t mem, const void* value);
template <class T>
Status attr(hid_t obj, const std::string& name, T value) {
  return attr_scalar(obj, name, native_type<T>(), &value);
}

// Builds a compound memory type member by member.
class Compound {
 public:
  explicit Compound(size_t size) : id_(H5Tcreate(H5T_COMPOUND, size)) {}
  Compound& add(const char* name, size_t offset, hid_t type) {
    H5Tinsert(id_.get(), name, offset, type);
    return *this;
  }
  hid_t get() const { return id_.get(); }

 private:
  Id id_;
};

}  // namespace ion::record::h5
