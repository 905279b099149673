// SPDX-License-Identifier: Apache-2.0
#pragma once
// `ion bench link`: one authenticated Link between two processes over loopback, measured in the
// same run against a raw-UDP baseline (sendmmsg/recvmmsg of datagrams of exactly the sizes the
// ion phase produced). The calling process forks a receiver child (no exec); both share
// CLOCK_MONOTONIC, so one-way latency = receiver's now() − the send time carried in the event
// (ion) or the payload (raw). Every phase is bounded in count and time.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.hpp"
#include "core/time.hpp"

namespace ion::link::bench {

struct BenchLinkConfig {
  Duration throughput_ns = 2 * kSecond;  // sending time of each throughput phase
  Duration latency_ns = 2 * kSecond;     // sending time of each latency phase
  double rate_hz = 10000;                // offered event rate of the latency phases
  size_t burst_events = 4096;            // ion throughput: events pushed per loop iteration
  std::string host = "127.0.0.1";        // loopback address both ends bind
  uint8_t aead_offer = 0x01;             // both ends' AEAD offer (wire::Aead bits) in the ion phases
  uint8_t second_offer = 0;              // non-zero: one more ion throughput phase with this offer
};

// What the receiver saw in one throughput phase.
struct Throughput {
  uint64_t datagrams = 0;       // received
  uint64_t events = 0;          // received payload events
  uint64_t bytes = 0;           // received datagram bytes
  uint64_t sent_datagrams = 0;  // by the sender
  uint64_t sent_events = 0;
  double span_s = 0;          // receiver: first to last datagram
  double sender_cpu_s = 0;    // CPU time of the sending process while it sent
  double receiver_cpu_s = 0;  // CPU time of the receiving process over the phase
  // Events per CPU second of each side: what one unshared core per process would sustain.
  double events_per_sender_cpu_s() const { return sender_cpu_s > 0 ? sent_events / sender_cpu_s : 0; }
  double events_per_receiver_cpu_s() const { return receiver_cpu_s > 0 ? events / receiver_cpu_s : 0; }
  double datagrams_per_s() const { return span_s > 0 ? datagrams / span_s : 0; }
  double events_per_s() const { return span_s > 0 ? events / span_s : 0; }
  double mean_bytes() const { return datagrams ? double(bytes) / datagrams : 0; }
};

struct Latency {
  uint64_t samples = 0;
  uint64_t sent = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
  double mean_bytes = 0;  // datagram size
  // ion only, p50 of each segment: event time → header send time (sender loop, encode, seal),
  // send time → kernel receive stamp (syscalls, loopback), stamp → handler (wake, open, decode).
  double queue_p50_us = 0, wire_p50_us = 0, deliver_p50_us = 0;
};

struct BenchLinkResult {
  Throughput raw, ion;
  Throughput raw_gso;  // raw UDP, the same datagrams sent as UDP_SEGMENT messages (as RealEnv does)
  bool raw_gso_refused = false;
  uint64_t ion_gso_datagrams = 0, ion_gso_refused = 0;  // sender RealEnvStats, throughput phase
  Throughput ion_second;  // the ion throughput phase with BenchLinkConfig::second_offer (if any)
  Latency raw_lat, ion_lat;
  uint64_t ion_lost = 0, ion_rejected = 0, ion_malformed = 0;  // receiver LinkStats, throughput phase
  double events_per_datagram = 0;  // ion throughput phase, used for the raw payload-event count
  double load_avg_1m = 0, load_avg_after_1m = 0;
};

// Runs the five phases (ion throughput, raw throughput, raw-GSO throughput, ion latency, raw latency).
Result<BenchLinkResult> run_bench_link(const BenchLinkConfig& cfg);

// `ion bench link` as typed on the command line (the table echoes these values).
struct BenchLinkArgs {
  double seconds = 2.0;          // sending time of each throughput phase, s
  double latency_seconds = 2.0;  // sending time of each latency phase, s
  double rate_hz = 10000;        // offered rate of the latency phases, events/s
  size_t burst = 4096;           // ion throughput: events pushed per loop iteration
  bool json = false;             // one JSON object instead of the table
  // "both": the ion phases with XChaCha20-Poly1305 plus one ion throughput phase with AES-256-GCM
  // (where the CPU has AES-NI); "auto", "xchacha20poly1305", "aes256gcm": that offer only.
  std::string aead = "both";
};
// Runs the benchmark and prints its table (or JSON) on stdout; the error of run_bench_link if any.
Status report_bench_link(const BenchLinkArgs& args);

}  // namespace ion::link::bench
