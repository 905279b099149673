// SPDX-License-Identifier: Apache-2.0
#pragma once
// Raw-UDP helpers shared by the benchmarks' baselines (`ion bench link`, `ion bench hub`):
// plain POSIX sockets, no Env, no framing. IPv4 only (the benchmarks bind loopback).
#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::link::bench::udp {

// host:port as an IPv4 socket address; an unparsable host leaves the address zero.
sockaddr_in make_addr(const std::string& host, uint16_t port);
// A UDP socket bound to host:port (0: any free port) with 4 MiB buffers (as RealEnv requests).
// -1 on failure, including an unparsable host; the caller owns (closes) the fd.
int bound_socket(const std::string& host, uint16_t port);
// The local port an open socket is bound to.
uint16_t port_of(int fd);
// A currently free UDP port on host (bound, read back, closed). `who` prefixes the error message.
Result<uint16_t> free_port(const std::string& host, std::string_view who);
// CLOCK_MONOTONIC, ns.
Time mono_now();

}  // namespace ion::link::bench::udp
