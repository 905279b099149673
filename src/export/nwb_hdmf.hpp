// SPDX-License-Identifier: Apache-2.0
#pragma once
// The building blocks of an NWB 2 file on the HDF5 C API (docs/recording.md §9): typed groups and
// datasets carrying the three bookkeeping attributes NWB requires of every typed object
// (neurodata_type, namespace, object_id), text datasets, TimeSeries, and the hdmf-common table
// types (DynamicTable with VectorData, ragged VectorData + VectorIndex, ElementIdentifiers and
// DynamicTableRegion, the last two pointing at their targets with HDF5 object references).
//
// object_id: NWB asks for a UUID; ion derives it (UUID version 4 layout, BLAKE2b-128 of the
// recording digest and the object's HDF5 path) instead of drawing it, so the same logs give the
// same file, byte for byte. Internal to export/.
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "record/h5_util.hpp"

namespace ion::nwb {

using record::h5::Id;

// The NWB version written and the namespaces of the types used.
inline constexpr const char* kNwbVersion = "2.7.0";
inline constexpr const char* kCore = "core";
inline constexpr const char* kCommon = "hdmf-common";

// "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx" from BLAKE2b-128 of (salt, '\0', path).
std::string object_id(const std::string& salt, const std::string& path);

// ns since the Unix epoch (UTC) as ISO 8601 with microseconds and offset: 2026-12-05T05:55:10.123456+00:00.
std::string iso8601(int64_t wall_ns);

// Writes typed objects into one HDF5 file; `salt` (the recording digest) seeds the object ids.
class Builder {
 public:
  explicit Builder(std::string salt) : salt_(std::move(salt)) {}

  // neurodata_type, namespace and object_id (from the object's own path) on `obj`.
  Status mark(hid_t obj, const std::string& type, const char* ns) const;
  Result<Id> group(hid_t parent, const std::string& name) const;  // untyped
  Result<Id> typed_group(hid_t parent, const std::string& name, const std::string& type, const char* ns) const;
  Result<Id> open(hid_t parent, const std::string& name) const;  // an existing dataset or group

  Status text(hid_t parent, const std::string& name, const std::string& value) const;                 // scalar
  Status texts(hid_t parent, const std::string& name, const std::vector<std::string>& values) const;  // 1-D
  template <class T>
  Status numbers(hid_t parent, const std::string& name, const std::vector<T>& v) const {
    return record::h5::write_vector(parent, name, v, {});
  }

  // A TimeSeries group: data (written by `data`, then given `unit`), timestamps in seconds.
  // IntervalSeries fix unit "n/a" and resolution -1 (nwb.misc.yaml).
  template <class T>
  Status time_series(hid_t parent, const std::string& name, const std::string& type, const std::string& description,
                     const std::vector<T>& data, const std::string& unit, const std::vector<int64_t>& t_ns) const {
    ION_TRY_ASSIGN(auto g, typed_group(parent, name, type, kCore));
    ION_TRY(numbers(g.get(), "data", data));
    ION_TRY(series_attrs(g.get(), description, unit, t_ns));
    return Status::ok();
  }
  // control + control_description of a TimeSeries (labels per sample and what each label means).
  Status control(hid_t series, const std::vector<uint8_t>& labels, const std::vector<std::string>& meaning) const;

 private:
  Status series_attrs(hid_t g, const std::string& description, const std::string& unit,
                      const std::vector<int64_t>& t_ns) const;
  std::string salt_;
};

// Columns of one DynamicTable, written in the order added; `colnames` lists them (index columns
// are not listed, as hdmf-common's table.yaml asks).
class Table {
 public:
  Table(const Builder& b, hid_t group, size_t rows) : b_(b), g_(group), rows_(rows) {}

  template <class T>
  Status column(const std::string& name, const std::string& description, const std::vector<T>& v) {
    ION_TRY(b_.numbers(g_, name, v));
    return vector_data(name, description);
  }
  Status text_column(const std::string& name, const std::string& description, const std::vector<std::string>& v);
  // A ragged column: `flat` holds every row's values in row order, `ends[i]` where row i ends.
  template <class T>
  Status ragged(const std::string& name, const std::string& description, const std::vector<T>& flat,
                const std::vector<uint64_t>& ends) {
    ION_TRY(column(name, description, flat));
    return index_for(name, ends);
  }
  // Row numbers into another table (DynamicTableRegion with an object reference to it).
  Status region(const std::string& name, const std::string& description, const std::vector<int64_t>& rows,
                const std::string& table_path);
  // A column of HDF5 object references, one per row, to the objects at `target_paths` (absolute).
  Status reference_column(const std::string& name, const std::string& description,
                          const std::vector<std::string>& target_paths);
  // ElementIdentifiers `id` (0..rows-1) and the table's own attributes.
  Status finish(const std::string& description);

 private:
  Status vector_data(const std::string& name, const std::string& description);
  Status index_for(const std::string& name, const std::vector<uint64_t>& ends);
  const Builder& b_;
  hid_t g_;
  size_t rows_;
  std::vector<std::string> colnames_;
};

// An HDF5 object-reference attribute `name` on `obj` pointing at `target_path` (absolute, or
// relative to the group `loc`).
Status reference_attr(hid_t obj, const std::string& name, hid_t loc, const std::string& target_path);

}  // namespace ion::nwb
