// SPDX-License-Identifier: Apache-2.0
// SimEnv: one node's Env view of a SimWorld (clock mapping and forwarding to the world).
#include <cmath>

#include "env/sim_world.hpp"

namespace ion {

Time SimEnv::local_of(Time true_t) const {
  const double drift = static_cast<double>(true_t) * clock_.drift_ppm * 1e-6;
  return clock_.offset_ns + true_t + std::llround(drift);
}

Time SimEnv::true_of(Time local_t) const {
  constexpr Time kFar = Time{1} << 62;
  if (local_t >= kFar) return kTimeNever;
  if (local_t <= -kFar) return -kFar;
  const double scale = 1.0 + clock_.drift_ppm * 1e-6;
  auto guess = static_cast<Time>(std::floor(static_cast<double>(local_t - clock_.offset_ns) / scale));
  // local_of is non-decreasing with slope ~scale, so a few unit steps fix the rounding.
  while (local_of(guess) < local_t) ++guess;
  while (local_of(guess - 1) >= local_t) --guess;
  return guess;
}

Time SimEnv::now() const { return local_of(world_->now()); }

TimerId SimEnv::schedule_at(Time t, std::function<void()> fn) {
  if (stopped_) return 0;
  return world_->add_timer(index_, true_of(t), std::move(fn));
}

bool SimEnv::cancel(TimerId id) { return world_->cancel_timer(index_, id); }

void SimEnv::defer(std::function<void()> fn) {
  if (!stopped_) world_->deferred_.push_back(SimWorld::Deferred{index_, std::move(fn)});
}

Result<SocketId> SimEnv::open_socket(const SockAddr& local, DatagramHandler on_receive) {
  if (stopped_) return error(Errc::unavailable, "node " + name_ + " is stopped");
  return world_->bind(index_, local, std::move(on_receive));
}

Result<SockAddr> SimEnv::local_address(SocketId s) const { return world_->bound_address(index_, s); }

Status SimEnv::send_to(SocketId s, const SockAddr& to, std::span<const uint8_t> bytes) {
  if (stopped_) return error(Errc::unavailable, "node " + name_ + " is stopped");
  return world_->send(index_, s, to, bytes);
}

void SimEnv::close_socket(SocketId s) { world_->unbind(index_, s); }

Rng SimEnv::rng(std::string_view stream) const {
  return Rng::stream(world_->options_.seed, name_ + "." + std::string(stream));
}

Storage& SimEnv::storage() { return world_->storage_; }

void SimEnv::stop() {
  if (stopped_) return;
  stopped_ = true;
  world_->drop_node_state(index_);
}

}  // namespace ion
