// SPDX-License-Identifier: Apache-2.0
#include "node/status.hpp"

#include <nlohmann/json.hpp>

namespace ion::site {
namespace {

using Json = nlohmann::ordered_json;

template <class T>
Json or_null(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json synapse_json(const SynapseStatus& s) {
  return Json{{"name", s.name},
              {"weight", or_null(s.weight)},
              {"resistance_ohm", or_null(s.resistance_ohm)},
              {"ltp", s.ltp},
              {"ltd", s.ltd}};
}

Json link_json(const LinkHealth& l) {
  return Json{{"peer", l.peer}, {"up", l.up},         {"lost", l.lost},
              {"loss", l.loss}, {"rtt_ns", l.rtt_ns}, {"clock_offset_ns", l.clock_offset_ns}};
}

Json monitor_json(const MonitorHealth& m) {
  return Json{{"name", m.name}, {"up", m.up}, {"sent", m.sent}, {"dropped", m.dropped}, {"oversize", m.oversize}};
}

Json interlock_json(const std::optional<InterlockStatus>& i) {
  if (!i) return nullptr;
  return Json{{"ok", i->ok}, {"clamped", i->clamped}, {"refused", i->refused}};
}

// Reads typed fields out of a parsed status, keeping the first problem with its key path.
class Fields {
 public:
  Fields(const Json& j, std::string path) : j_(j), path_(std::move(path)) {}

  const Json* at(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end()) return fail(key, "missing"), nullptr;
    return &*it;
  }
  template <class T>
  void get(const char* key, T& out) {
    if (const Json* v = at(key)) take(key, *v, out);
  }
  template <class T>
  void get(const char* key, std::optional<T>& out) {
    const Json* v = at(key);
    if (v == nullptr || v->is_null()) return out.reset();
    T x{};
    if (take(key, *v, x)) out = std::move(x);
  }
  std::string path(const char* key) const { return path_ + "." + key; }
  void fail(const char* key, const std::string& what) {
    if (problem_.empty()) problem_ = path(key) + ": " + what;
  }
  void fail_here(const std::string& problem) {
    if (problem_.empty()) problem_ = problem;
  }
  const std::string& problem() const { return problem_; }

 private:
  bool take(const char* key, const Json& v, std::string& out) { return check(key, v.is_string(), "a string", v, out); }
  bool take(const char* key, const Json& v, bool& out) { return check(key, v.is_boolean(), "true or false", v, out); }
  bool take(const char* key, const Json& v, double& out) { return check(key, v.is_number(), "a number", v, out); }
  bool take(const char* key, const Json& v, uint64_t& out) {
    return check(key, v.is_number_unsigned(), "an unsigned integer", v, out);
  }
  bool take(const char* key, const Json& v, int64_t& out) {
    const bool fits = v.is_number_integer() && (!v.is_number_unsigned() || v.get<uint64_t>() <= INT64_MAX);
    return check(key, fits, "an integer", v, out);
  }
  template <class T>
  bool check(const char* key, bool ok, const char* expected, const Json& v, T& out) {
    if (!ok) return fail(key, std::string("expected ") + expected + ", found " + v.type_name()), false;
    out = v.get<T>();
    return true;
  }

  const Json& j_;
  std::string path_;
  std::string problem_;
};

// Each element of the array `key` through `read(Fields&, T&)`; a non-object element is a problem.
// An optional list may be absent (a key added later: older writers leave it out).
template <class T, class Read>
void get_list(Fields& f, const char* key, std::vector<T>& out, Read read, const Json& j, bool optional = false) {
  if (optional && !j.contains(key)) return;
  const Json* a = f.at(key);
  if (a == nullptr) return;
  if (!a->is_array()) return f.fail(key, std::string("expected an array, found ") + a->type_name());
  for (size_t i = 0; i < a->size(); ++i) {
    const std::string path = f.path(key) + "[" + std::to_string(i) + "]";
    if (!(*a)[i].is_object()) return f.fail_here(path + ": expected an object");
    Fields g((*a)[i], path);
    read(g, out.emplace_back());
    if (!g.problem().empty()) return f.fail_here(g.problem());
  }
}

void read_neuron(Fields& f, NeuronRate& n) {
  f.get("name", n.name);
  f.get("rate_hz", n.rate_hz);
}

void read_synapse(Fields& f, SynapseStatus& s) {
  f.get("name", s.name);
  f.get("weight", s.weight);
  f.get("resistance_ohm", s.resistance_ohm);
  f.get("ltp", s.ltp);
  f.get("ltd", s.ltd);
}

void read_link(Fields& f, LinkHealth& l) {
  f.get("peer", l.peer);
  f.get("up", l.up);
  f.get("lost", l.lost);
  f.get("loss", l.loss);
  f.get("rtt_ns", l.rtt_ns);
  f.get("clock_offset_ns", l.clock_offset_ns);
}

void read_monitor(Fields& f, MonitorHealth& m) {
  f.get("name", m.name);
  f.get("up", m.up);
  f.get("sent", m.sent);
  f.get("dropped", m.dropped);
  f.get("oversize", m.oversize);
}

void read_interlock(Fields& f, std::optional<InterlockStatus>& out) {
  const Json* v = f.at("interlock");
  if (v == nullptr || v->is_null()) return;
  if (!v->is_object()) return f.fail("interlock", "expected an object or null");
  Fields g(*v, f.path("interlock"));
  InterlockStatus i;
  g.get("ok", i.ok);
  g.get("clamped", i.clamped);
  g.get("refused", i.refused);
  if (!g.problem().empty()) return f.fail_here(g.problem());
  out = i;
}

void read_fields(Fields& f, const Json& j, NodeStatus& s) {
  f.get("site", s.site);
  f.get("role", s.role);
  f.get("state", s.state);
  f.get("pid", s.pid);
  f.get("t_ns", s.t_ns);
  f.get("duration_ns", s.duration_ns);
  f.get("spikes", s.spikes);
  get_list(f, "neurons", s.neurons, read_neuron, j);
  get_list(f, "synapses", s.synapses, read_synapse, j);
  read_interlock(f, s.interlock);
  get_list(f, "links", s.links, read_link, j);
  get_list(f, "monitors", s.monitors, read_monitor, j, true);
  f.get("failure", s.failure);
}

int64_t second_of(Time t) { return t >= 0 ? t / kSecond : -((kSecond - 1 - t) / kSecond); }

}  // namespace

void RecentRate::add(Time spike_t) {
  const int64_t s = second_of(spike_t);
  if (s == second_) {
    ++current_;
  } else if (s > second_) {
    previous_ = s == second_ + 1 ? current_ : 0;
    current_ = 1;
    second_ = s;
  } else if (s == second_ - 1) {
    ++previous_;  // a spike delivered after a later one
  }
}

double RecentRate::rate_hz(Time now) const {
  const int64_t s = second_of(now);
  const double window_s = 1.0 + to_seconds(now - s * kSecond);  // the previous second and this one so far
  if (s == second_) return static_cast<double>(previous_ + current_) / window_s;
  if (s == second_ + 1) return static_cast<double>(current_) / window_s;
  return 0;
}

LinkHealth link_health(const std::string& peer, const LinkStats& s) {
  const uint64_t expected = s.received + s.lost;
  const double loss = expected == 0 ? 0 : static_cast<double>(s.lost) / static_cast<double>(expected);
  return LinkHealth{peer, s.peer_up, s.lost, loss, s.rtt_ns, s.clock_offset_ns};
}

NodeStatus starting_status(std::string site) {
  NodeStatus s;
  s.site = std::move(site);
  s.state = "starting";
  return s;
}

std::string status_to_json(const NodeStatus& s) {
  Json neurons = Json::array(), synapses = Json::array(), links = Json::array();
  for (const auto& n : s.neurons) neurons.push_back(Json{{"name", n.name}, {"rate_hz", n.rate_hz}});
  for (const auto& y : s.synapses) synapses.push_back(synapse_json(y));
  for (const auto& l : s.links) links.push_back(link_json(l));
  Json j{{"format_version", kStatusFormatVersion},
         {"site", s.site},
         {"role", s.role},
         {"state", s.state},
         {"pid", s.pid},
         {"t_ns", or_null(s.t_ns)},
         {"duration_ns", s.duration_ns},
         {"spikes", s.spikes},
         {"neurons", std::move(neurons)},
         {"synapses", std::move(synapses)},
         {"interlock", interlock_json(s.interlock)},
         {"links", std::move(links)},
         {"failure", or_null(s.failure)}};
  if (!s.monitors.empty()) {  // only when the experiment declares monitors: other files stay as they were
    Json monitors = Json::array();
    for (const auto& m : s.monitors) monitors.push_back(monitor_json(m));
    j["monitors"] = std::move(monitors);
  }
  // Names come from the experiment file, which is UTF-8; replace rather than throw on bad bytes.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<NodeStatus> status_from_json(std::string_view text) {
  const Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return error(Errc::invalid_argument, "status: not JSON (empty, torn or garbage)");
  if (!j.is_object()) return error(Errc::invalid_argument, "status: expected a JSON object");
  Fields f(j, "status");
  int64_t version = 0;
  f.get("format_version", version);
  if (f.problem().empty() && version != kStatusFormatVersion)
    return error(Errc::invalid_argument, "status: format_version " + std::to_string(version) + ", this ion reads " +
                                             std::to_string(kStatusFormatVersion));
  NodeStatus s;
  read_fields(f, j, s);
  if (!f.problem().empty()) return error(Errc::invalid_argument, f.problem());
  return s;
}

Result<NodeStatus> read_status_file(Storage& storage, const std::string& path) {
  ION_TRY_ASSIGN(auto text, storage.read_file(path, 1 << 20));
  auto s = status_from_json(text);
  if (!s) return s.status().prefixed(path + ": ");
  return s;
}

NodeStatus read_status_or_starting(Storage& storage, const std::string& path, const std::string& site) {
  auto s = read_status_file(storage, path);
  return s ? std::move(*s) : starting_status(site);
}

Status write_status_file(Storage& storage, const std::string& path, const NodeStatus& s) {
  const std::string text = status_to_json(s);
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  return storage.write_file_atomic(path, {p, text.size()}, 0644, Sync::none);
}

}  // namespace ion::site
