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

// One sealed full datagram and its key per AEAD suite, built once.
struct Sealed {
  Aead suite;
  LinkKey key;
  std::vector<uint8_t> bytes;
  size_t events = 0;
  explicit Sealed(Aead a)
      : suite(a), key(derive_link_key(bench_psk(), 1, 2, 0xA1, 0xB1, data_key_use(a, 0x03, 0x03, 0))) {
    DatagramBuilder b;
    b.begin(bench_header(false));
    events = fill(b, pool());
    auto s = seal(b, key, suite);
    bytes.assign(s.begin(), s.end());
  }
};
// Benchmark argument 0: XChaCha20-Poly1305; 1: AES-256-GCM (needs AES-NI).
const Sealed& sealed(int64_t suite_arg) {
  static const Sealed kChaCha(Aead::xchacha20poly1305);
  if (suite_arg == 0) return kChaCha;
  static const Sealed kGcm(Aead::aes256gcm);
  return kGcm;
}

void BM_Baseline_Memcpy(benchmark::State& state) {
  const auto& src = sealed(0).bytes;
  std::vector<uint8_t> dst(src.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * src.size()));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * sealed(0).events),
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

// Encode + seal through a Channel whose peer epoch is adopted (arg 0 XChaCha20-Poly1305, 1 AES-256-GCM).
void BM_EncodeSeal(benchmark::State& state) {
  if (state.range(0) == 1 && !aes256gcm_available()) return state.SkipWithError("no AES-NI on this machine");
  const uint8_t offer = state.range(0) == 1 ? 0x02 : 0x01;
  ChannelConfig ca, cb;
  ca.self = 1, ca.peer = 2, ca.self_epoch = 0xA1, ca.psk = bench_psk(), ca.aead_offer = offer;
  cb.self = 2, cb.peer = 1, cb.self_epoch = 0xB1, cb.psk = bench_psk(), cb.aead_offer = offer;
  Channel ch(ca), other(cb);
  DatagramBuilder b;
  Datagram out;
  (void)other.open(ch.encode_control(b, Hello{}, 0), out);  // setup: failures show as a wrong suite below
  (void)ch.open(other.encode_reply(b, 0xA1, 0), out);
  if (!ch.aead() || offer_bit(*ch.aead()) != offer) return state.SkipWithError("handshake failed");
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
BENCHMARK(BM_EncodeSeal)->Arg(0)->Arg(1);

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
  if (state.range(0) == 1 && !aes256gcm_available()) return state.SkipWithError("no AES-NI on this machine");
  const Sealed& s = sealed(state.range(0));
  Datagram out;
  size_t events = 0;
  for (auto _ : state) {
    auto r = open(s.bytes, s.key, s.suite, out);
    if (!r) state.SkipWithError("open failed");
    events += out.events.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.bytes.size()));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_OpenDecode)->Arg(0)->Arg(1);

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
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * sealed(0).bytes.size()));
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ChannelOpen);

}  // namespace

BENCHMARK_MAIN();
