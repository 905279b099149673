// SPDX-License-Identifier: Apache-2.0
#include "experiment/toml_reader.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace ion::experiment {
namespace {

thread_local std::set<std::string>* t_key_log = nullptr;

std::string fmt_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string int_range(int64_t lo, int64_t hi) {
  if (hi == INT64_MAX) return "an integer >= " + std::to_string(lo);
  return "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
}

std::string unit_expectation(Dim dim) { return std::string("a ") + dim_name(dim) + " like " + dim_examples(dim); }

// "(unknown unit \"xs\")" from core's message "\"..\" is not a duration (WHY; expected e.g. ..)".
std::string reason_of(const std::string& core_message) {
  size_t open = core_message.rfind(" (");
  size_t semi = core_message.find("; expected", open == std::string::npos ? 0 : open);
  if (open == std::string::npos || semi == std::string::npos) return {};
  return " " + core_message.substr(open + 1, semi - open - 1) + ")";
}

bool valid_name(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace

std::string bounds_text(Dim dim, const Bounds& b) {
  const std::string name = dim_name(dim);
  const bool vowel = !name.empty() && std::string_view("aeiou").find(name[0]) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + name + (b.lo_open ? " above " : " of at least ") +
         format_quantity(b.lo, dim) + (b.hi_open ? " and below " : " and at most ") + format_quantity(b.hi, dim);
}

SourceLoc Ctx::loc(const toml::source_region& where) const {
  SourceLoc l{file_, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column)};
  if (l.line == 0) l.line = l.col = 1;  // implicit tables have no position: point at the file
  return l;
}

void Ctx::error(const toml::source_region& where, std::string key_path, std::string message) {
  error(loc(where), std::move(key_path), std::move(message));
}

void Ctx::error(const SourceLoc& where, std::string key_path, std::string message) {
  diags_.add({file_, where.line, where.col, std::move(key_path), std::move(message)});
}

std::string describe(const toml::node& n) {
  if (auto s = n.as_string()) return "\"" + s->get() + "\"";
  if (auto i = n.as_integer()) return "integer " + std::to_string(i->get());
  if (auto f = n.as_floating_point()) return "float " + fmt_number(f->get());
  if (auto b = n.as_boolean()) return std::string("boolean ") + (b->get() ? "true" : "false");
  if (n.is_array()) return "an array";
  if (n.is_table()) return "a table";
  return "a date/time";
}

std::optional<double> parse_quantity_checked(std::string_view text, Dim dim, Sign sign, std::string& problem) {
  Result<double> v = parse_quantity(text, dim);
  if (!v) {
    problem = unit_expectation(dim) + reason_of(v.status().message());
    return std::nullopt;
  }
  if (sign == Sign::positive && !(*v > 0)) {
    problem = std::string("a positive ") + dim_name(dim);
    return std::nullopt;
  }
  if (sign == Sign::non_negative && *v < 0) {
    problem = std::string("a non-negative ") + dim_name(dim);
    return std::nullopt;
  }
  return *v;
}

std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& t) {
  std::vector<std::pair<const toml::key*, const toml::node*>> out;
  for (auto&& [k, v] : t) out.emplace_back(&k, &v);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto &pa = a.first->source().begin, &pb = b.first->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return out;
}

SourceLoc TableReader::loc(std::string_view key) const {
  const toml::node* n = t_.get(key);
  return n ? ctx_.loc(n->source()) : loc();
}

void TableReader::error_at(std::string_view key, std::string message) {
  ctx_.error(loc(key), path(key), std::move(message));
}

TableReader::~TableReader() {
  if (!finished_) report_missing({});
}

void TableReader::missing(std::string_view key, std::string_view expected) {
  missing_.emplace_back(std::string(key), std::string(expected));
}

// Missing keys are reported last, skipping those an unknown key already stands for
// ("duraton" → "did you mean 'duration'?"): one mistake, one diagnostic.
void TableReader::report_missing(const std::vector<std::string>& suggested) {
  for (const auto& [key, expected] : missing_)
    if (std::find(suggested.begin(), suggested.end(), key) == suggested.end()) report_missing_key(key, expected);
  missing_.clear();
}

