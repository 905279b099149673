// SPDX-License-Identifier: Apache-2.0
#include "experiment/overrides.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <optional>

#include "experiment/load.hpp"

namespace ion::experiment {
namespace {

struct Segment {
  std::string text;
  bool index = false;  // written as [N]
};

std::string where(const Override& o) { return "--set " + o.key + "=" + o.value + ": "; }

Status bad(const Override& o, const std::string& why) { return error(Errc::invalid_argument, where(o) + why); }

// "a.\"b.c\"[2].d" → a, b.c, [2], d
Result<std::vector<Segment>> split_key(std::string_view key) {
  std::vector<Segment> segs;
  size_t i = 0;
  while (i < key.size()) {
    Segment s;
    if (key[i] == '"') {
      const size_t close = key.find('"', i + 1);
      if (close == std::string_view::npos) return error(Errc::invalid_argument, "unterminated quote in the key");
      s.text = std::string(key.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      const size_t end = key.find_first_of(".[", i);
      s.text = std::string(key.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      i = end == std::string_view::npos ? key.size() : end;
    }
    if (s.text.empty()) return error(Errc::invalid_argument, "empty part in the key");
    segs.push_back(std::move(s));
    while (i < key.size() && key[i] == '[') {
      const size_t close = key.find(']', i);
      if (close == std::string_view::npos) return error(Errc::invalid_argument, "unterminated [ in the key");
      segs.push_back({std::string(key.substr(i + 1, close - i - 1)), true});
      i = close + 1;
    }
    if (i < key.size() && key[i] != '.') return error(Errc::invalid_argument, "expected '.' after ']' in the key");
    if (i < key.size()) ++i;
    if (i == key.size() && key.back() == '.') return error(Errc::invalid_argument, "the key ends with '.'");
  }
  if (segs.empty()) return error(Errc::invalid_argument, "empty key");
  return segs;
}

std::optional<size_t> as_index(const std::string& s) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return static_cast<size_t>(std::stoul(s));
}

// The element of an array of tables named by index or by its `name` key.
Result<size_t> element(const toml::array& a, const Segment& seg, const std::string& where) {
  if (auto i = as_index(seg.text)) {
    if (*i < a.size()) return *i;
    return error(Errc::not_found, where + " has " + std::to_string(a.size()) + " entries, no index " + seg.text);
  }
  if (seg.index) return error(Errc::invalid_argument, "[" + seg.text + "] is not an index");
  std::vector<std::string_view> names;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto* t = a.get(i)->as_table();
    const auto* n = t ? t->get_as<std::string>("name") : nullptr;
    if (!n) continue;
    if (n->get() == seg.text) return i;
    names.push_back(n->get());
  }
  return error(Errc::not_found, "no entry of " + where + " is named \"" + seg.text + "\"" +
                                    (names.empty() ? "" : " (names: " + quoted_list(names) + ")"));
}

// Where an override lands: the existing node, or the deepest existing table and the keys below it.
struct Target {
  const toml::node* node = nullptr;
  const toml::table* table = nullptr;  // when node is null
  std::vector<std::string> rest;       // keys to create under `table`
  std::string canonical;               // the loader's form of the whole key
  bool all_tables = true;              // no array on the way (a root-level dotted key can reach it)
  std::vector<std::string> keys;       // every key from the root (when all_tables)
};

std::string join_key(const std::string& head, const std::string& key) { return head.empty() ? key : head + "." + key; }

Result<Target> resolve(const toml::table& root, const std::vector<Segment>& segs) {
  Target t;
  const toml::node* cur = &root;
  for (size_t i = 0; i < segs.size(); ++i) {
    if (const auto* arr = cur->as_array()) {
      ION_TRY_ASSIGN(const size_t k, element(*arr, segs[i], t.canonical));
      t.canonical += "[" + std::to_string(k) + "]";
      t.all_tables = false;
      cur = arr->get(k);
      continue;
    }
    const auto* tbl = cur->as_table();
    if (!tbl) return error(Errc::invalid_argument, t.canonical + " is a value, not a table");
    if (segs[i].index)
      return error(Errc::invalid_argument,
                   (t.canonical.empty() ? "the root" : t.canonical) + " is a table, not an array");
    const toml::node* child = tbl->get(segs[i].text);
    if (!child) {
      t.table = tbl;
      for (size_t j = i; j < segs.size(); ++j) {
        t.rest.push_back(segs[j].text);
        t.keys.push_back(segs[j].text);
        t.canonical = join_key(t.canonical, segs[j].text);
      }
      return t;
    }
    t.canonical = join_key(t.canonical, segs[i].text);
    t.keys.push_back(segs[i].text);
    cur = child;
  }
  t.node = cur;
  return t;
}

// Byte offset of a toml++ position (1-based line, 1-based column counted in code points).
size_t offset_of(std::string_view text, const toml::source_position& pos) {
  size_t off = 0;
  for (uint32_t line = 1; line < pos.line && off < text.size(); ++line) {
    const size_t nl = text.find('\n', off);
    off = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  for (uint32_t col = 1; col < pos.column && off < text.size(); ++col) {
    ++off;
    while (off < text.size() && (static_cast<unsigned char>(text[off]) & 0xC0) == 0x80) ++off;
  }
  return off;
}

// A key part as TOML writes it: bare if it can be, else a basic string.
std::string key_text(const std::string& k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (bare) return k;
  std::string q = "\"";
  for (char c : k) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return q + "\"";
}

std::string dotted(const std::vector<std::string>& keys) {
  std::string s;
  for (const auto& k : keys) s += (s.empty() ? "" : ".") + key_text(k);
  return s;
}

// Parses a TOML value on its own; the value must be one line and nothing else.
Result<toml::table> parse_value(const Override& o) {
  if (o.value.find_first_of("\r\n") != std::string::npos) return bad(o, "the value must be on one line");
  try {
    toml::table t = toml::parse("v = " + o.value + "\n", std::string_view("--set"));
    if (t.size() == 1 && t.contains("v")) return t;
  } catch (const toml::parse_error&) {
  }
  return bad(o, "not a TOML value (a number, true/false, \"text\", [..] or { .. })");
}

// The edit of `text` that sets the target: a replacement of the value's span or an insertion.
Result<std::string> splice(std::string_view text, const toml::table& root, const Target& t, const Override& o) {
  std::string out(text);
  if (t.node) {
    const size_t b = offset_of(text, t.node->source().begin), e = offset_of(text, t.node->source().end);
    return out.replace(b, e - b, o.value);
  }
  const std::string assignment = dotted(t.rest) + " = " + o.value;
  if (t.table->is_inline()) {
    const size_t close = offset_of(text, t.table->source().end) - 1;
    if (close >= text.size() || text[close] != '}') return bad(o, "cannot find the end of the inline table");
    return out.insert(close, t.table->empty() ? assignment + " " : ", " + assignment + " ");
  }
  const size_t head = offset_of(text, t.table->source().begin);
  if (t.table != &root && head < text.size() && text[head] == '[') {  // a [table] or [[array]] header
    const size_t nl = text.find('\n', head);
    return out.insert(nl == std::string_view::npos ? text.size() : nl + 1,
                      (nl == std::string_view::npos ? "\n" : "") + assignment + "\n");
  }
  // The root or a table only implied by headers such as [sites.x]: a dotted key before any header.
  if (!t.all_tables) return bad(o, "cannot add a key to " + t.canonical);
  return out.insert(0, dotted(t.keys) + " = " + o.value + "\n");
}

// The value the edited text holds at the key, as a one-key table comparable with parse_value's.
std::optional<toml::table> value_after(std::string_view edited, std::string_view name,
                                       const std::vector<Segment>& segs) {
  toml::table after = toml::parse(edited, name);
  auto t = resolve(after, segs);
  if (!t || !t->node) return std::nullopt;
  toml::table v;
  v.insert("v", *t->node);
  return v;
}

Result<std::string> apply_one(std::string_view text, std::string_view name, const Override& o, std::string& canonical) {
  ION_TRY_ASSIGN(const toml::table value, parse_value(o));
  auto segs = split_key(o.key);
  if (!segs) return segs.status().prefixed(where(o));
  try {
    const toml::table root = toml::parse(text, name);
    auto target = resolve(root, *segs);
    if (!target) return target.status().prefixed(where(o));
    ION_TRY_ASSIGN(std::string edited, splice(text, root, *target, o));
    // A check of the splice itself: the edited text must hold exactly this value at the key.
    auto after = value_after(edited, name, *segs);
    if (!after || *after != value) return bad(o, "the edit did not produce the value at " + target->canonical);
    canonical = target->canonical;
    return edited;
  } catch (const toml::parse_error& e) {
    return bad(o, "the edited file is not valid TOML: " + std::string(e.description()));
  }
}

bool is_under(const std::string& path, const std::string& key) {
  return path == key || (path.size() > key.size() && path.compare(0, key.size(), key) == 0 &&
                         (path[key.size()] == '.' || path[key.size()] == '['));
}

}  // namespace

Result<Override> parse_override(std::string_view arg) {
  const size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return error(Errc::invalid_argument, "--set " + std::string(arg) + ": expected KEY=VALUE, e.g. experiment.seed=3");
  Override o{std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1))};
  if (parse_value(o)) return o;
  std::string quoted = "\"";  // not a TOML value: the text itself, as a TOML basic string
  for (char c : o.value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  o.value = quoted + "\"";
  return o;
}

Result<EditedText> apply_overrides(std::string_view text, std::string_view name, const std::vector<Override>& sets) {
  EditedText out{std::string(text), {}};
  for (const auto& o : sets) {
    std::string canonical;
    ION_TRY_ASSIGN(out.text, apply_one(out.text, name, o, canonical));
    out.key_paths.push_back(canonical);
  }
  return out;
}

Result<Experiment> load_with_overrides(std::string_view text, std::string_view name, const std::vector<Override>& sets,
                                       Diagnostics* diags) {
  Diagnostics local;
  Diagnostics& out = diags ? *diags : local;
  auto plain = load_experiment_text(text, name, &out);
  if (!plain || sets.empty()) return plain;
  auto edited = apply_overrides(text, name, sets);
  if (!edited) {
    out.add({std::string(name), 0, 0, "", edited.status().message()});
    return edited.status();
  }
  Diagnostics found;
  auto e = load_experiment_text(edited->text, name, &found);
  if (e) return e;
  for (Diagnostic d : found) {
    for (size_t i = 0; i < sets.size(); ++i) {
      if (!is_under(d.key_path, edited->key_paths[i])) continue;
      d.file = "--set " + sets[i].key + "=" + sets[i].value;
      d.line = d.col = 0;
    }
    out.add(std::move(d));
  }
  return load_failure(out);
}

}  // namespace ion::experiment
