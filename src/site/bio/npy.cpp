// SPDX-License-Identifier: Apache-2.0
#include "site/bio/npy.hpp"

#include <cstring>
#include <memory>
#include <span>

#include <fmt/format.h>

#include "env/storage.hpp"

namespace ion::bio {

namespace {
constexpr std::string_view kMagic = "\x93NUMPY";
constexpr size_t kPreamble = 10;  // magic (6) + version (2) + header length (2)
constexpr size_t kMaxHeader = 65535;

Status bad(const std::string& path, const std::string& what) {
  return error(Errc::corrupt, fmt::format("{}: {} (expected an NPY 1.0 file, as numpy.save writes)", path, what));
}

// The value text after `'key':` in the header dict, up to the next top-level comma or '}'.
std::string dict_value(std::string_view dict, std::string_view key) {
  const auto k = dict.find(fmt::format("'{}'", key));
  if (k == std::string_view::npos) return {};
  auto p = dict.find(':', k);
  if (p == std::string_view::npos) return {};
  int depth = 0;
  std::string out;
  for (++p; p < dict.size(); ++p) {
    const char c = dict[p];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
    if (c != ' ') out += c;
  }
  return out;
}

// "(N,)" / "(N, M)" / "()" → dimensions; false when malformed.
bool parse_shape(const std::string& text, std::vector<uint64_t>& shape) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') return false;
  std::string_view body(text.data() + 1, text.size() - 2);
  while (!body.empty()) {
    const auto comma = body.find(',');
    const auto item = body.substr(0, comma);
    if (item.empty()) return false;
    uint64_t v = 0;
    for (char c : item) {
      if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) return false;
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    shape.push_back(v);
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
  }
  return true;
}
}  // namespace

const char* npy_descr(NpyType t) {
  static constexpr const char* kDescr[] = {"<i2", "<i8", "<f8", "<u8"};
  return kDescr[static_cast<int>(t)];
}

size_t npy_item_bytes(NpyType t) { return t == NpyType::i2 ? 2 : 8; }

std::string npy_header(NpyType t, uint64_t count) {
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({},), }}", npy_descr(t), count);
  const size_t unpadded = kPreamble + dict.size() + 1;  // + '\n'
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  std::string out(kMagic);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>(dict.size() >> 8);
  return out + dict;
}

std::string npy_file(NpyType t, const void* items, uint64_t count) {
  std::string out = npy_header(t, count);
  // Little-endian host (x86-64 / aarch64), as the '<' byte order says.
  out.append(static_cast<const char*>(items), count * npy_item_bytes(t));
  return out;
}

Result<NpyHeader> parse_npy_header(std::string_view bytes, const std::string& path) {
  if (bytes.size() < kPreamble || bytes.substr(0, kMagic.size()) != kMagic)
    return bad(path, "does not start with the NPY magic \\x93NUMPY");
  if (bytes[6] != 1 && bytes[6] != 2)
    return bad(path, fmt::format("NPY version {}.{} is not supported", int(bytes[6]), int(bytes[7])));
  if (bytes[6] != 1) return bad(path, "NPY version 2.0 is not supported (header length over 64 KiB)");
  const size_t len = static_cast<uint8_t>(bytes[8]) | static_cast<size_t>(static_cast<uint8_t>(bytes[9])) << 8;
  if (bytes.size() < kPreamble + len) return bad(path, fmt::format("header of {} bytes is truncated", len));
  const std::string_view dict = bytes.substr(kPreamble, len);
  NpyHeader h;
  h.data_offset = kPreamble + len;
  h.descr = dict_value(dict, "descr");
  if (h.descr.size() < 2 || h.descr.front() != '\'' || h.descr.back() != '\'')
    return bad(path, "header has no 'descr' string");
  h.descr = h.descr.substr(1, h.descr.size() - 2);
  const std::string fo = dict_value(dict, "fortran_order");
  if (fo != "False" && fo != "True") return bad(path, "header has no 'fortran_order' True/False");
  h.fortran_order = fo == "True";
  if (!parse_shape(dict_value(dict, "shape"), h.shape)) return bad(path, "header has no valid 'shape' tuple");
  return h;
}

Result<NpyHeader> read_npy_header(const std::string& path, NpyType want, int64_t count) {
  auto f = real_storage().open_read(path);
  if (!f) return f.status();
  std::string head(kPreamble + kMaxHeader, '\0');
  auto got = (*f)->read_at(0, std::span(reinterpret_cast<uint8_t*>(head.data()), head.size()));
  if (!got) return got.status();
  head.resize(*got);
  auto h = parse_npy_header(head, path);
  if (!h) return h;
  if (h->descr != npy_descr(want) || h->fortran_order || h->shape.size() != 1)
    return error(Errc::corrupt,
                 fmt::format("{}: holds a {}-D {}array of '{}' (expected a 1-D C-order array of '{}')", path,
                             h->shape.size(), h->fortran_order ? "Fortran-order " : "", h->descr, npy_descr(want)));
  if (count >= 0 && h->shape[0] != static_cast<uint64_t>(count))
    return error(Errc::corrupt, fmt::format("{}: holds {} items (expected {}, one per sample of continuous.dat)", path,
                                            h->shape[0], count));
  const uint64_t need = h->data_offset + h->shape[0] * npy_item_bytes(want);
  if ((*f)->info().size < need)
    return error(Errc::corrupt, fmt::format("{}: {} bytes, but its header announces {} items = {} bytes (truncated)",
                                            path, (*f)->info().size, h->shape[0], need));
  return h;
}

Result<std::vector<int64_t>> read_npy_i64(const std::string& path, uint64_t max_items) {
  auto h = read_npy_header(path, NpyType::i8);
  if (!h) return h.status();
  if (h->shape[0] > max_items)
    return error(Errc::out_of_range, fmt::format("{}: {} items (at most {} read)", path, h->shape[0], max_items));
  auto bytes = real_storage().read_file(path, h->data_offset + h->shape[0] * 8);
  if (!bytes) return bytes.status();
  std::vector<int64_t> out(h->shape[0]);
  std::memcpy(out.data(), bytes->data() + h->data_offset, out.size() * 8);
  return out;
}

}  // namespace ion::bio
