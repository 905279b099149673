// SPDX-License-Identifier: Apache-2.0
#pragma once
// Where a dashboard's data comes from. LogTailSource follows what a run or a node already writes
// — the sites' event logs (flushed every 100 ms, read by record::LiveMerge) and their
// `<site>.status` files — so watching adds no work on the spike path (docs/dashboard.md).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "experiment/model.hpp"
#include "record/log_tail.hpp"
#include "report/model.hpp"

namespace ion::dashboard {

using Json = report::Json;

struct LiveSnapshot {
  std::optional<Json> model;        // the report model (report/model.hpp), when recomputed
  Json sites = Json::array();       // per site: its NodeStatus (node/status.hpp) as JSON, and "down"
  std::vector<std::string> alarms;  // "<site> down", ...; once raised, kept
  uint64_t records = 0;             // records read from the logs so far
  std::string problem;              // a log that cannot be read ("" when all read cleanly)
};

class LiveSource {
 public:
  virtual ~LiveSource() = default;
  // Reads what is new. The model is recomputed only when `want_model` and something changed.
  virtual LiveSnapshot poll(bool want_model) = 0;
};

// Sites whose process must be alive: from the runner (pid per site) or a status file's pid.
class LogTailSource : public LiveSource {
 public:
  LogTailSource(const experiment::Experiment& e, const std::string& out, std::vector<std::string> sites);
  LiveSnapshot poll(bool want_model) override;
  // The process running `site` (a site whose process has ended is then reported down).
  void set_pid(const std::string& site, int pid);
  // Stops raising "down" alarms (the run is ending: its sites stop one by one on purpose).
  void stop_watching_processes() { watch_processes_ = false; }

 private:
  Json site_json(const std::string& site);
  void check_process(const std::string& site, int pid);

  const experiment::Experiment& e_;
  std::string out_;
  std::vector<std::string> sites_;
  record::LiveMerge merge_;
  std::map<std::string, int> pids_;
  std::vector<std::string> alarms_;
  std::map<std::string, bool> down_;
  uint64_t records_ = 0, modelled_records_ = 0;
  bool modelled_ = false, watch_processes_ = true;
};

// The live report model of a recording so far: report_model with run.status "running".
Json live_model(const record::MergedRecording& m, const experiment::Experiment& e);

// Whether process `pid` has ended (gone, or a zombie not yet reaped by its parent).
bool process_ended(int pid);

}  // namespace ion::dashboard
