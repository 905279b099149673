// SPDX-License-Identifier: Apache-2.0
#include "bench/hub/bench_hub_mt.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace ion::hub::bench::detail {
namespace {

constexpr size_t kOutCapacity = 16384;  // forwarded inputs between the logic and network threads

}  // namespace

Result<std::unique_ptr<MtHub>> MtHub::create(HubCore& core, RealEnv& env, link::Link& out, SiteId to) {
  const int efd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd < 0) return error(Errc::io_error, std::string("bench hub: eventfd: ") + std::strerror(errno));
  std::unique_ptr<MtHub> h(new MtHub(core, env, out, to, efd));
  auto w = env.watch_fd(efd, [p = h.get()] { p->on_wake(); });
  if (!w.is_ok()) return w.status();
  h->watch_ = *w;
  h->watching_ = true;
  return h;
}

MtHub::MtHub(HubCore& core, RealEnv& env, link::Link& out, SiteId to, int efd)
    : env_(env), out_(out), to_(to), efd_(efd), outputs_(kOutCapacity) {
  node::HubSinks sinks;
  sinks.forward = [this](const SynapticInput& in) { forward(in); };
  sinks.update = [](const WeightUpdate&) {};  // the bench records nothing (as the 1-thread bench hub)
  sinks.rx_wait = [this] { drain_out(); };
  pipe_ = std::make_unique<node::HubPipeline>(core, 2, std::move(sinks));
}

MtHub::~MtHub() {
  stop();
  if (efd_ >= 0) ::close(efd_);
}

void MtHub::on_spike(const Spike& s) {
  pipe_->submit(node::HubWork{node::HubWork::Kind::spike, s, 0});
  up_to_ = s.t;
  if (armed_) return;
  armed_ = true;
  env_.defer([this] { pass_end(); });
}

void MtHub::pass_end() {
  armed_ = false;
  pipe_->submit(node::HubWork{node::HubWork::Kind::advance, {}, up_to_});
  pipe_->publish();
  drain_out();
}

// Logic thread. A full output ring waits for the network thread (counted). The fence pairs with
// the one in on_wake(): either this thread sees signalled_ cleared and writes the eventfd, or the
// network thread's drain after clearing it sees this input.
void MtHub::forward(const SynapticInput& in) {
  if (!outputs_.try_push(in)) {
    out_full_waits_.fetch_add(1, std::memory_order_relaxed);
    while (!outputs_.try_push(in)) std::this_thread::yield();
  }
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (signalled_.load(std::memory_order_relaxed) || signalled_.exchange(true, std::memory_order_seq_cst)) return;
  const uint64_t one = 1;
  // A failed write leaves signalled_ set: the network thread's next pass_end() drains anyway.
  if (::write(efd_, &one, sizeof one) != sizeof one) return;
}

void MtHub::on_wake() {
  uint64_t n = 0;
  // EAGAIN: nothing to read (another wake-up consumed it); the drain below runs either way.
  if (::read(efd_, &n, sizeof n) != sizeof n) n = 0;
  signalled_.store(false, std::memory_order_seq_cst);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  drain_out();
}

void MtHub::drain_out() {
  SynapticInput in;
  // A send error is counted by the Link's own statistics; the bench reads inputs at silicon.
  while (outputs_.try_pop(in)) (void)out_.send(to_, in);
}

void MtHub::stop() {
  if (stopped_) return;
  stopped_ = true;
  pipe_->flush();
  drain_out();
  pipe_->stop();
  drain_out();
  if (watching_) env_.unwatch_fd(watch_);
  watching_ = false;
}

}  // namespace ion::hub::bench::detail
