// SPDX-License-Identifier: Apache-2.0
#include "node/launch/bound_ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "experiment/endpoint.hpp"
#include "experiment/ports.hpp"

namespace ion::site {
namespace {

using experiment::Endpoint;

// A UDP socket bound to `a` at `port` (0: the kernel chooses); returns the fd and sets *bound.
Result<int> bind_udp(const Endpoint& a, uint16_t port, uint16_t* bound) {
  sockaddr_storage ss{};
  socklen_t len = a.v6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  auto* in = reinterpret_cast<sockaddr_in*>(&ss);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
  ss.ss_family = a.v6 ? AF_INET6 : AF_INET;
  const int parsed = a.v6 ? inet_pton(AF_INET6, a.host.c_str(), &in6->sin6_addr)
                          : inet_pton(AF_INET, a.host.c_str(), &in->sin_addr);
  if (parsed != 1) return error(Errc::invalid_argument, "not a numeric IP address: " + a.host);
  (a.v6 ? in6->sin6_port : in->sin_port) = htons(port);
  const int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return error(Errc::io_error, std::string("socket(): ") + std::strerror(errno));
  const int one = 1;
  // An IPv6 site socket never takes IPv4 traffic: a socket that cannot be made so is not handed out.
  if (a.v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
    const int err = errno;
    ::close(fd);
    return error(Errc::io_error, "IPV6_V6ONLY on " + experiment::endpoint_text(a, port) + ": " + std::strerror(err));
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    const int err = errno;
    ::close(fd);
    const std::string where = experiment::endpoint_text(a, port);
    if (err == EADDRINUSE) return error(Errc::already_exists, "address " + where + " already in use");
    if (err == EADDRNOTAVAIL)
      return error(Errc::unavailable, "address " + where + " is not an address of this machine");
    return error(Errc::io_error, "cannot bind " + where + ": " + std::strerror(err));
  }
  *bound = ntohs(a.v6 ? in6->sin6_port : in->sin_port);
  return fd;
}

// A kernel-chosen port that the experiment does not pin on that host.
Result<int> bind_free(const experiment::Experiment& e, const Endpoint& a, uint16_t* bound) {
  const auto taken = experiment::taken_on(e, a.host);
  for (int attempt = 0; attempt < kPortChoices; ++attempt) {
    ION_TRY_ASSIGN(int fd, bind_udp(a, 0, bound));
    if (!taken.count(*bound)) return fd;
    ::close(fd);
  }
  return error(Errc::unavailable, "no free port on " + a.host + " outside the experiment's pinned ports after " +
                                      std::to_string(kPortChoices) + " tries");
}

}  // namespace

void BoundPorts::close_all() {
  for (int& fd : fds_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

Result<BoundPorts> bind_auto_ports(experiment::Experiment& e, std::optional<long long> base_port) {
  std::vector<uint16_t> plan(e.sites.size(), 0);
  if (base_port) {
    ION_TRY_ASSIGN(plan, experiment::base_port_plan(e, *base_port));
  }
  BoundPorts ports(e.sites.size());
  for (size_t i = 0; i < e.sites.size(); ++i) {
    const Endpoint& a = e.sites[i].address;
    if (a.port != 0) continue;
    uint16_t bound = 0;
    Result<int> fd = plan[i] ? bind_udp(a, plan[i], &bound) : bind_free(e, a, &bound);
    if (!fd) return fd.status().prefixed("site " + e.sites[i].name + ": ");
    ports.set(static_cast<SiteId>(i), *fd);
    experiment::pin_port(e, static_cast<SiteId>(i), bound);
  }
  return ports;
}

}  // namespace ion::site
