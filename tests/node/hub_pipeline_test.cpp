// SPDX-License-Identifier: Apache-2.0
// HubPipeline (node/hub_pipeline.hpp): one deterministic datagram stream — in-order, reordered,
// replayed and forged datagrams, advance() ticks — through the 1- and the 2-thread hub gives the
// same forwarded inputs and WeightUpdates, bit for bit; back-pressure is counted; stop() runs
// everything submitted.
#include "node/hub_pipeline.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <thread>
#include <tuple>

#include "core/prng.hpp"
#include "device/sim_crossbar.hpp"

using namespace ion;
using namespace ion::node;

namespace {

constexpr SiteId kBioSite = 0, kHubSite = 1;
constexpr uint32_t kNeurons = 64;  // a ring of SRDP synapses j → j+1 over 64 bio neurons
constexpr uint64_t kBioEpoch = 0xB10, kHubEpoch = 0x4B;

using Bytes = std::vector<uint8_t>;
Bytes copy(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

wire::ChannelConfig channel_config(SiteId self, SiteId peer, uint64_t epoch) {
  wire::ChannelConfig c;
  c.self = self;
  c.peer = peer;
  c.self_epoch = epoch;
  c.psk = wire::Psk{};
  c.psk->bytes.fill(0x5A);
  return c;
}

std::vector<hub::HubSynapse> ring(uint32_t n) {
  std::vector<hub::HubSynapse> out;
  for (uint32_t j = 0; j < n; ++j) {
    hub::HubSynapse s;
    s.id = j + 1;
    s.pre = NeuronAddr{kBioSite, j};
    s.post = NeuronAddr{kBioSite, (j + 1) % n};
    s.word = j / 32;
    s.bit = j % 32;
    s.rule.kind = hub::RuleKind::srdp;
    s.rule.window_ns = 2 * kMillisecond;
    s.rule.ltp_above = 2;
    s.rule.ltd_below = 1;
    s.ltp = {4.0, 100 * kMicrosecond};
    s.ltd = {-4.0, 100 * kMicrosecond};
    out.push_back(s);
  }
  return out;
}

// What reaches the hub, in arrival order: the bio site's two handshake datagrams, then events
// datagrams, some delivered twice (replays), some swapped (reorder), some with a flipped byte.
struct Stream {
  std::vector<Bytes> handshake;
  std::vector<Bytes> datagrams;
  std::vector<Time> advance_after;  // per datagram: advance(t) after it, or -1
  size_t replays = 0, forged = 0;
};

Bytes events_datagram(wire::Channel& bio, wire::DatagramBuilder& b, Rng& rng, Time& t) {
  bio.begin(b, wire::MsgType::events, t);
  const uint64_t n = 1 + rng.below(40);
  for (uint64_t k = 0; k < n; ++k) {
    t += static_cast<Time>(rng.below(200)) * kMicrosecond / 10;
    const auto kind = rng.below(10) == 0 ? SpikeKind::psp : SpikeKind::spike;
    EXPECT_EQ(b.add(Spike{NeuronAddr{kBioSite, static_cast<uint32_t>(rng.below(kNeurons + 4))}, t, kind}),
              wire::Append::added);
  }
  return copy(bio.finish(b));
}

Stream make_stream(uint64_t seed, size_t count) {
  Stream s;
  wire::Channel bio(channel_config(kBioSite, kHubSite, kBioEpoch));
  wire::Channel hub(channel_config(kHubSite, kBioSite, kHubEpoch));
  wire::DatagramBuilder b;
  wire::Datagram scratch;
  s.handshake.push_back(copy(bio.encode_control(b, wire::Hello{false, 1200}, 0)));
  EXPECT_TRUE(hub.open(s.handshake[0], scratch).is_ok());
  EXPECT_TRUE(bio.open(copy(hub.encode_reply(b, kBioEpoch, 0)), scratch).is_ok());
  s.handshake.push_back(copy(bio.encode_control(b, wire::Hello{true, 1200}, 0)));
  Rng rng(seed);
  Time t = 10 * kMillisecond;
  for (size_t i = 0; i < count; ++i) {
    Bytes d = events_datagram(bio, b, rng, t);
    const uint64_t fate = rng.below(20);
    if (fate == 0 && !s.datagrams.empty()) {  // reorder: swap with the one before
      s.datagrams.push_back(std::move(d));
      std::swap(s.datagrams[s.datagrams.size() - 1], s.datagrams[s.datagrams.size() - 2]);
    } else if (fate == 1) {  // forgery: one flipped byte inside the payload
      d[d.size() / 2] ^= 0x10;
      s.datagrams.push_back(std::move(d));
      ++s.forged;
    } else {
      s.datagrams.push_back(d);
      if (fate == 2) {  // replay
        s.datagrams.push_back(std::move(d));
        ++s.replays;
      }
    }
    s.advance_after.resize(s.datagrams.size(), -1);
    if (rng.below(3) == 0) s.advance_after.back() = t;
  }
  return s;
}

using InKey = std::tuple<uint64_t, SynapseId, uint32_t, Time>;
using UpdKey = std::tuple<SynapseId, Time, uint32_t, uint32_t, int>;

struct Outcome {
  std::vector<InKey> inputs;
  std::vector<UpdKey> updates;
  HubPipelineCounters counters;
  hub::HubCounters core;
};

// A fresh hub: the hub's channel (after the same handshake), a crossbar, HubCore, and the sinks
// that record what it forwards and every WeightUpdate (floats compared bit for bit).
struct FreshHub {
  std::unique_ptr<device::SimulatedCrossbar> xb = device::SimulatedCrossbar::create(device::CrossbarConfig{}).value();
  hub::HubCore core{ring(kNeurons), *xb, 1 * kMillisecond};
  wire::Channel ch{channel_config(kHubSite, kBioSite, kHubEpoch)};
  Outcome o;
  HubSinks sinks() {
    HubSinks k;
    k.forward = [this](const SynapticInput& in) {
      o.inputs.emplace_back(in.post.key(), in.synapse, std::bit_cast<uint32_t>(in.weight), in.t);
    };
    k.update = [this](const WeightUpdate& u) {
      o.updates.emplace_back(u.synapse, u.t, std::bit_cast<uint32_t>(u.resistance_ohm),
                             std::bit_cast<uint32_t>(u.weight), static_cast<int>(u.action));
    };
    return k;
  }
};

constexpr Time kEnd = 1 * kSecond;

// Runs the stream through a fresh hub's HubPipeline with `threads`.
Outcome run(const Stream& s, unsigned threads, size_t ring_capacity) {
  FreshHub h;
  HubPipeline p(h.core, threads, h.sinks(), ring_capacity);
  for (const Bytes& d : s.handshake) EXPECT_TRUE(p.on_datagram(h.ch, d));
  for (size_t i = 0; i < s.datagrams.size(); ++i) {
    p.on_datagram(h.ch, s.datagrams[i]);
    if (s.advance_after[i] >= 0) p.submit(HubWork{HubWork::Kind::advance, {}, s.advance_after[i]});
  }
  p.submit(HubWork{HubWork::Kind::drain, {}, kEnd});
  p.stop();  // no flush(): stop() itself must run everything submitted
  h.o.counters = p.counters();
  h.o.core = h.core.counters();
  return h.o;
}

// The same, with the logic stage on a thread of the test's own (HubSinks::wake_logic + run_ready).
Outcome run_external(const Stream& s, size_t ring_capacity) {
  FreshHub h;
  std::atomic<uint32_t> wakes{0};
  std::atomic<bool> finished{false};
  HubSinks k = h.sinks();
  k.wake_logic = [&wakes] {
    wakes.fetch_add(1);
    wakes.notify_one();
  };
  HubPipeline p(h.core, 2, k, ring_capacity);
  std::thread logic([&] {
    for (;;) {
      const uint32_t seen = wakes.load();
      while (p.run_ready(64)) {
      }
      if (finished.load()) return;
      wakes.wait(seen);
    }
  });
  for (const Bytes& d : s.handshake) EXPECT_TRUE(p.on_datagram(h.ch, d));
  for (size_t i = 0; i < s.datagrams.size(); ++i) {
    p.on_datagram(h.ch, s.datagrams[i]);
    if (s.advance_after[i] >= 0) p.submit(HubWork{HubWork::Kind::advance, {}, s.advance_after[i]});
  }
  p.submit(HubWork{HubWork::Kind::drain, {}, kEnd});
  p.flush();  // wakes the logic thread and waits until it ran everything
  finished.store(true);
  wakes.fetch_add(1);
  wakes.notify_one();
  logic.join();
  h.o.counters = p.counters();
  h.o.core = h.core.counters();
  return h.o;
}

// The same stream without the pipeline: Channel::open, then HubCore called as the hub Role does.
Outcome run_direct(const Stream& s) {
  FreshHub h;
  const HubSinks k = h.sinks();
  wire::Datagram d;
  std::vector<SynapticInput> fwd;
  for (const Bytes& b : s.handshake) EXPECT_TRUE(h.ch.open(b, d).is_ok());
  for (size_t i = 0; i < s.datagrams.size(); ++i) {
    if (h.ch.open(s.datagrams[i], d).is_ok())
      for (const wire::Event& e : d.events) {
        h.core.on_spike(std::get<Spike>(e), fwd);
        for (const SynapticInput& in : fwd) k.forward(in);
        fwd.clear();
      }
    if (s.advance_after[i] >= 0) h.core.advance(s.advance_after[i], k.update);
  }
  h.core.drain(kEnd, k.update);
  h.o.core = h.core.counters();
  return h.o;
}

TEST(HubPipeline, TwoThreadsGiveTheSameInputsAndUpdatesAsOne) {
  const Stream s = make_stream(18, 3000);
  const Outcome direct = run_direct(s);
  const Outcome one = run(s, 1, kHubRingCapacity);
  const Outcome two = run(s, 2, kHubRingCapacity);
  const Outcome tight = run(s, 2, 16);  // a tiny ring: the rx stage keeps waiting for the logic stage
  const Outcome external = run_external(s, 16);
  // The stream exercises the whole rx stage and the rules.
  EXPECT_EQ(one.counters.rejected, s.replays + s.forged);
  EXPECT_EQ(one.counters.wire_errors[static_cast<size_t>(wire::WireError::auth_failed)], s.forged);
  EXPECT_EQ(one.counters.wire_errors[static_cast<size_t>(wire::WireError::duplicate)], s.replays);
  EXPECT_GT(s.replays, 50u);
  EXPECT_GT(s.forged, 50u);
  EXPECT_GT(one.inputs.size(), 10'000u);
  EXPECT_GT(one.core.potentiations, 100u);
  EXPECT_GT(one.core.depressions, 100u);
  EXPECT_GT(one.core.unrouted, 0u);
  for (const Outcome* o : {&one, &two, &tight, &external}) {
    EXPECT_TRUE(o->inputs == direct.inputs);
    EXPECT_TRUE(o->updates == direct.updates);
  }
  for (const Outcome* o : {&two, &tight, &external}) {
    EXPECT_TRUE(o->inputs == one.inputs);
    EXPECT_TRUE(o->updates == one.updates);
    EXPECT_EQ(o->inputs.size(), one.inputs.size());
    EXPECT_EQ(o->updates.size(), one.updates.size());
    EXPECT_EQ(o->counters.spikes, one.counters.spikes);
    EXPECT_EQ(o->counters.rejected, one.counters.rejected);
    EXPECT_EQ(o->core.forwarded, one.core.forwarded);
  }
  EXPECT_EQ(one.counters.ring_full_waits, 0u);  // no ring with one thread
  EXPECT_GT(tight.counters.ring_full_waits, 0u);
  EXPECT_GT(external.counters.ring_full_waits, 0u);
}

TEST(HubPipeline, StopRunsEverySubmittedItem) {
  auto xb = device::SimulatedCrossbar::create(device::CrossbarConfig{});
  ASSERT_TRUE(xb.is_ok());
  hub::HubCore core(ring(kNeurons), **xb, 0);
  uint64_t forwarded = 0;  // written by the logic thread, read after stop() joined it
  HubPipeline p(core, 2,
                HubSinks{[&forwarded](const SynapticInput&) { ++forwarded; }, [](const WeightUpdate&) {}, {}, {}}, 16);
  constexpr uint32_t kSpikes = 100'000;
  for (uint32_t k = 0; k < kSpikes; ++k)
    p.submit(
        HubWork{HubWork::Kind::spike, Spike{NeuronAddr{kBioSite, k % kNeurons}, Time{k} * 1000, SpikeKind::spike}, 0});
  p.stop();
  EXPECT_EQ(forwarded, kSpikes);
  EXPECT_EQ(core.counters().spikes, kSpikes);
  p.stop();  // idempotent
}

// stop() right after an unpublished submit(), while the logic thread is on its way to sleep: the
// item must still run. (idle_wait() once read stopping_ after checking the ring, so an item pushed
// in between was left behind. The window is a few instructions; the rounds vary the delay before
// the submit. Under TSan that code failed 2 of 20 runs of this test, so one run may miss it.)
TEST(HubPipeline, StopRightAfterASubmitRunsIt) {
  auto xb = device::SimulatedCrossbar::create(device::CrossbarConfig{});
  ASSERT_TRUE(xb.is_ok());
  hub::HubCore core(ring(kNeurons), **xb, 0);
  constexpr uint32_t kRounds = 2000;
  for (uint32_t k = 0; k < kRounds; ++k) {
    HubPipeline p(core, 2, HubSinks{[](const SynapticInput&) {}, [](const WeightUpdate&) {}, {}, {}}, 16);
    const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(k % 64 * 100);
    while (std::chrono::steady_clock::now() < until) {
    }
    p.submit(HubWork{HubWork::Kind::spike, Spike{NeuronAddr{kBioSite, k % kNeurons}, Time{k}, SpikeKind::spike}, 0});
    p.stop();
    ASSERT_EQ(core.counters().spikes, uint64_t{k} + 1) << "round " << k;
  }
}

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// A logic stage blocked for 300 ms (as behind a synced write-ahead log on a busy disk): the rx
// thread waiting on the full ring sleeps instead of spinning, so it takes little CPU (it yielded
// in a loop before: a whole core for as long as the logic stage was blocked). Nothing is lost.
TEST(HubPipeline, WaitingForABlockedLogicStageSleeps) {
  auto xb = device::SimulatedCrossbar::create(device::CrossbarConfig{});
  ASSERT_TRUE(xb.is_ok());
  hub::HubCore core(ring(kNeurons), **xb, 0);
  std::atomic<bool> blocked{true};
  std::atomic<uint64_t> forwarded{0};
  auto slow_forward = [&](const SynapticInput&) {
    while (blocked.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    forwarded.fetch_add(1);
  };
  HubPipeline p(core, 2, HubSinks{slow_forward, [](const WeightUpdate&) {}, {}, {}}, 16);
  std::thread release([&blocked] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    blocked.store(false);
  });
  const auto wall0 = std::chrono::steady_clock::now();
  const double cpu0 = thread_cpu_s();
  for (uint32_t k = 0; k < 64; ++k)  // more than the ring holds: the rx stage waits
    p.submit(HubWork{HubWork::Kind::spike, Spike{NeuronAddr{kBioSite, k % kNeurons}, Time{k}, SpikeKind::spike}, 0});
  p.flush();
  const double cpu = thread_cpu_s() - cpu0;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  release.join();
  EXPECT_EQ(forwarded.load(), 64u);
  EXPECT_GT(p.counters().ring_full_waits, 0u);
  EXPECT_GE(wall, 0.25);                                                  // it did wait for the blocked stage
  EXPECT_LT(cpu, 0.25 * wall) << cpu << " s of CPU in " << wall << " s";  // and slept, not spun
}

TEST(HubPipeline, FlushWaitsForTheLogicStage) {
  auto xb = device::SimulatedCrossbar::create(device::CrossbarConfig{});
  ASSERT_TRUE(xb.is_ok());
  hub::HubCore core(ring(kNeurons), **xb, 0);
  std::atomic<uint64_t> forwarded{0};
  HubPipeline p(
      core, 2,
      HubSinks{[&forwarded](const SynapticInput&) { forwarded.fetch_add(1); }, [](const WeightUpdate&) {}, {}, {}});
  for (int round = 1; round <= 50; ++round) {
    for (uint32_t k = 0; k < 100; ++k)
      p.submit(HubWork{HubWork::Kind::spike, Spike{NeuronAddr{kBioSite, k % kNeurons}, Time{k}, SpikeKind::spike}, 0});
    p.flush();
    EXPECT_EQ(forwarded.load(), static_cast<uint64_t>(round) * 100);
  }
}

}  // namespace
