// SPDX-License-Identifier: Apache-2.0
// The report of `ion bench link` (registered in src/cli/cmd_bench.cpp): spike events/s through one
// authenticated link and one-way latency at a fixed rate, each against a raw-UDP baseline with the
// same datagram sizes, measured in the same run.
#include <cstdio>

#include "bench/link/bench_link.hpp"
#include "wire/crypto.hpp"

namespace ion::link::bench {
namespace {

double ratio(double a, double b) { return b > 0 ? a / b : 0; }

const char* suite_name(uint8_t offer) {
  const auto s = wire::choose_aead(offer, offer);
  return !s ? "?" : *s == wire::Aead::aes256gcm ? "AES-256-GCM" : "XChaCha20-Poly1305";
}

void print_second(const BenchLinkResult& r, const BenchLinkConfig& cfg) {
  if (cfg.second_offer == 0) return;
  const Throughput& t = r.ion_second;
  std::printf(
      "  ion with %s (one more throughput phase): %.0f datagrams/s, %.0f events/s, %.0f events/tx-CPU-s, "
      "%.0f events/rx-CPU-s\n",
      suite_name(cfg.second_offer), t.datagrams_per_s(), t.events_per_s(), t.events_per_sender_cpu_s(),
      t.events_per_receiver_cpu_s());
  std::printf("  %s / %s: events/s %.3f, per sender CPU-s %.3f, per receiver CPU-s %.3f; %s/raw events/s %.3f\n",
              suite_name(cfg.second_offer), suite_name(cfg.aead_offer), ratio(t.events_per_s(), r.ion.events_per_s()),
              ratio(t.events_per_sender_cpu_s(), r.ion.events_per_sender_cpu_s()),
              ratio(t.events_per_receiver_cpu_s(), r.ion.events_per_receiver_cpu_s()), suite_name(cfg.second_offer),
              ratio(t.events_per_s(), r.raw.events_per_s()));
}

void print_table(const BenchLinkResult& r, const BenchLinkArgs& o, const BenchLinkConfig& cfg) {
  std::printf("ion bench link: 2 processes over loopback, %s, linger 0; load average %.2f before, %.2f after\n",
              suite_name(cfg.aead_offer), r.load_avg_1m, r.load_avg_after_1m);
  std::printf("\nthroughput (saturating sender, %.1f s; %.0f-byte datagrams, %.1f spike events each):\n", o.seconds,
              r.ion.mean_bytes(), r.events_per_datagram);
  std::printf("  %-8s %12s %14s %11s %11s %16s %16s\n", "", "datagrams/s", "events/s", "delivered", "sent dgrams",
              "events/tx-CPU-s", "events/rx-CPU-s");
  for (const auto* t : {&r.raw, &r.raw_gso, &r.ion})
    std::printf("  %-8s %12.0f %14.0f %11llu %11llu %16.0f %16.0f\n",
                t == &r.raw       ? "raw UDP"
                : t == &r.raw_gso ? "raw GSO"
                                  : "ion",
                t->datagrams_per_s(), t->events_per_s(), static_cast<unsigned long long>(t->datagrams),
                static_cast<unsigned long long>(t->sent_datagrams), t->events_per_sender_cpu_s(),
                t->events_per_receiver_cpu_s());
  std::printf("  ion/raw: events/s %.3f, per sender CPU-s %.3f, per receiver CPU-s %.3f\n",
              ratio(r.ion.events_per_s(), r.raw.events_per_s()),
              ratio(r.ion.events_per_sender_cpu_s(), r.raw.events_per_sender_cpu_s()),
              ratio(r.ion.events_per_receiver_cpu_s(), r.raw.events_per_receiver_cpu_s()));
  print_second(r, cfg);
  std::printf("  ion/raw-GSO: events/s %.3f, per sender CPU-s %.3f, per receiver CPU-s %.3f%s\n",
              ratio(r.ion.events_per_s(), r.raw_gso.events_per_s()),
              ratio(r.ion.events_per_sender_cpu_s(), r.raw_gso.events_per_sender_cpu_s()),
              ratio(r.ion.events_per_receiver_cpu_s(), r.raw_gso.events_per_receiver_cpu_s()),
              r.raw_gso_refused ? " (the kernel refused UDP_SEGMENT: raw GSO not measured)" : "");
  std::printf(
      "  ion sender: %llu of %llu datagrams left in GSO messages (equal-size runs); GSO refused on %llu socket(s)\n",
      static_cast<unsigned long long>(r.ion_gso_datagrams), static_cast<unsigned long long>(r.ion.sent_datagrams),
      static_cast<unsigned long long>(r.ion_gso_refused));
  std::printf("  ion receiver: lost %llu datagrams, rejected %llu, malformed %llu\n",
              static_cast<unsigned long long>(r.ion_lost), static_cast<unsigned long long>(r.ion_rejected),
              static_cast<unsigned long long>(r.ion_malformed));
  std::printf("\none-way latency at %.0f events/s for %.1f s (%.0f-byte datagrams, one event each):\n", o.rate_hz,
              o.latency_seconds, r.ion_lat.mean_bytes);
  std::printf("  %-10s %10s %10s %10s %10s %9s\n", "", "p50 us", "p99 us", "p99.9 us", "max us", "samples");
  for (const auto* row : {&r.raw_lat, &r.ion_lat})
    std::printf("  %-10s %10.1f %10.1f %10.1f %10.1f %9llu\n", row == &r.raw_lat ? "raw UDP" : "ion", row->p50_us,
                row->p99_us, row->p999_us, row->max_us, static_cast<unsigned long long>(row->samples));
  std::printf("  added by ion: p50 %+.1f us, p99 %+.1f us, p99.9 %+.1f us\n", r.ion_lat.p50_us - r.raw_lat.p50_us,
              r.ion_lat.p99_us - r.raw_lat.p99_us, r.ion_lat.p999_us - r.raw_lat.p999_us);
  std::printf(
      "  ion p50 by segment: event -> header send time %.1f us, send time -> kernel rx stamp %.1f us, "
      "rx stamp -> handler %.1f us\n",
      r.ion_lat.queue_p50_us, r.ion_lat.wire_p50_us, r.ion_lat.deliver_p50_us);
  std::printf("\ntargets: >= 10 M events/s through one authenticated link: %s; added p50 <= 10 us: %s\n",
              r.ion.events_per_s() >= 1e7 ? "met" : "NOT met",
              r.ion_lat.p50_us - r.raw_lat.p50_us <= 10.0 ? "met" : "NOT met");
}

void print_json(const BenchLinkResult& r) {
  std::printf(
      "{\"load_avg_1m\": %.2f, \"raw\": {\"datagrams_per_s\": %.0f, \"events_per_s\": %.0f, \"bytes\": %.1f}, "
      "\"ion\": {\"datagrams_per_s\": %.0f, \"events_per_s\": %.0f, \"bytes\": %.1f, \"events_per_datagram\": %.2f, "
      "\"lost\": %llu, \"rejected\": %llu, \"events_per_sender_cpu_s\": %.0f, \"raw_events_per_sender_cpu_s\": %.0f, "
      "\"gso_datagrams\": %llu}, \"raw_gso\": {\"events_per_s\": %.0f, \"events_per_sender_cpu_s\": %.0f}, "
      "\"latency_us\": {\"raw\": [%.2f, %.2f, %.2f], \"ion\": [%.2f, %.2f, %.2f]}}\n",
      r.load_avg_1m, r.raw.datagrams_per_s(), r.raw.events_per_s(), r.raw.mean_bytes(), r.ion.datagrams_per_s(),
      r.ion.events_per_s(), r.ion.mean_bytes(), r.events_per_datagram, static_cast<unsigned long long>(r.ion_lost),
      static_cast<unsigned long long>(r.ion_rejected), r.ion.events_per_sender_cpu_s(), r.raw.events_per_sender_cpu_s(),
      static_cast<unsigned long long>(r.ion_gso_datagrams), r.raw_gso.events_per_s(),
      r.raw_gso.events_per_sender_cpu_s(), r.raw_lat.p50_us, r.raw_lat.p99_us, r.raw_lat.p999_us, r.ion_lat.p50_us,
      r.ion_lat.p99_us, r.ion_lat.p999_us);
}

}  // namespace

Status report_bench_link(const BenchLinkArgs& o) {
  BenchLinkConfig cfg;
  cfg.throughput_ns = static_cast<Duration>(o.seconds * 1e9);
  cfg.latency_ns = static_cast<Duration>(o.latency_seconds * 1e9);
  cfg.rate_hz = o.rate_hz;
  cfg.burst_events = o.burst;
  const bool both = o.aead == "both";
  const auto policy = both ? wire::AeadPolicy::xchacha20poly1305
                           : wire::parse_aead_policy(o.aead).value_or(wire::AeadPolicy::automatic);
  if (!both && !wire::parse_aead_policy(o.aead))
    return error(Errc::invalid_argument, "bench link: --aead must be both, auto, xchacha20poly1305 or aes256gcm");
  const auto offer = wire::aead_offer(policy, wire::aes256gcm_available());
  if (!offer)
    return error(Errc::invalid_argument, "bench link: --aead aes256gcm needs AES-NI, which this machine lacks");
  cfg.aead_offer = *offer;
  if (both && wire::aes256gcm_available()) cfg.second_offer = wire::offer_bit(wire::Aead::aes256gcm);
  if (both && !wire::aes256gcm_available()) std::printf("(no AES-NI here: AES-256-GCM not measured)\n");
  ION_TRY_ASSIGN(auto r, run_bench_link(cfg));
  if (o.json) print_json(r);
  else print_table(r, o, cfg);
  return Status::ok();
}

}  // namespace ion::link::bench
