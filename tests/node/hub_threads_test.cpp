// SPDX-License-Identifier: Apache-2.0
// ThreadedHubEngine (node/hub_threads.hpp) behind the real HubRole: one seeded sequence of
// on_spike / advance / finish calls gives the same forwarded inputs, recorded WeightUpdates and
// status on one thread and on two, bit for bit — with normal rings, and with 16-slot rings and a
// loop that drains rarely (back-pressure both ways, counted in the final note).
#include "node/hub_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/prng.hpp"
#include "env/real_env.hpp"
#include "experiment/builtin.hpp"
#include "site/hub/hub_role.hpp"

using namespace ion;
using namespace ion::node;

namespace {

// Records what the role hands its host.
class FakeHost final : public site::RoleHost {
 public:
  std::vector<SynapticInput> inputs;
  std::vector<WeightUpdate> weights;
  std::vector<std::string> notes;
  void emit_spike(const Spike&) override {}
  void emit_input(const SynapticInput& in) override { inputs.push_back(in); }
  void record_stimulus(const Stimulus&) override {}
  void record_weight(const WeightUpdate& w) override { weights.push_back(w); }
  void record_note(std::string_view text) override { notes.emplace_back(text); }
  Rng rng(std::string_view stream) const override { return Rng::stream(1, stream); }
};

// The node's loop as the test thread plays it: wakers, and a poll that runs what they asked for.
class Loop {
 public:
  virtual ~Loop() = default;
  virtual LoopWakerFactory factory() = 0;
  virtual void poll() = 0;
};

// notify() only raises a flag; poll() runs the callback.
class TestLoop final : public Loop {
 public:
  LoopWakerFactory factory() override {
    return [this](std::function<void()> on_wake) -> Result<std::unique_ptr<LoopWaker>> {
      on_wake_ = std::move(on_wake);
      return std::unique_ptr<LoopWaker>(std::make_unique<Waker>(pending_));
    };
  }
  void poll() override {
    if (pending_.exchange(false)) on_wake_();
  }

 private:
  struct Waker final : LoopWaker {
    explicit Waker(std::atomic<bool>& p) : pending(p) {}
    void notify() override { pending.store(true); }
    std::atomic<bool>& pending;
  };
  std::function<void()> on_wake_;
  std::atomic<bool> pending_{false};
};

// A node's real loop: RealEnv::make_waker's eventfd; poll() is one pass that does not wait.
class RealEnvLoop final : public Loop {
 public:
  LoopWakerFactory factory() override {
    return [this](std::function<void()> on_wake) { return env_.make_waker(std::move(on_wake)); };
  }
  void poll() override { ASSERT_TRUE(env_.run_once(env_.now()).is_ok()); }