void TableReader::report_missing_key(std::string_view key, std::string_view expected) {
  std::string msg = "missing required key '" + std::string(key) + "'";
  if (!expected.empty()) msg += " (expected " + std::string(expected) + ")";
  ctx_.error(t_.source(), path(key), msg);
}

void TableReader::wrong(const toml::node& n, std::string_view key, std::string_view expected) {
  ctx_.error(n.source(), path(key), "found " + describe(n) + ", expected " + std::string(expected));
}

KeyLog::KeyLog(std::set<std::string>& into) { t_key_log = &into; }
KeyLog::~KeyLog() { t_key_log = nullptr; }

void note_key(const std::string& key_path) {
  if (t_key_log) t_key_log->insert(key_path);
}

const toml::node* TableReader::node(std::string_view key, Need need, std::string_view expected) {
  tried_.emplace_back(key);
  note_key(path(key));
  const toml::node* n = t_.get(key);
  if (!n && need == Need::required) missing(key, expected);
  return n;
}

std::optional<std::string> TableReader::str(std::string_view key, Need need) {
  const toml::node* n = node(key, need, "a string");
  if (!n) return std::nullopt;
  if (auto s = n->as_string()) return s->get();
  wrong(*n, key, "a string");
  return std::nullopt;
}

std::optional<std::string> TableReader::name(std::string_view key, Need need) {
  static constexpr const char* kExpect = "a name (a letter, then letters, digits, '_', '.' or '-')";
  const toml::node* n = node(key, need, "a name");
  if (!n) return std::nullopt;
  auto s = n->as_string();
  if (s && valid_name(s->get())) return s->get();
  wrong(*n, key, kExpect);
  return std::nullopt;
}

std::optional<std::string> TableReader::choice(std::string_view key, NameList options, Need need) {
  std::string expected = "one of " + quoted_list(options);
  const toml::node* n = node(key, need, expected);
  if (!n) return std::nullopt;
  auto s = n->as_string();
  if (s && contains(options, s->get())) return s->get();
  if (s) {
    std::string_view guess = did_you_mean(s->get(), options);
    if (!guess.empty()) expected += " (did you mean \"" + std::string(guess) + "\"?)";
  }
  wrong(*n, key, expected);
  return std::nullopt;
}

std::optional<int64_t> TableReader::integer(std::string_view key, Need need, int64_t lo, int64_t hi) {
  const toml::node* n = node(key, need, int_range(lo, hi));
  if (!n) return std::nullopt;
  auto i = n->as_integer();
  if (i && i->get() >= lo && i->get() <= hi) return i->get();
  wrong(*n, key, int_range(lo, hi));
  return std::nullopt;
}

std::optional<double> TableReader::number(std::string_view key, Need need, double lo, double hi) {
  std::string expected = "a number from " + fmt_number(lo) + " to " + fmt_number(hi);
  const toml::node* n = node(key, need, expected);
  if (!n) return std::nullopt;
  std::optional<double> v;
  if (auto i = n->as_integer()) v = static_cast<double>(i->get());
  if (auto f = n->as_floating_point()) v = f->get();
  if (v && *v >= lo && *v <= hi) return v;
  wrong(*n, key, expected);
  return std::nullopt;
}

std::optional<bool> TableReader::boolean(std::string_view key, Need need) {
  const toml::node* n = node(key, need, "true or false");
  if (!n) return std::nullopt;
  if (auto b = n->as_boolean()) return b->get();
  wrong(*n, key, "true or false");
  return std::nullopt;
}

std::optional<double> TableReader::quantity(std::string_view key, Dim dim, Need need, Sign sign) {
  const toml::node* n = node(key, need, unit_expectation(dim));
  if (!n) return std::nullopt;
  auto s = n->as_string();
  if (!s) {
    wrong(*n, key, unit_expectation(dim) + " (a string with its unit)");
    return std::nullopt;
  }
  std::string problem;
  auto v = parse_quantity_checked(s->get(), dim, sign, problem);
  if (!v) wrong(*n, key, problem);
  return v;
}

