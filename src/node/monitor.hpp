// SPDX-License-Identifier: Apache-2.0
#pragma once
// MonitorNode: the receive-only participant of an experiment (docs/protocol.md §3.3,
// docs/architecture.md "Monitor"). It peers with every site under its own keys, sends nothing but
// the handshake, heartbeats and a goodbye, and writes the copies each site sends it as that site's
// event log in its own directory, `<out>/<site>.ionlog`, in the normal log format (so `ion report`,
// `ion inspect` and log tailing read it unchanged). Each log starts with the experiment's
// description notes (as a site's does) and a note saying it is a monitor's copy.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "env/env.hpp"
#include "experiment/model.hpp"
#include "link/link.hpp"
#include "node/node.hpp"
#include "node/status.hpp"
#include "record/log_writer.hpp"

namespace ion::site {

struct MonitorOptions {
  std::string out_dir = ".";
  KeyProvider keys;     // required unless the links are insecure
  std::string key_dir;  // for messages; "" = derived keys
  uint64_t epoch = 0;   // 0: wire::clock_epoch()
  bool aes_ni = false;  // may the links use AES-256-GCM (as NodeOptions::aes_ni)
  // Optional: lines worth printing (a site up / gone, copies that could not be decoded).
  std::function<void(const std::string&)> on_warning;
};

struct MonitorCounters {
  uint64_t records = 0;      // copies written to the logs
  uint64_t undecodable = 0;  // copies whose payload the log decoder refused (counted, not written)
  uint64_t events = 0;       // events datagrams' records from sites (sites send none; ignored)
};

class MonitorNode {
 public:
  static Result<std::unique_ptr<MonitorNode>> create(const experiment::Experiment& e, const std::string& monitor,
                                                     Env& env, MonitorOptions opt);
  ~MonitorNode();
  MonitorNode(const MonitorNode&) = delete;
  MonitorNode& operator=(const MonitorNode&) = delete;

  // Goodbye to the sites, then flushes, syncs and closes every log. The first failure names the
  // file. Idempotent.
  Status close();
  // Every site has been heard and has since said goodbye or gone silent: the run is over.
  bool sites_gone() const;
  const MonitorCounters& counters() const { return counters_; }
  const link::Link& link() const { return *link_; }
  // Log path of a site's copy.
  std::string log_path(const std::string& site) const { return opt_.out_dir + "/" + site + ".ionlog"; }

  // What the monitor knows of a site, as a NodeStatus (docs/recording.md §8) for the dashboard:
  // state `waiting` (never heard), `running` (its link is up) or `silent` (heard, then said goodbye
  // or stopped answering: a monitor cannot tell which); t_ns the latest experiment time of its
  // copies (null before one), spikes its copied spikes, links the monitor's link to it; pid 0
  // (the monitor does not know the site's process), no rates, synapses or interlock.
  NodeStatus site_status(const experiment::Site& s) const;
  // Writes <out>/<site>.status for every site (atomically, no fsync); the first failure.
  Status write_site_statuses();

 private:
  MonitorNode(const experiment::Experiment& e, const experiment::Monitor& m, Env& env, MonitorOptions opt);
  Status open_logs();
  Status open_link();
  Result<link::PeerSpec> site_spec(const experiment::Site& s);
  void on_copies(SiteId from, std::span<const uint8_t> copies);
  void note(const std::string& text);

  const experiment::Experiment& exp_;
  const experiment::Monitor& self_;
  Env& env_;
  MonitorOptions opt_;
  uint64_t epoch_ = 0;
  std::vector<std::unique_ptr<record::LogWriter>> logs_;  // by site id
  Status log_failure_;
  std::unique_ptr<link::Link> link_;
  MonitorCounters counters_;
  struct Seen {
    uint64_t spikes = 0;
    std::optional<Time> t_ns;
  };
  std::vector<Seen> seen_;  // by site id: from the copies
  bool closed_ = false;
};

}  // namespace ion::site
