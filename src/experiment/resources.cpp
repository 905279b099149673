// SPDX-License-Identifier: Apache-2.0
#include "experiment/resources.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "core/time.hpp"
#include "core/units.hpp"
#include "experiment/limits.hpp"

namespace ion::experiment {
namespace {

// A [[neurons]] or [[synapses]] entry: its members are contiguous and share `group`.
template <class T>
struct Entry {
  size_t index = 0;
  const T* first = nullptr;
  size_t count = 0;
};

template <class T>
std::vector<Entry<T>> entries_of(const std::vector<T>& items) {
  std::vector<Entry<T>> out;
  for (const auto& it : items) {
    if (out.empty() || out.back().first->group != it.group) out.push_back({out.size(), &it, 0});
    ++out.back().count;
  }
  return out;
}

std::string hz(double v) { return format_quantity(v, Dim::frequency); }
std::string secs(Duration d) { return format_duration(d); }

class Estimator {
 public:
  explicit Estimator(const Experiment& e) : e_(e) {}

  ResourceEstimate run() {
    for (const auto& s : e_.sites) sites_.emplace(s.name, &s);
    for (const auto& n : e_.neurons) neurons_.emplace(n.name, &n);
    for (const auto& entry : entries_of(e_.neurons)) neuron_entry(entry);
    for (const auto& entry : entries_of(e_.synapses)) synapse_entry(entry);
    for (const auto& [site, n] : spike_times_)
      if (n > out_.spike_times) out_.spike_times = n, out_.spike_times_site = site;
    std::stable_sort(out_.items.begin(), out_.items.end(),
                     [](const ResourceItem& a, const ResourceItem& b) { return a.events > b.events; });
    return std::move(out_);
  }

 private:
  void add(std::string path, const SourceLoc& loc, double events, std::string how) {
    out_.events += events;
    out_.items.push_back({std::move(path), loc, events, std::move(how)});
  }

  // Spikes of one member, pre-computed by its silicon site (drive and spontaneous firing).
  void silicon_entry(const Entry<Neuron>& en, const std::string& path) {
    const Neuron& n = *en.first;
    const Drive& d = n.drive;
    const double count = static_cast<double>(en.count);
    const std::string members = " × " + std::to_string(en.count) + " neuron(s)";
    double per_neuron = 0;
    if (d.kind == DriveKind::regular || d.kind == DriveKind::poisson) {
      const Duration window = std::max<Duration>(0, (d.stop_ns ? d.stop_ns : e_.duration_ns) - d.start_ns);
      per_neuron += d.rate_hz * to_seconds(window);
      add(path + ".drive.rate", d.loc, d.rate_hz * to_seconds(window) * count,
          hz(d.rate_hz) + " × " + secs(window) + members);
    }
    for (size_t j = 0; d.kind == DriveKind::schedule && j < d.phases.size(); ++j) {
      const RatePhase& p = d.phases[j];
      per_neuron += p.rate_hz * to_seconds(p.duration_ns);
      add(path + ".drive.phases[" + std::to_string(j) + "]", j < d.phase_locs.size() ? d.phase_locs[j] : d.loc,
          p.rate_hz * to_seconds(p.duration_ns) * count, hz(p.rate_hz) + " × " + secs(p.duration_ns) + members);
    }
    if (n.spontaneous_hz > 0) {
      per_neuron += n.spontaneous_hz * to_seconds(e_.duration_ns);
      add(path + ".spontaneous", n.spontaneous_loc, n.spontaneous_hz * to_seconds(e_.duration_ns) * count,
          hz(n.spontaneous_hz) + " × " + secs(e_.duration_ns) + members);
    }
    spike_times_[n.site] += per_neuron * count;
    set_spikes(en, per_neuron);
  }

  // A culture fires as a whole: every one of its source.neurons at the (shared) spontaneous rate.
  void culture_entry(const Entry<Neuron>& en, const std::string& path, const Site& site) {
    const Neuron& n = *en.first;
    const double per_neuron = n.spontaneous_hz * to_seconds(e_.duration_ns);
    set_spikes(en, per_neuron);
    if (!cultures_.insert(site.name).second || per_neuron <= 0) return;
    const int neurons = site.source->neurons;
    add(path + ".spontaneous", n.spontaneous_loc, per_neuron * neurons,
        hz(n.spontaneous_hz) + " × " + secs(e_.duration_ns) + " × " + std::to_string(neurons) + " culture neurons");
  }

