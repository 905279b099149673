// SPDX-License-Identifier: Apache-2.0
#include "dashboard/live_source.hpp"

#include <fstream>
#include <iterator>

#include "node/status.hpp"
#include "report/analysis.hpp"

namespace ion::dashboard {
namespace {

std::vector<std::string> log_paths(const std::string& out, const std::vector<std::string>& sites) {
  std::vector<std::string> v;
  for (const auto& s : sites) v.push_back(out + "/" + s + ".ionlog");
  return v;
}

}  // namespace

bool process_ended(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return true;
  const char state = stat[close + 2];
  return state == 'Z' || state == 'X' || state == 'x';
}

Json live_model(const record::MergedRecording& m, const experiment::Experiment& e) {
  report::AnalysisOptions o;
  o.outcome = record::RunOutcome{record::RunStatus::incomplete, std::nullopt, "running"};
  o.live = true;  // the newest rate bin is still filling: left out, not drawn as a dip
  report::Summary s = report::summarize(m, e, o);
  // While the run goes, no site has written its end-of-run note yet: that is not worth a warning.
  std::erase_if(s.warnings,
                [](const std::string& w) { return w.find("wrote no end-of-run note") != std::string::npos; });
  Json j = report::report_model(m, e, s);
  j["run"]["status"] = "running";
  j["run"]["status_text"] = "running";
  return j;
}

LogTailSource::LogTailSource(const experiment::Experiment& e, const std::string& out, std::vector<std::string> sites)
    : e_(e), out_(out), sites_(std::move(sites)), merge_(log_paths(out, sites_)) {}

void LogTailSource::set_pid(const std::string& site, int pid) { pids_[site] = pid; }

void LogTailSource::check_process(const std::string& site, int pid) {
  if (!watch_processes_ || pid <= 0 || down_[site] || !process_ended(pid)) return;
  down_[site] = true;
  alarms_.push_back(site + " down");
}

// The site's status file (node/status.hpp); a missing, torn or foreign one shows "starting".
Json LogTailSource::site_json(const std::string& site) {
  const site::NodeStatus st = site::read_status_or_starting(real_storage(), out_ + "/" + site + ".status", site);
  Json j = Json::parse(site::status_to_json(st), nullptr, false);
  if (!j.is_object()) j = Json{{"site", site}, {"state", "starting"}};  // never: status_to_json writes an object
  if (st.pid > 0 && !pids_.count(site)) pids_[site] = static_cast<int>(st.pid);
  if (auto it = pids_.find(site); it != pids_.end()) check_process(site, it->second);
  j["down"] = down_[site];
  return j;
}

LiveSnapshot LogTailSource::poll(bool want_model) {
  LiveSnapshot s;
  records_ += merge_.poll();
  s.problem = merge_.problem();
  for (const auto& site : sites_) s.sites.push_back(site_json(site));
  if (want_model && (!modelled_ || records_ != modelled_records_)) {
    s.model = live_model(merge_.snapshot(), e_);
    modelled_ = true;
    modelled_records_ = records_;
  }
  s.alarms = alarms_;
  s.records = records_;
  return s;
}

}  // namespace ion::dashboard
