// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to experiment/: typed, collecting access to toml++ tables. Every accessor reports a
// precise diagnostic (location, key path, found/expected) and returns nullopt on any problem, so
// loading continues and all problems are collected. finish() reports keys nobody asked for.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "core/time.hpp"
#include "core/units.hpp"
#include "experiment/diagnostics.hpp"
#include "experiment/model.hpp"

namespace ion::experiment {

enum class Need { optional, required };
enum class Sign { any, positive, non_negative };

// A closed or half-open range of a quantity, in SI units.
struct Bounds {
  double lo = 0, hi = 0;
  bool lo_open = false, hi_open = false;
  bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi); }
};
// "a voltage above 0V and at most 10V"
std::string bounds_text(Dim dim, const Bounds& b);

class Ctx {
 public:
  Ctx(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}
  void error(const toml::source_region& where, std::string key_path, std::string message);
  void error(const SourceLoc& where, std::string key_path, std::string message);
  SourceLoc loc(const toml::source_region& where) const;
  const std::string& file() const { return file_; }
  Diagnostics& diags() { return diags_; }

 private:
  std::string file_;
  Diagnostics& diags_;
};

// "\"abc\"", "integer 40", "float 0.5", "boolean true", "an array", "a table".
std::string describe(const toml::node& n);

class TableReader {
 public:
  TableReader(const toml::table& t, std::string path, Ctx& ctx) : t_(t), path_(std::move(path)), ctx_(ctx) {}
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;
  // Reports pending missing keys if finish() was never called.
  ~TableReader();

  // The value of `key` or nullptr; marks the key as known. Required + absent → diagnostic.
  const toml::node* node(std::string_view key, Need need = Need::optional, std::string_view expected = {});
  std::optional<std::string> str(std::string_view key, Need need);
  // A name: letters, digits, '_', '.', '-', starting with a letter.
  std::optional<std::string> name(std::string_view key, Need need);
  std::optional<std::string> choice(std::string_view key, NameList options, Need need);
  std::optional<int64_t> integer(std::string_view key, Need need, int64_t lo, int64_t hi);
  // Integer or float.
  std::optional<double> number(std::string_view key, Need need, double lo, double hi);
  std::optional<bool> boolean(std::string_view key, Need need);
  std::optional<double> quantity(std::string_view key, Dim dim, Need need, Sign sign = Sign::any);
  std::optional<Duration> duration(std::string_view key, Need need, Sign sign);
  // A quantity inside `b`; `why` (e.g. "the limit of the stimulator's interlock") is added to the
  // message when the value is outside.
  std::optional<double> quantity_in(std::string_view key, Dim dim, Need need, const Bounds& b, std::string_view why);
  std::optional<Duration> duration_in(std::string_view key, Need need, Duration lo, Duration hi, std::string_view why);
  const toml::table* table(std::string_view key, Need need);
  const toml::array* array(std::string_view key, Need need);
  // A table of name → number or unit string.
  ParamMap params(std::string_view key);

  // Reports every present key not asked for. Keys in `other_keys` get "does not apply to
  // <other_context>" instead of "unknown key".
  void finish(NameList other_keys = {}, std::string_view other_context = {});

  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const std::string& path() const { return path_; }
  SourceLoc loc() const { return ctx_.loc(t_.source()); }
  SourceLoc loc(std::string_view key) const;
  const toml::table& raw() const { return t_; }
  Ctx& ctx() { return ctx_; }
  // Reports `message` at the value of `key` (or at the table if absent).
  void error_at(std::string_view key, std::string message);

 private:
  void missing(std::string_view key, std::string_view expected);
  void report_missing(const std::vector<std::string>& suggested);
  void report_missing_key(std::string_view key, std::string_view expected);
  void wrong(const toml::node& n, std::string_view key, std::string_view expected);

  const toml::table& t_;
  std::string path_;
  Ctx& ctx_;
  std::vector<std::string> tried_;
  std::vector<std::pair<std::string, std::string>> missing_;  // (key, expectation), reported by finish()
  bool finished_ = false;
};

// While a KeyLog is alive on this thread every TableReader adds to it the path of each key it asks
// for, and of each key finish() is told belongs to another kind (what the loader accepts; used by
// load.hpp's keys_read_by_loader). Not nestable.
class KeyLog {
 public:
  explicit KeyLog(std::set<std::string>& into);
  ~KeyLog();
  KeyLog(const KeyLog&) = delete;
  KeyLog& operator=(const KeyLog&) = delete;
};
void note_key(const std::string& key_path);

// A table's entries in file order (toml++ iterates in key order).
std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& t);

// The enum value whose name is `s` (enum order == name list order). REQUIRES: contains(names, s).
template <class E>
E enum_of(NameList names, std::string_view s) {
  return static_cast<E>(std::find(names.begin(), names.end(), s) - names.begin());
}

// Strict quantity parsing of a string with a sign check; on failure `expected` describes the
// problem as "expected ..." text (e.g. "a positive duration").
std::optional<double> parse_quantity_checked(std::string_view text, Dim dim, Sign sign, std::string& problem);

}  // namespace ion::experiment
