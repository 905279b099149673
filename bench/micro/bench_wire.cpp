// SPDX-License-Identifier: Apache-2.0
// Wire codec + AEAD cost per full datagram, against memcpy of the same bytes (the baseline).
//   ion_bench_wire --benchmark_min_time=1
// Every case processes one full datagram per iteration; bytes/s and events/s are reported.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "core/prng.hpp"
#include "wire/channel.hpp"

namespace {

using namespace ion;
using namespace ion::wire;

Psk bench_psk() {
  Psk k;
  k.bytes.fill(0x42);
  return k;
}

Header bench_header(bool insecure) {
  Header h;
  h.type = MsgType::events;
  h.flags = insecure ? kFlagInsecure : 0;
  h.sender = 1;
  h.receiver = 2;
  h.sender_epoch = 0xA1;
  h.receiver_epoch = 0xB1;
  h.seq = 1;
  h.send_time_ns = 5'000'000'000;
  return h;
}

// Realistic spikes: neurons up to 4096 on site 1, times within the last ms before send.
std::vector<Spike> spikes(size_t n) {
  Rng rng(7);
  std::vector<Spike> v;
  for (size_t i = 0; i < n; ++i)
    v.push_back({{1, static_cast<uint32_t>(rng.below(4096))},
                 5'000'000'000 - static_cast<Time>(rng.below(1'000'000)),
                 SpikeKind::spike});
  return v;
}

// Fills b with spikes from the pool until full; returns the count.
size_t fill(DatagramBuilder& b, const std::vector<Spike>& pool) {
  size_t n = 0;
  while (n < pool.size() && b.add(pool[n]) == Append::added) ++n;
  return n;
}

const std::vector<Spike>& pool() {
  static const std::vector<Spike> kPool = spikes(1000);
  return kPool;
}

// One sealed full datagram and its key, built once.
struct Sealed {
  LinkKey key = derive_link_key(bench_psk(), 1, 2, 0xA1, 0xB1);
  std::vector<uint8_t> bytes;
  size_t events = 0;
  Sealed() {
    DatagramBuilder b;
    b.begin(bench_header(false));
    events = fill(b, pool());
    auto s = seal(b, key);
    bytes.assign(s.begin(), s.end());
  }
};
const Sealed& sealed() {
  static const Sealed kSealed;
  return kSealed;
}

void BM_Baseline_Memcpy(benchmark::State& state) {
  const auto& src = sealed().bytes;
  std::vector<uint8_t> dst(src.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * src.size()));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * sealed().events),
                                                      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Baseline_Memcpy);

void BM_Encode_Plain(benchmark::State& state) {
  DatagramBuilder b;
  size_t bytes = 0, events = 0;
  for (auto _ : state) {
    b.begin(bench_header(false));
    events += fill(b, pool());
    auto s = b.finish_plain();
    bytes += s.size();
    benchmark::DoNotOptimize(s.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Encode_Plain);

void BM_EncodeSeal(benchmark::State& state) {
  Channel ch([] {
    ChannelConfig c;
    c.self = 1;
    c.peer = 2;
    c.self_epoch = 0xA1;
    c.psk = bench_psk();
    return c;
  }());
  DatagramBuilder b;
  size_t bytes = 0, events = 0;
  for (auto _ : state) {
    ch.begin(b, MsgType::events, 5'000'000'000);
    events += fill(b, pool());
    auto s = ch.finish(b);
    bytes += s.size();
    benchmark::DoNotOptimize(s.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EncodeSeal);

void BM_Decode_Plain(benchmark::State& state) {
  DatagramBuilder b;
  b.begin(bench_header(true));
  fill(b, pool());
  const auto s = b.finish_plain();
  const std::vector<uint8_t> d(s.begin(), s.end());
  Datagram out;
  size_t events = 0;
  for (auto _ : state) {
    auto r = decode_plain(d, out);
    benchmark::DoNotOptimize(r.is_ok());
    events += out.events.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * d.size()));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Decode_Plain);

// AEAD verify + decrypt + decode (replay window excluded: it would reject the repeated datagram).
void BM_OpenDecode(benchmark::State& state) {
  const Sealed& s = sealed();
  Datagram out;
  size_t events = 0;
  for (auto _ : state) {
    auto r = open(s.bytes, s.key, out);
    if (!r) state.SkipWithError("open failed");
    events += out.events.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.bytes.size()));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_OpenDecode);

// Full receive path through Channel::open, including the replay window: a fresh sequence
// number per iteration (datagrams pre-sealed in a ring of 4096 consecutive numbers per pass).
void BM_ChannelOpen(benchmark::State& state) {
  ChannelConfig ca, cb;
  ca.self = 1, ca.peer = 2, ca.self_epoch = 0xA1, ca.psk = bench_psk();
  cb.self = 2, cb.peer = 1, cb.self_epoch = 0xB1, cb.psk = bench_psk();
  Channel a(ca), b(cb);
  DatagramBuilder builder;
  Datagram out;
  (void)b.open(a.encode_control(builder, Hello{}, 0), out);
  (void)a.open(b.encode_reply(builder, 0xA1, 0), out);  // b answers a's hello; a adopts b
  std::vector<std::vector<uint8_t>> ring;
  size_t events = 0, i = 0;
  for (auto _ : state) {
    if (i == ring.size()) {  // refill outside the timed region
      state.PauseTiming();
      ring.clear();
      for (int k = 0; k < 4096; ++k) {
        a.begin(builder, MsgType::events, 5'000'000'000);
        fill(builder, pool());
        auto s = a.finish(builder);
        ring.emplace_back(s.begin(), s.end());
      }
      i = 0;
      state.ResumeTiming();
    }
    auto r = b.open(ring[i++], out);
    if (!r) state.SkipWithError("channel open failed");
    events += out.events.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * sealed().bytes.size()));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ChannelOpen);

}  // namespace

BENCHMARK_MAIN();
