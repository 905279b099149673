// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers shared by the report model's parts (model*.cpp). Internal to ion_report.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "report/model.hpp"
#include "report/series.hpp"

namespace ion::report::model {

// Rounded for a compact document (printed to decimal and read back, so the JSON shows the short
// form): times in s to 1 µs, latencies in ms to 1 µs, other values to 6 significant digits.
// Non-finite → null.
inline Json printed(double v, const char* fmt) {
  if (!std::isfinite(v)) return nullptr;
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return std::strtod(buf, nullptr);
}
inline Json sec(Time t) { return printed(to_seconds(t), "%.6f"); }
inline Json ms(Duration d) { return printed(static_cast<double>(d) / 1e6, "%.3f"); }
inline Json num(double v) { return printed(v, "%.6g"); }
template <class T>
Json opt(const std::optional<T>& v) {
  return v ? num(static_cast<double>(*v)) : Json(nullptr);
}
inline Json opt_ms(const std::optional<Duration>& d) { return d ? ms(*d) : Json(nullptr); }
template <class T>
Json nums(const std::vector<std::optional<T>>& v) {
  Json a = Json::array();
  for (const auto& x : v) a.push_back(opt(x));
  return a;
}
inline Json grid_json(const TimeGrid& g) { return {{"start_s", sec(g.start_ns)}, {"step_s", sec(g.step_ns)}}; }

Json latency_json(const LatencyStats& l);
// Counts of `values_ns` in `bins` equal bins over [lo, hi] (ms). Always `bins` counts.
Json histogram_json(const std::vector<Duration>& values_ns, double lo_ms, double hi_ms, size_t bins);

// The parts of the model (model_*.cpp), each a top-level key.
struct Context {
  const record::MergedRecording& m;
  const experiment::Experiment& e;
  const Summary& s;
  const ReportLimits& lim;
  const SpikeTrains& trains;
  bool population = false;  // the large-network layout
  Time start_ns = 0, end_ns = 0;
};
Json neurons_json(const Context& c);
Json raster_json(const Context& c);
Json rates_json(const Context& c);
Json synapses_json(const Context& c);
Json synapse_groups_json(const Context& c);
Json response_json(const Context& c);
Json latency_section(const Context& c);
Json weights_json(const Context& c);
Json crossbars_json(const Context& c);
Json links_json(const Context& c);
Json clocks_json(const Context& c);
Json notes_json(const Context& c);

}  // namespace ion::report::model
