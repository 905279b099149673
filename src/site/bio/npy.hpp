// SPDX-License-Identifier: Apache-2.0
#pragma once
// NPY format 1.0 (numpy's `.npy`, docs/recording.md "Open Ephys session"): a 10-byte preamble
// ("\x93NUMPY", version 1.0, little-endian uint16 header length), then an ASCII Python dict
// {'descr': '<i8', 'fortran_order': False, 'shape': (N,), } padded with spaces and ended by '\n' so
// that the data starts at a multiple of 64 bytes, then the data in C order.
// Only the one-dimensional little-endian arrays the Open Ephys binary format uses are handled.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace ion::bio {

enum class NpyType : uint8_t { i2, i8, f8, u8 };  // <i2 <i8 <f8 <u8
const char* npy_descr(NpyType t);                 // "<i2", ...
size_t npy_item_bytes(NpyType t);

// The preamble + header of a 1-D array of `count` items (its size is a multiple of 64).
std::string npy_header(NpyType t, uint64_t count);

// A whole file: header + little-endian items.
std::string npy_file(NpyType t, const void* items, uint64_t count);

struct NpyHeader {
  std::string descr;  // e.g. "<i8"
  bool fortran_order = false;
  std::vector<uint64_t> shape;  // () → empty
  size_t data_offset = 0;       // bytes before the first item
};

// Parses the header at the start of `bytes` (a file's first bytes; at least the whole header).
// Errors name `path` and what was expected.
Result<NpyHeader> parse_npy_header(std::string_view bytes, const std::string& path);

// Reads `path`'s header and checks it is a 1-D C-order array of `want` (when count >= 0, of
// exactly `count` items). Returns the header.
Result<NpyHeader> read_npy_header(const std::string& path, NpyType want, int64_t count = -1);

// Reads a small whole 1-D array of int64 (<i8) items (at most max_items).
Result<std::vector<int64_t>> read_npy_i64(const std::string& path, uint64_t max_items);

}  // namespace ion::bio
