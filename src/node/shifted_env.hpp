// SPDX-License-Identifier: Apache-2.0
#pragma once
// An Env whose clock reads time since the node started (inner.now() − origin). The node runtime
// runs on it so that the time master's clock — which IS experiment time before the warm-up
// offset — starts near zero on every run, on RealEnv (CLOCK_MONOTONIC since boot) and SimEnv
// alike. Everything else is forwarded unchanged.
#include "env/env.hpp"

namespace ion::site {

class ShiftedEnv final : public Env {
 public:
  explicit ShiftedEnv(Env& inner) : inner_(inner), origin_ns_(inner.now()) {}

  Time now() const override { return inner_.now() - origin_ns_; }
  int64_t wall_now_ns() const override { return inner_.wall_now_ns(); }
  TimerId schedule_at(Time t, std::function<void()> fn) override {
    return inner_.schedule_at(t + origin_ns_, std::move(fn));
  }
  bool cancel(TimerId id) override { return inner_.cancel(id); }
  void defer(std::function<void()> fn) override { inner_.defer(std::move(fn)); }

  Result<SocketId> open_socket(const SockAddr& local, DatagramHandler on_receive) override {
    return inner_.open_socket(local, [this, h = std::move(on_receive)](const Datagram& d) {
      Datagram shifted = d;
      shifted.rx_time_ns = d.rx_time_ns - origin_ns_;
      h(shifted);
    });
  }
  Result<SockAddr> local_address(SocketId s) const override { return inner_.local_address(s); }
  Status send_to(SocketId s, const SockAddr& to, std::span<const uint8_t> bytes) override {
    return inner_.send_to(s, to, bytes);
  }
  Result<size_t> send_batch(SocketId s, std::span<const OutDatagram> batch) override {
    return inner_.send_batch(s, batch);
  }
  void close_socket(SocketId s) override { inner_.close_socket(s); }
  Rng rng(std::string_view stream) const override { return inner_.rng(stream); }
  Storage& storage() override { return inner_.storage(); }
  void stop() override { inner_.stop(); }
  bool stopped() const override { return inner_.stopped(); }
  const std::string& name() const override { return inner_.name(); }

  Time origin() const { return origin_ns_; }
  // Re-bases the clock on a persisted origin (a resumed site; see clock_origin.hpp).
  // REQUIRES: called before anything is scheduled on this Env.
  void set_origin(Time origin) { origin_ns_ = origin; }

 private:
  Env& inner_;
  Time origin_ns_;
};

}  // namespace ion::site
