// SPDX-License-Identifier: Apache-2.0
// RealEnv: clock, timers, loop, deferred work, files. Sockets are in real_socket.cpp.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "env/real_env.hpp"
#include "env/real_env_internal.hpp"

namespace ion {
namespace {

// Heap order: earliest time first, then scheduling order (smaller sequence number first).
struct Later {
  template <class T>
  bool operator()(const T& a, const T& b) const {
    return a.t != b.t ? a.t > b.t : a.seq > b.seq;
  }
};

Status os_error(const char* what) { return error(Errc::io_error, std::string(what) + ": " + std::strerror(errno)); }

}  // namespace

Time monotonic_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<Time>(ts.tv_sec) * kSecond + ts.tv_nsec;
}

RealEnv::RealEnv(RealEnvOptions options) : options_(std::move(options)), storage_(options_.output_dir) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || timer_fd_ < 0 || wake_fd_ < 0) {
    init_status_ = os_error("RealEnv: creating epoll/timerfd/eventfd");
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kTimerFdTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &ev);
  ev.data.u64 = kWakeFdTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  rx_ = std::make_unique<RecvBuffers>();
}

RealEnv::~RealEnv() {
  for (auto& [id, s] : sockets_) ::close(s.fd);
  for (auto& [addr, fd] : adopted_) ::close(fd);
  for (int fd : {epoll_fd_, timer_fd_, wake_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

Time RealEnv::now() const { return monotonic_now_ns(); }

int64_t RealEnv::wall_now_ns() const { return wall_clock_ns(); }

int64_t wall_clock_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * kSecond + ts.tv_nsec;
}

Time RealEnv::probe_cpu_now() const { return probe_.thread_cpu ? thread_cpu_now() : 0; }

TimerId RealEnv::schedule_at(Time t, std::function<void()> fn) {
  uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  TimerSlot& ts = slots_[slot];
  ts.fn = std::move(fn);
  ts.live = true;
  ++live_timers_;
  heap_.push_back(HeapEntry{t, next_seq_++, slot, ts.gen});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  return (static_cast<uint64_t>(ts.gen) << 32) | slot;
}

void RealEnv::release_slot(uint32_t slot) {
  TimerSlot& ts = slots_[slot];
  ts.fn = nullptr;
  ts.live = false;
  ++ts.gen;
  --live_timers_;
  free_slots_.push_back(slot);
}

bool RealEnv::cancel(TimerId id) {
  const auto slot = static_cast<uint32_t>(id & 0xFFFFFFFFu);
  if (slot >= slots_.size() || !slots_[slot].live || slots_[slot].gen != static_cast<uint32_t>(id >> 32)) return false;
  release_slot(slot);
  compact_heap();
  return true;
}

// Rebuilds the heap without stale entries once they dominate (timeouts re-armed per packet would
// otherwise pile up until their original deadlines).
void RealEnv::compact_heap() {
  if (heap_.size() < 1024 || heap_.size() < 4 * live_timers_) return;
  std::erase_if(heap_, [this](const HeapEntry& e) { return !is_live(e); });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
}

void RealEnv::defer(std::function<void()> fn) { deferred_.push_back(std::move(fn)); }

Rng RealEnv::rng(std::string_view stream) const {
  return Rng::stream(options_.seed, options_.name + "." + std::string(stream));
}

void RealEnv::stop() {
  stop_.store(true, std::memory_order_relaxed);
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    ssize_t n = ::write(wake_fd_, &one, sizeof one);  // async-signal-safe
    (void)n;
  }
}

Status RealEnv::run() {
  while (!stopped()) ION_TRY(run_once(kTimeNever));
  return {};
}

Status RealEnv::run_for(Duration d) {
  const Time end = now() + d;
  while (!stopped() && now() < end) ION_TRY(run_once(end));
  return {};
}

Status RealEnv::run_once(Time deadline) {
  ION_TRY(init_status_);
  ++stats_.iterations;
  ION_TRY(wait(deadline));
  fire_due_timers();
  for (SocketId id : ready_) drain_socket(id);
  for (uint32_t w : ready_watches_) {
    auto it = watches_.find(w);
    if (it == watches_.end() || stopped()) continue;
    std::shared_ptr<std::function<void()>> fn = it->second.fn;
    (*fn)();
  }
  run_deferred();
  return {};
}

Status RealEnv::wait(Time deadline) {
  ready_.clear();
  ready_watches_.clear();
  // Drop cancelled timers from the top so the first entry is the next live deadline.
  while (!heap_.empty() && !is_live(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
  Time wake = heap_.empty() ? deadline : std::min(deadline, heap_.front().t);
  bool poll_only = !deferred_.empty() || stopped() || wake <= now();
  if (!poll_only) arm_timerfd(wake);
  epoll_event events[64];
  int n = epoll_wait(epoll_fd_, events, 64, poll_only ? 0 : -1);
  if (probe_.on_rx) {
    woke_cpu_ns_ = probe_cpu_now();
    woke_ns_ = now();
  }
  if (n < 0 && errno == EINTR) return {};
  if (n < 0) return os_error("epoll_wait");
  for (int i = 0; i < n; ++i) {
    uint64_t tag = events[i].data.u64;
    uint64_t drain = 0;
    if (tag == kTimerFdTag) {
      ssize_t r = ::read(timer_fd_, &drain, sizeof drain);
      (void)r;
      armed_at_ns_ = kTimeNever;
    } else if (tag == kWakeFdTag) {
      ssize_t r = ::read(wake_fd_, &drain, sizeof drain);
      (void)r;
    } else if (tag & kWatchTag) {
      ready_watches_.push_back(static_cast<uint32_t>(tag & ~kWatchTag));
    } else {
      ready_.push_back(static_cast<SocketId>(tag));
    }
  }
  std::sort(ready_.begin(), ready_.end());  // deterministic service order
  std::sort(ready_watches_.begin(), ready_watches_.end());
  return {};
}

Result<uint32_t> RealEnv::watch_fd(int fd, std::function<void()> on_readable) {
  ION_TRY(init_status_);
  const uint32_t id = next_watch_++;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWatchTag | id;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    return error(Errc::io_error, "cannot watch fd " + std::to_string(fd) + ": " + std::strerror(errno));
  }
  watches_[id] = Watch{fd, std::make_shared<std::function<void()>>(std::move(on_readable))};
  return id;
}

void RealEnv::unwatch_fd(uint32_t watch) {
  auto it = watches_.find(watch);
  if (it == watches_.end()) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second.fd, nullptr);
  watches_.erase(it);
}

namespace {

// An eventfd watched by the loop: notify() adds 1 (any thread), the watch reads the count back to
// 0 and runs the callback once for all the notifications it merged.
class EventFdWaker final : public LoopWaker {
 public:
  EventFdWaker(RealEnv& env, int fd) : env_(env), fd_(fd) {}
  ~EventFdWaker() override {
    if (watch_ != 0) env_.unwatch_fd(watch_);
    ::close(fd_);
  }
  EventFdWaker(const EventFdWaker&) = delete;
  EventFdWaker& operator=(const EventFdWaker&) = delete;
  void notify() override {
    const uint64_t one = 1;
    ssize_t n = ::write(fd_, &one, sizeof one);  // fails only if the count would overflow: still readable
    (void)n;
  }
  void set_watch(uint32_t w) { watch_ = w; }

 private:
  RealEnv& env_;
  int fd_;
  uint32_t watch_ = 0;
};

}  // namespace

Result<std::unique_ptr<LoopWaker>> RealEnv::make_waker(std::function<void()> on_wake) {
  const int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return os_error("RealEnv: creating a waker's eventfd");
  auto waker = std::make_unique<EventFdWaker>(*this, fd);
  auto watch = watch_fd(fd, [fd, fn = std::move(on_wake)] {
    uint64_t count = 0;
    ssize_t n = ::read(fd, &count, sizeof count);  // back to 0 before the callback: a later notify() wakes again
    (void)n;
    fn();
  });
  if (!watch) return watch.status();  // the waker's destructor closes fd
  waker->set_watch(*watch);
  return std::unique_ptr<LoopWaker>(std::move(waker));
}

void RealEnv::arm_timerfd(Time deadline) {
  if (deadline == armed_at_ns_) return;
  itimerspec its{};
  if (deadline != kTimeNever) {
    its.it_value.tv_sec = deadline / kSecond;
    its.it_value.tv_nsec = deadline % kSecond;
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
  }
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &its, nullptr);  // zero value disarms
  armed_at_ns_ = deadline;
}

void RealEnv::fire_due_timers() {
  // Timers scheduled during this pass wait for the next one (no livelock on past deadlines).
  const Time t_now = now();
  const uint64_t limit = next_seq_;
  while (!heap_.empty() && heap_.front().t <= t_now && heap_.front().seq < limit) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const HeapEntry e = heap_.back();
    heap_.pop_back();
    if (!is_live(e)) continue;  // cancelled
    std::function<void()> fn = std::move(slots_[e.slot].fn);
    release_slot(e.slot);
    ++stats_.timers_fired;
    fn();
    if (stopped()) return;
  }
}

void RealEnv::run_deferred() {
  running_deferred_.swap(deferred_);
  for (auto& fn : running_deferred_) fn();
  running_deferred_.clear();
}

}  // namespace ion
