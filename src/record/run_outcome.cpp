// SPDX-License-Identifier: Apache-2.0
#include "record/run_outcome.hpp"

#include <algorithm>

namespace ion::record {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

constexpr const char* kAtTime = " at experiment time ";
constexpr const char* kUnsynced = " before clock synchronisation";

// One site's final note: what it says and when (`dated`: t is experiment time).
struct SiteEnd {
  RunStatus status = RunStatus::incomplete;
  Time t = 0;
  std::string why;
  bool dated = true;
};

SiteEnd site_end(const MergedRecording& m, const SiteRow& site) {
  SiteEnd end{RunStatus::incomplete, 0, "site " + site.name + "'s log ends without a final note (killed or crashed)",
              false};
  const std::string done = "site " + site.name + " done:", stopped = "site " + site.name + " interrupted by ";
  for (const auto& n : m.notes) {
    if (n.site != site.id || n.kind != static_cast<uint16_t>(NoteKind::text)) continue;
    if (starts_with(n.text, done)) end = {RunStatus::complete, n.t, "", true};
    if (starts_with(n.text, stopped)) {
      size_t at = n.text.find(kAtTime, stopped.size());
      end = {RunStatus::interrupted, n.t, "", at != std::string::npos};
      if (at == std::string::npos) at = n.text.find(kUnsynced, stopped.size());
      end.why = n.text.substr(stopped.size(), at - stopped.size());
    }
    if (starts_with(n.text, "failed: ")) end = {RunStatus::incomplete, n.t, "site " + site.name + " " + n.text, false};
  }
  return end;
}

// Experiment time for people: to the millisecond ("3.026s").
std::string at_ms(Time t) {
  const Time half = t >= 0 ? kMillisecond / 2 : -kMillisecond / 2;
  return format_duration((t + half) / kMillisecond * kMillisecond);
}

}  // namespace

const char* run_status_name(RunStatus s) {
  switch (s) {
    case RunStatus::complete:
      return "complete";
    case RunStatus::interrupted:
      return "interrupted";
    case RunStatus::incomplete:
      return "incomplete";
  }
  return "?";
}

std::string describe(const RunOutcome& o) {
  std::string s = run_status_name(o.status);
  if (o.status == RunStatus::complete) return s;
  if (o.ended_at_ns) s += " at " + at_ms(*o.ended_at_ns);
  if (o.detail.empty()) return s;
  return o.status == RunStatus::interrupted ? s + " (" + o.detail + ")" : s + ": " + o.detail;
}

RunOutcome outcome_from_notes(const MergedRecording& m) {
  RunOutcome out;
  std::optional<Time> first_stop, last_done;
  for (const auto& site : m.sites) {
    const SiteEnd end = site_end(m, site);
    if (end.status == RunStatus::complete) {
      last_done = std::max(last_done.value_or(end.t), end.t);
      continue;
    }
    if (end.status > out.status) out.detail = end.why;  // the worst outcome explains the run
    out.status = std::max(out.status, end.status);
    if (end.status == RunStatus::interrupted && end.dated) first_stop = std::min(first_stop.value_or(end.t), end.t);
  }
  out.ended_at_ns = out.status == RunStatus::complete ? last_done : first_stop;
  return out;
}

std::string interrupted_note(const std::string& site, const std::string& why, std::optional<Time> t) {
  return "site " + site + " interrupted by " + why + (t ? kAtTime + format_duration(*t) : std::string(kUnsynced));
}

}  // namespace ion::record