 private:
  RealEnv env_;
};

struct HubRun {
  FakeHost host;
  site::RoleStatus status;
};

// threads 1: inline engine. threads 2: ThreadedHubEngine with the given ring sizes; the loop
// (a RealEnv's with real_env) polls every `poll_every` calls.
void drive(HubRun& out, unsigned threads, size_t ring, size_t returns, int poll_every, bool real_env = false) {
  const experiment::Experiment e = experiment::builtin_experiment().value();
  const experiment::Site& hub = *e.find_site("southampton");
  TestLoop test_loop;
  RealEnvLoop env_loop;  // declared before the role: its wakers go first
  Loop& loop = real_env ? static_cast<Loop&>(env_loop) : test_loop;
  hub::HubEngineFactory engine;
  if (threads == 2)
    engine = [&](hub::HubCore& core, hub::HubOutputs o) -> Result<std::unique_ptr<hub::HubEngine>> {
      ION_TRY_ASSIGN(auto eng, ThreadedHubEngine::create(core, std::move(o), loop.factory(), ring, returns));
      return std::unique_ptr<hub::HubEngine>(std::move(eng));
    };
  auto role = hub::make_hub_role(e, hub, out.host, {}, engine);
  ASSERT_TRUE(role.is_ok()) << role.status().message();
  std::vector<NeuronAddr> neurons;
  for (const auto& s : hub::hub_synapses(e, hub)) neurons.insert(neurons.end(), {s.pre, s.post});
  Rng rng = Rng::stream(7, "hub-threads-test");
  Time t = 0, ticked = 0;
  for (int i = 0; i < 40000; ++i) {
    t += static_cast<Time>(rng.uniform(0, 1.0) * kMillisecond);
    const Time jitter = static_cast<Time>(rng.uniform(0, 3.0) * kMillisecond);  // some arrive late
    (*role)->on_spike(Spike{neurons[rng.next_u64() % neurons.size()], t - jitter, SpikeKind::spike});
    if (t - ticked >= kMillisecond) (*role)->advance(ticked = t);
    if (i % poll_every == 0) loop.poll();
  }
  (*role)->finish(t + kSecond);
  (*role)->status(out.status);
}

bool same(const SynapticInput& a, const SynapticInput& b) {
  return std::tie(a.post.site, a.post.index, a.synapse, a.t, a.arrival_ns) ==
             std::tie(b.post.site, b.post.index, b.synapse, b.t, b.arrival_ns) &&
         std::bit_cast<uint32_t>(a.weight) == std::bit_cast<uint32_t>(b.weight);
}
bool same(const WeightUpdate& a, const WeightUpdate& b) {
  return std::tie(a.synapse, a.t, a.action) == std::tie(b.synapse, b.t, b.action) &&
         std::bit_cast<uint32_t>(a.weight) == std::bit_cast<uint32_t>(b.weight) &&
         std::bit_cast<uint32_t>(a.resistance_ohm) == std::bit_cast<uint32_t>(b.resistance_ohm);
}

// The `hub:` note without the two-thread suffix, and that suffix's count (-1: none).
std::pair<std::string, long long> hub_note(const FakeHost& h) {
  for (const auto& n : h.notes) {
    if (n.rfind("hub: spikes=", 0) != 0) continue;
    const size_t at = n.find(" ring_full_waits=");
    if (at == std::string::npos) return {n, -1};
    return {n.substr(0, at), std::stoll(n.substr(at + 17))};
  }
  return {"", -1};
}

void expect_identical(const HubRun& one, const HubRun& two) {
  ASSERT_EQ(one.host.inputs.size(), two.host.inputs.size());
  for (size_t i = 0; i < one.host.inputs.size(); ++i)
    ASSERT_TRUE(same(one.host.inputs[i], two.host.inputs[i])) << "input " << i;
  ASSERT_EQ(one.host.weights.size(), two.host.weights.size());
  for (size_t i = 0; i < one.host.weights.size(); ++i)
    ASSERT_TRUE(same(one.host.weights[i], two.host.weights[i])) << "update " << i;
  EXPECT_EQ(hub_note(one.host).first, hub_note(two.host).first);
  ASSERT_EQ(one.status.synapses.size(), two.status.synapses.size());
  for (size_t i = 0; i < one.status.synapses.size(); ++i) {
    EXPECT_EQ(one.status.synapses[i].ltp, two.status.synapses[i].ltp);
    EXPECT_EQ(one.status.synapses[i].ltd, two.status.synapses[i].ltd);
    EXPECT_EQ(one.status.synapses[i].weight, two.status.synapses[i].weight);
    EXPECT_EQ(one.status.synapses[i].resistance_ohm, two.status.synapses[i].resistance_ohm);
  }
}

TEST(HubThreads, TwoThreadsRecordWhatOneRecords) {
  HubRun one, two;
  drive(one, 1, 0, 0, 1);
  drive(two, 2, kHubRingCapacity, kHubReturnCapacity, 7);
  ASSERT_GT(one.host.inputs.size(), 1000u);
  ASSERT_GT(one.host.weights.size(), 2 * hub::hub_synapses(experiment::builtin_experiment().value(),
                                                           *experiment::builtin_experiment()->find_site("southampton"))
                                             .size())
      << "the stream must make the rules pulse";
  expect_identical(one, two);
  EXPECT_EQ(hub_note(one.host).second, -1) << "one thread: no ring counter in the note";
  EXPECT_GE(hub_note(two.host).second, 0);
}

TEST(HubThreads, SmallRingsWaitAndLoseNothing) {
  HubRun one, two;
  drive(one, 1, 0, 0, 1);
  drive(two, 2, 16, 16, 5000);
  expect_identical(one, two);
  EXPECT_GT(hub_note(two.host).second, 0) << "16-slot rings drained every 5000 calls must fill";
}

// The node's wake-up path: the logic thread writes the RealEnv's eventfd, the loop's pass reads
// it and drains the return ring (also with 16-slot rings: back-pressure both ways).
TEST(HubThreads, OnARealEnvTheEventFdWakerDeliversWhatOneThreadRecords) {
  HubRun one, two, small;
  drive(one, 1, 0, 0, 1);
  drive(two, 2, kHubRingCapacity, kHubReturnCapacity, 7, true);
  drive(small, 2, 16, 16, 500, true);
  expect_identical(one, two);
  expect_identical(one, small);
}

}  // namespace
