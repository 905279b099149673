// SPDX-License-Identifier: Apache-2.0
#pragma once
// MonitorFeed: the copies of one site's records for one monitor (docs/protocol.md §3.3). The node
// hands it every record it writes to its log (copy(): encode and append, never blocks, never
// waits for the network); every 100 ms service() sends what a token bucket allows as status
// messages. The bucket refills at the monitor's max_record_rate and holds at most 0.2 s of it;
// the buffer holds at most as many records as the bucket. A record that finds the buffer full is
// dropped and counted, as is what is still buffered when the site ends; nothing is ever delayed
// on the spike path. While the monitor is absent (its epoch unknown) records wait in the buffer.
#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "link/link.hpp"
#include "record/records.hpp"

namespace ion::site {

inline constexpr Duration kMonitorBatchInterval = 100 * kMillisecond;
inline constexpr Duration kMonitorBucketDepth = 200 * kMillisecond;

struct MonitorFeedCounters {
  uint64_t copied = 0;    // records accepted into the buffer
  uint64_t sent = 0;      // records handed to the link in status messages
  uint64_t dropped = 0;   // buffer full (over the rate, or the monitor absent), or left at the end
  uint64_t oversize = 0;  // a record too large for one datagram (long notes): never sent
};

class MonitorFeed {
 public:
  // REQUIRES: rate_hz >= 1.
  MonitorFeed(SiteId monitor, std::string name, double rate_hz, Time now_local);

  void copy(const record::Record& r);
  // Sends up to the bucket's tokens when a batch is due (or now, with final). With final, what
  // is left afterwards is counted as dropped.
  void service(link::Link& link, Time now_local, bool final);

  SiteId monitor() const { return monitor_; }
  const std::string& name() const { return name_; }
  const MonitorFeedCounters& counters() const { return c_; }
  size_t buffered() const { return count_; }
  // "monitor NAME: copied=… sent=… dropped=… oversize=… (rate limit R/s)" for the site's log.
  std::string describe() const;

 private:
  void refill(Time now_local);
  void send(link::Link& link, size_t n);

  SiteId monitor_;
  std::string name_;
  double rate_hz_;
  double capacity_;  // tokens and buffered records at most
  double tokens_;
  Time refilled_at_ns_;
  Time next_batch_ns_;
  std::vector<uint8_t> framed_;  // (u16 kind, u16 length, payload) per buffered record
  std::vector<uint8_t> scratch_;
  std::vector<wire::CopyView> views_;
  size_t count_ = 0;
  MonitorFeedCounters c_;
};

}  // namespace ion::site