  void neuron_entry(const Entry<Neuron>& en) {
    const std::string path = "neurons[" + std::to_string(en.index) + "]";
    const Site* site = lookup(sites_, en.first->site);
    if (!site) return;
    if (site->role == Role::silicon) silicon_entry(en, path);
    if (site->role == Role::bio && site->source && site->source->kind == SourceKind::culture)
      culture_entry(en, path, *site);
  }

  void set_spikes(const Entry<Neuron>& en, double per_neuron) {
    for (size_t i = 0; i < en.count; ++i) spikes_[(en.first + i)->name] = per_neuron;
  }

  double spikes_of(const std::string& neuron) const {
    auto it = spikes_.find(neuron);
    return it == spikes_.end() ? 0 : it->second;
  }

  // Every pre spike becomes one input recorded by the post site (and one stimulus record there if
  // it is a bio site); a plastic synapse may record a weight update per post spike.
  void synapse_entry(const Entry<Synapse>& en) {
    double inputs = 0, updates = 0;
    for (size_t i = 0; i < en.count; ++i) {
      const Synapse& s = *(en.first + i);
      const Neuron* post = lookup(neurons_, s.post);
      const Site* post_site = post ? lookup(sites_, post->site) : nullptr;
      inputs += spikes_of(s.pre) * (post_site && post_site->role == Role::bio ? 2 : 1);
      if (s.plasticity.rule != PlasticityRule::none) updates += spikes_of(s.post);
    }
    if (inputs + updates <= 0) return;
    add("synapses[" + std::to_string(en.index) + "]", en.first->loc, inputs + updates,
        "inputs and weight updates of " + std::to_string(en.count) + " synapse(s)");
  }

  // Linear lookups would make a large experiment quadratic (262 144 synapses × 300 000 neurons).
  template <class T>
  static const T* lookup(const std::map<std::string_view, const T*>& m, std::string_view name) {
    auto it = m.find(name);
    return it == m.end() ? nullptr : it->second;
  }

  const Experiment& e_;
  std::map<std::string_view, const Site*> sites_;
  std::map<std::string_view, const Neuron*> neurons_;
  ResourceEstimate out_;
  std::map<std::string, double> spikes_;       // expected spikes per neuron
  std::map<std::string, double> spike_times_;  // pre-computed spike times per silicon site
  std::set<std::string> cultures_;
};

}  // namespace

const ResourceItem* ResourceEstimate::main_source() const {
  for (const auto& item : items)
    if (item.key_path.rfind("neurons", 0) == 0) return &item;
  return items.empty() ? nullptr : &items.front();
}

double ResourceEstimate::log_bytes() const { return events * limits::kLogBytesPerEvent; }
double ResourceEstimate::memory_bytes() const {
  return std::max(events * limits::kMemoryBytesPerEvent, spike_times * double(sizeof(Time)));
}

ResourceEstimate estimate_resources(const Experiment& e) { return Estimator(e).run(); }

std::string format_count(double n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, n < 1e6 ? "%.0f" : "%.2g", n);
  return buf;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  size_t u = 0;
  while (bytes >= 1000 && u + 1 < std::size(units)) bytes /= 1000, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g %s", bytes, units[u]);
  return buf;
}

Status rescale_duration(Experiment& e, Duration total_ns) {
  if (total_ns < kMillisecond)
    return error(Errc::out_of_range, "must be at least 1ms, got " + format_duration(total_ns));
  Experiment scaled = e;
  scale_duration(scaled, total_ns);
  const std::string problem = resource_problem(estimate_resources(scaled));
  if (!problem.empty()) return error(Errc::out_of_range, problem);
  e = std::move(scaled);
  return Status::ok();
}

std::string resource_problem(const ResourceEstimate& r) {
  if (!(r.events > limits::kMaxEvents)) return "";  // also refuses NaN
  std::string s = "the run would record about " + format_count(r.events) + " events (" + format_bytes(r.log_bytes()) +
                  " of event logs, " + format_bytes(r.memory_bytes()) + " of memory";
  if (r.spike_times > 0)
    s += "; site " + r.spike_times_site + " pre-computes " + format_count(r.spike_times) + " spike times";
  s += "), expected at most " + format_count(limits::kMaxEvents) + " events per run";
  if (const ResourceItem* top = r.main_source()) s += "; the largest source: " + top->how;
  return s;
}

}  // namespace ion::experiment
