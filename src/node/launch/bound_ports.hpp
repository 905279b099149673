// SPDX-License-Identifier: Apache-2.0
#pragma once
// `ion run` in real time chooses the ports of sites whose address has none (docs/experiment.md):
// it binds one UDP socket per such site itself and hands the bound socket to the site's process
// (`ion node --socket-fd N`). The port is never released between choosing and using it, so two
// runs on one machine cannot take the same port (no pick-then-bind race).
#include <optional>
#include <vector>

#include "core/status.hpp"
#include "experiment/model.hpp"

namespace ion::site {

// The sockets bound for a run's auto sites, one slot per site (-1: the site pins its port and
// its process binds it). Closes what it still holds.
class BoundPorts {
 public:
  BoundPorts() = default;
  explicit BoundPorts(size_t sites) : fds_(sites, -1) {}
  BoundPorts(BoundPorts&& o) noexcept : fds_(std::move(o.fds_)) { o.fds_.clear(); }
  BoundPorts& operator=(BoundPorts&&) = delete;
  BoundPorts(const BoundPorts&) = delete;
  ~BoundPorts() { close_all(); }

  int fd(SiteId site) const { return site < fds_.size() ? fds_[site] : -1; }
  void set(SiteId site, int fd) { fds_[site] = fd; }
  void close_all();

 private:
  std::vector<int> fds_;
};

// How many times a kernel-chosen port is chosen again when it is one the experiment pins on that
// host (a pinned site or the legacy bridge binds later, in its own process).
inline constexpr int kPortChoices = 16;

// Binds a socket for every auto site of `e` — port base_port + i for site i with --base-port,
// else a free port chosen by the kernel — and pins those ports in `e` (address.port and .text).
// Errors name the site and the address (e.g. "address 127.0.0.1:40001 already in use").
Result<BoundPorts> bind_auto_ports(experiment::Experiment& e, std::optional<long long> base_port);

}  // namespace ion::site
