// SPDX-License-Identifier: Apache-2.0
#include "toml_py.hpp"

#include <sstream>

namespace ion::python {
namespace py = pybind11;
namespace {

py::object node_to_python(const toml::node& n) {
  if (const auto* t = n.as_table()) return to_python(*t);
  if (const auto* a = n.as_array()) {
    py::list l;
    for (const auto& e : *a) l.append(node_to_python(e));
    return l;
  }
  if (const auto* s = n.as_string()) return py::str(s->get());
  if (const auto* i = n.as_integer()) return py::int_(i->get());
  if (const auto* f = n.as_floating_point()) return py::float_(f->get());
  if (const auto* b = n.as_boolean()) return py::bool_(b->get());
  std::ostringstream text;  // date, time, date-time
  n.visit([&](const auto& v) { text << v; });
  return py::str(text.str());
}

bool is_integer(py::handle v) { return !py::isinstance<py::bool_>(v) && PyIndex_Check(v.ptr()); }
bool is_float(py::handle v) {
  return PyFloat_Check(v.ptr()) || (py::hasattr(v, "__float__") && !py::isinstance<py::str>(v));
}

template <class Insert>
void add_value(py::handle v, const std::string& where, Insert&& insert);

toml::array to_array(const py::sequence& s, const std::string& where) {
  toml::array a;
  for (size_t i = 0; i < s.size(); ++i)
    add_value(s[i], where + "[" + std::to_string(i) + "]", [&](auto&& node) { a.push_back(std::move(node)); });
  return a;
}

toml::table to_table(const py::dict& d, const std::string& where) {
  toml::table t;
  for (auto [k, v] : d) {
    if (!py::isinstance<py::str>(k))
      throw py::type_error(where + ": keys must be str, got " + std::string(py::repr(k)));
    const std::string key = k.cast<std::string>();
    const std::string path = where.empty() ? key : where + "." + key;
    add_value(v, path, [&](auto&& node) { t.insert_or_assign(key, std::move(node)); });
  }
  return t;
}

template <class Insert>
void add_value(py::handle v, const std::string& where, Insert&& insert) {
  if (py::isinstance<py::bool_>(v)) return insert(toml::value<bool>(v.cast<bool>()));
  if (is_integer(v))
    return insert(toml::value<int64_t>(py::int_(py::reinterpret_borrow<py::object>(v)).cast<int64_t>()));
  if (py::isinstance<py::str>(v)) return insert(toml::value<std::string>(v.cast<std::string>()));
  if (is_float(v)) return insert(toml::value<double>(py::float_(py::reinterpret_borrow<py::object>(v)).cast<double>()));
  if (py::isinstance<py::dict>(v)) return insert(to_table(v.cast<py::dict>(), where));
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v))
    return insert(to_array(v.cast<py::sequence>(), where));
  throw py::type_error(where + ": cannot be written in TOML: " + std::string(py::repr(v)));
}

// Nested tables as inline tables, so the whole value prints on one line.
void make_inline(toml::node& n) {
  if (auto* t = n.as_table()) {
    t->is_inline(true);
    for (auto&& [k, v] : *t) make_inline(v);
  } else if (auto* a = n.as_array()) {
    for (auto& e : *a) make_inline(e);
  }
}

}  // namespace

py::dict to_python(const toml::table& t) {
  py::dict d;
  for (auto&& [k, v] : t) d[py::str(std::string(k.str()))] = node_to_python(v);
  return d;
}

toml::table to_toml(const py::dict& d) { return to_table(d, ""); }

std::string toml_literal(py::handle v) {
  toml::table holder;
  add_value(v, "value", [&](auto&& node) { holder.insert_or_assign("v", std::move(node)); });
  make_inline(*holder.get("v"));
  std::ostringstream out;
  out << toml::toml_formatter(holder, toml::format_flags::none);
  std::string s = out.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.substr(s.find('=') + 2);  // "v = VALUE"
}

}  // namespace ion::python
