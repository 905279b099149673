// SPDX-License-Identifier: Apache-2.0
// SimWorld: the event queue, timers, deferred work and nodes. The network is in sim_net.cpp.
#include "env/sim_world.hpp"

#include <algorithm>
#include <cstring>

#include "core/bytes.hpp"

namespace ion {
namespace {

// Heap order: earliest true time first, then scheduling order.
struct Later {
  template <class E>
  bool operator()(const E& a, const E& b) const {
    return a.t != b.t ? a.t > b.t : a.seq > b.seq;
  }
};

TimerId make_timer_id(uint32_t slot, uint32_t gen) { return (static_cast<uint64_t>(gen) << 32) | slot; }

}  // namespace

SimWorld::SimWorld(SimWorldOptions options) : options_(std::move(options)), storage_(options_.output_dir) {}

SimWorld::~SimWorld() = default;

Result<SimEnv*> SimWorld::add_node(std::string name, NodeClock clock) {
  if (name.empty()) return error(Errc::invalid_argument, "SimWorld::add_node: empty node name");
  if (find_node(name) != nullptr) {
    return error(Errc::invalid_argument, "SimWorld::add_node: a node named \"" + name + "\" already exists");
  }
  if (!(clock.drift_ppm > -1e6 && clock.drift_ppm < 1e6)) {
    return error(Errc::invalid_argument, "SimWorld::add_node \"" + name + "\": drift_ppm " +
                                             std::to_string(clock.drift_ppm) + " is outside (-1e6, 1e6)");
  }
  const auto index = static_cast<uint32_t>(nodes_.size());
  nodes_.push_back(std::unique_ptr<SimEnv>(new SimEnv(this, index, std::move(name), clock)));
  return nodes_.back().get();
}

SimEnv* SimWorld::find_node(std::string_view name) {
  for (auto& n : nodes_) {
    if (n->name() == name) return n.get();
  }
  return nullptr;
}

Result<uint32_t> SimWorld::node_index(std::string_view name) const {
  for (const auto& n : nodes_) {
    if (n->name() == name) return n->index();
  }
  return error(Errc::invalid_argument, "SimWorld: no node named \"" + std::string(name) + "\"");
}

// ---- queue ----

void SimWorld::push(Time t, uint32_t slot, uint32_t gen, Kind kind) {
  heap_.push_back(Event{std::max(t, now_ns_), seq_++, slot, gen, kind});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

SimWorld::Event SimWorld::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  Event e = heap_.back();
  heap_.pop_back();
  return e;
}

void SimWorld::mix(uint64_t v) {
  digest_ = (digest_ ^ v) * 0x9E3779B97F4A7C15ULL;
  digest_ ^= digest_ >> 32;
}

void SimWorld::mix_bytes(std::span<const uint8_t> bytes) {
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    mix(ion::bytes::get_u64(bytes.data() + i));
  }
  uint64_t tail = bytes.size();
  for (; i < bytes.size(); ++i) tail = (tail << 8) | bytes[i];
  mix(tail);
}

bool SimWorld::step() {
  if (!deferred_.empty() && (heap_.empty() || heap_.front().t > now_ns_)) {
    run_deferred();
    return true;
  }
  if (heap_.empty()) return false;
  Event e = pop();
  now_ns_ = e.t;
  dispatch(e);
  return true;
}

void SimWorld::run_until(Time t) {
  for (;;) {
    const bool deferred_due = !deferred_.empty() && (heap_.empty() || heap_.front().t > now_ns_);
    if (!deferred_due && (heap_.empty() || heap_.front().t > t)) break;
    step();
  }
  now_ns_ = std::max(now_ns_, t);
}

void SimWorld::dispatch(const Event& e) {
  if (e.kind == Kind::timer) {
    fire_timer(e);
  } else {
    deliver(e);
  }
}

// ---- timers ----

