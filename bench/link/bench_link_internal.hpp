// SPDX-License-Identifier: Apache-2.0
#pragma once
// Pieces of `ion bench link` shared by its two source files: the control channel between the
// sender (parent) and the receiver (forked child), and the phase bodies.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/link/bench_link.hpp"
#include "bench/link/bench_udp.hpp"
#include "wire/crypto.hpp"

namespace ion::link::bench::detail {

// Control message: 12 words over a pipe between two halves of the same binary.
using Words = std::array<uint64_t, 12>;
enum Phase : uint64_t { kQuit = 0, kIonThroughput = 1, kRawThroughput = 2, kIonLatency = 3, kRawLatency = 4 };

bool write_words(int fd, const Words& w);
// Waits at most timeout_ms; nullopt on timeout, EOF or error.
std::optional<Words> read_words(int fd, int timeout_ms);
using udp::mono_now;
// CPU time of this process (all threads), ns.
Time cpu_now();
// A currently free UDP port on host (bound, read back, closed).
Result<uint16_t> free_port(const std::string& host);

struct Percentiles {
  int64_t p50 = 0, p99 = 0, p999 = 0, max = 0;
};
Percentiles percentiles(std::vector<int64_t>& samples);

// ---- receiver side (child); each answers "ready" on out, then runs until a byte on in ----
// Command words: [phase, child_port, parent_port, datagram_bytes, ...]. Result words per phase.
Words receive_ion(const BenchLinkConfig& cfg, const wire::Psk& psk, const Words& cmd, int in, int out);
Words receive_raw(const BenchLinkConfig& cfg, const Words& cmd, int in, int out);

// ---- sender side (parent) ----
// Returns [sent_datagrams, sent_events, sender CPU ns, datagrams sent in GSO messages, GSO refused]
// or an error.
Result<Words> send_ion(const BenchLinkConfig& cfg, const wire::Psk& psk, uint16_t self_port, uint16_t peer_port,
                       bool latency);
// Raw sender: saturating sendmmsg of `bytes`-byte datagrams, the same grouped into UDP_SEGMENT
// messages (r[3] = 1: the kernel refused it), or paced single sends carrying send time and seq.
enum class RawMode { saturate, gso, paced };
Result<Words> send_raw(const BenchLinkConfig& cfg, uint16_t peer_port, size_t bytes, RawMode mode);

}  // namespace ion::link::bench::detail