std::optional<Duration> TableReader::duration(std::string_view key, Need need, Sign sign) {
  auto s = quantity(key, Dim::time, need, sign);
  if (!s) return std::nullopt;
  if (*s > 9.2e9) {
    wrong(*t_.get(key), key, "a duration shorter than 292 years");
    return std::nullopt;
  }
  Duration d = from_seconds(*s);
  if (sign == Sign::positive && d <= 0) {
    wrong(*t_.get(key), key, "a duration of at least 1ns");
    return std::nullopt;
  }
  return d;
}

std::optional<double> TableReader::quantity_in(std::string_view key, Dim dim, Need need, const Bounds& b,
                                               std::string_view why) {
  auto v = quantity(key, dim, need, Sign::any);
  if (!v || b.contains(*v)) return v;
  wrong(*t_.get(key), key, bounds_text(dim, b) + (why.empty() ? "" : " (" + std::string(why) + ")"));
  return std::nullopt;
}

std::optional<Duration> TableReader::duration_in(std::string_view key, Need need, Duration lo, Duration hi,
                                                 std::string_view why) {
  auto d = duration(key, need, Sign::any);
  if (!d || (*d >= lo && *d <= hi)) return d;
  wrong(*t_.get(key), key,
        bounds_text(Dim::time, {to_seconds(lo), to_seconds(hi)}) + (why.empty() ? "" : " (" + std::string(why) + ")"));
  return std::nullopt;
}

const toml::table* TableReader::table(std::string_view key, Need need) {
  const toml::node* n = node(key, need, "a table");
  if (!n) return nullptr;
  if (auto t = n->as_table()) return t;
  wrong(*n, key, "a table");
  return nullptr;
}

const toml::array* TableReader::array(std::string_view key, Need need) {
  const toml::node* n = node(key, need, "an array");
  if (!n) return nullptr;
  if (auto a = n->as_array()) return a;
  wrong(*n, key, "an array");
  return nullptr;
}

ParamMap TableReader::params(std::string_view key) {
  ParamMap out;
  const toml::table* t = table(key, Need::optional);
  if (!t) return out;
  for (auto&& [k, v] : *t) {
    std::string p = path(key) + "." + std::string(k.str());
    Param param{0.0, ctx_.loc(v.source()), p};
    if (auto i = v.as_integer()) param.value = static_cast<double>(i->get());
    else if (auto f = v.as_floating_point()) param.value = f->get();
    else if (auto s = v.as_string()) param.value = s->get();
    else {
      ctx_.error(v.source(), p, "found " + describe(v) + ", expected a number or a string with a unit");
      continue;
    }
    out.emplace(std::string(k.str()), std::move(param));
  }
  return out;
}

void TableReader::finish(NameList other_keys, std::string_view other_context) {
  finished_ = true;
  for (auto k : other_keys) note_key(path(k));
  std::vector<std::string_view> known(tried_.begin(), tried_.end());
  std::vector<std::string> suggested;
  for (auto&& [k, v] : t_) {
    std::string_view key = k.str();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string msg;
    if (contains(other_keys, key)) {
      msg = "key '" + std::string(key) + "' does not apply to " + std::string(other_context);
    } else if (auto guess = did_you_mean(key, known); !guess.empty()) {
      suggested.emplace_back(guess);
      msg = "unknown key '" + std::string(key) + "'; did you mean '" + std::string(guess) + "'?";
    } else {
      msg = "unknown key '" + std::string(key) + "'; expected one of: ";
      for (size_t i = 0; i < known.size(); ++i) msg += (i ? ", " : "") + std::string(known[i]);
    }
    ctx_.error(k.source(), path(key), msg);
  }
  report_missing(suggested);
}

}  // namespace ion::experiment