TimerId SimWorld::add_timer(uint32_t node, Time true_t, std::function<void()> fn) {
  uint32_t slot;
  if (free_timers_.empty()) {
    slot = static_cast<uint32_t>(timers_.size());
    timers_.emplace_back();
  } else {
    slot = free_timers_.back();
    free_timers_.pop_back();
  }
  TimerSlot& ts = timers_[slot];
  ts.fn = std::move(fn);
  ts.node = node;
  ts.live = true;
  ++live_timers_;
  push(true_t, slot, ts.gen, Kind::timer);
  return make_timer_id(slot, ts.gen);
}

bool SimWorld::cancel_timer(uint32_t node, TimerId id) {
  const auto slot = static_cast<uint32_t>(id & 0xFFFFFFFFu);
  const auto gen = static_cast<uint32_t>(id >> 32);
  if (slot >= timers_.size()) return false;
  TimerSlot& ts = timers_[slot];
  if (!ts.live || ts.gen != gen || ts.node != node) return false;
  release_timer(slot);  // the queued event becomes stale
  compact_heap();
  return true;
}

void SimWorld::release_timer(uint32_t slot) {
  TimerSlot& ts = timers_[slot];
  ts.fn = nullptr;
  ts.live = false;
  ++ts.gen;
  --live_timers_;
  free_timers_.push_back(slot);
}

// Drops stale (cancelled) timer events once they dominate the heap. Pop order is unchanged:
// (time, seq) is a total order.
void SimWorld::compact_heap() {
  const size_t live = live_timers_ + (packets_.size() - free_packets_.size());
  if (heap_.size() < 1024 || heap_.size() < 4 * live) return;
  std::erase_if(heap_, [this](const Event& e) {
    return e.kind == Kind::timer && (!timers_[e.slot].live || timers_[e.slot].gen != e.gen);
  });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
}

void SimWorld::fire_timer(const Event& e) {
  TimerSlot& ts = timers_[e.slot];
  if (!ts.live || ts.gen != e.gen) return;  // cancelled
  std::function<void()> fn = std::move(ts.fn);
  const uint32_t node = ts.node;
  release_timer(e.slot);
  ++events_processed_;
  mix(static_cast<uint64_t>(e.t));
  mix(node);
  fn();
}

TimerId SimWorld::schedule_at(Time true_t, std::function<void()> fn) {
  return add_timer(kWorldNode, true_t, std::move(fn));
}

bool SimWorld::cancel(TimerId id) { return cancel_timer(kWorldNode, id); }

// ---- deferred work and node shutdown ----

void SimWorld::run_deferred() {
  running_deferred_.swap(deferred_);
  for (Deferred& d : running_deferred_) {
    if (d.node != kWorldNode && nodes_[d.node]->stopped()) continue;
    mix(static_cast<uint64_t>(now_ns_) ^ 0xDEFE44EDULL);
    mix(d.node);
    d.fn();
  }
  running_deferred_.clear();
}

void SimWorld::drop_node_state(uint32_t node) {
  for (uint32_t slot = 0; slot < timers_.size(); ++slot) {
    TimerSlot& ts = timers_[slot];
    if (ts.live && ts.node == node) cancel_timer(node, make_timer_id(slot, ts.gen));
  }
  for (size_t i = 0; i < sockets_.size(); ++i) {
    if (sockets_[i].open && sockets_[i].node == node) unbind(node, static_cast<SocketId>(i + 1));
  }
  std::erase_if(deferred_, [node](const Deferred& d) { return d.node == node; });
}

LinkTruth SimWorld::total_truth() const {
  LinkTruth sum;
  for (const auto& l : links_) {
    sum.sent += l->truth.sent;
    sum.lost += l->truth.lost;
    sum.partitioned += l->truth.partitioned;
    sum.duplicated += l->truth.duplicated;
    sum.reordered += l->truth.reordered;
    sum.delivered += l->truth.delivered;
    sum.undeliverable += l->truth.undeliverable;
  }
  return sum;
}

}  // namespace ion
