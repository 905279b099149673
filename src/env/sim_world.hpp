// SPDX-License-Identifier: Apache-2.0
#pragma once
// SimWorld: deterministic simulation of many nodes in one process.
//
// One virtual clock ("true time", integer ns from 0) and ONE binary-heap event queue for every
// node, ordered by (true time, sequence number): the same seed and the same calls give the same
// event order, always. Each node sees the world through a SimEnv (an Env) whose local clock is
//   now() = offset_ns + true + round(true * drift_ppm * 1e-6)
// and whose timers (in local time) fire at the first true instant where now() >= t.
//
// The network is in memory: sockets bind SockAddrs inside the world; a datagram from node A to
// an address bound by node B travels over the directed link A→B, which applies its impairments
// (latency + jitter, loss, duplication, reordering, partitions) with random draws from the
// link's own Rng stream ("sim.link.A->B" of the world seed). Every link keeps truth counters
// that upper-layer tests compare their own accounting with.
//
// Deferred work (Env::defer) runs once no event remains at the current true instant.
// Threading: single-threaded; callbacks may call any method of the world or of any node.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "env/env.hpp"
#include "env/sim_storage.hpp"

namespace ion {

// A node's clock relative to true time: local = offset + (1 + drift_ppm·1e-6)·true.
struct NodeClock {
  int64_t offset_ns = 0;
  double drift_ppm = 0;  // REQUIRES: > -1e6 (the clock must move forward)
};

// Shape of the jitter added to a link's latency.
enum class Jitter : uint8_t {
  none,
  uniform,      // uniform on [-jitter_ns, +jitter_ns]
  normal,       // normal with sd jitter_ns, truncated at ±3 sd (redrawn)
  exponential,  // exponential with mean jitter_ns (only adds delay: a heavy right tail)
};

// "none" | "uniform" | "normal" | "exponential" (for configuration files).
const char* jitter_name(Jitter j);
Result<Jitter> parse_jitter(std::string_view text);

// Impairments of one directed link. One-way delay of each copy:
//   max(min_latency_ns, latency_ns + jitter draw [+ reorder_delay_ns with probability reorder]).
struct LinkImpairments {
  Duration latency_ns = 0;
  Duration jitter_ns = 0;
  Jitter jitter = Jitter::uniform;
  Duration min_latency_ns = 0;
  double loss = 0;       // probability that a datagram is dropped
  double duplicate = 0;  // probability that a datagram is delivered twice (second copy: own delay)
  double reorder = 0;    // probability that a copy gets reorder_delay_ns extra (later ones overtake it)
  Duration reorder_delay_ns = 0;

  // Probabilities in [0, 1], durations >= 0; the message names the bad field.
  Status validate() const;
};

// Ground truth of one directed link (counts of datagrams / copies).
struct LinkTruth {
  uint64_t sent = 0;           // datagrams handed to the link
  uint64_t lost = 0;           // dropped by the random loss draw
  uint64_t partitioned = 0;    // copies dropped by an active partition (at send or at arrival)
  uint64_t duplicated = 0;     // extra copies created
  uint64_t reordered = 0;      // copies that got the reorder delay
  uint64_t delivered = 0;      // copies handed to a receiver (duplicates included)
  uint64_t undeliverable = 0;  // copies that arrived where no socket was bound any more
  uint64_t dropped() const { return lost + partitioned + undeliverable; }
};

struct SimWorldOptions {
  uint64_t seed = 1;
  std::string output_dir;  // relative storage() paths go under it
};

class SimWorld;

// One node's view of the world. Created by SimWorld::add_node; owned by the world.
class SimEnv final : public Env {
 public:
  Time now() const override;
  int64_t wall_now_ns() const override { return 0; }
  TimerId schedule_at(Time t, std::function<void()> fn) override;  // id 0 after stop()
  bool cancel(TimerId id) override;
  void defer(std::function<void()> fn) override;

  Result<SocketId> open_socket(const SockAddr& local, DatagramHandler on_receive) override;
  Result<SockAddr> local_address(SocketId s) const override;
  Status send_to(SocketId s, const SockAddr& to, std::span<const uint8_t> bytes) override;
  void close_socket(SocketId s) override;

  Rng rng(std::string_view stream) const override;
  // The world's SimStorage (one disk shared by every node; faults via SimWorld::storage()).
  Storage& storage() override;

  // Drops this node's timers, deferred work and sockets; later calls schedule/send nothing.
  void stop() override;
  bool stopped() const override { return stopped_; }
  const std::string& name() const override { return name_; }

  // Clock mapping (exact integer ns; local_of is non-decreasing).
  Time local_of(Time true_t) const;
  // The first true instant whose local time is >= local_t. REQUIRES: |local_t| < 2^62 (~146 years);
  // beyond that the answer saturates (a timer there never fires within any real run).
  Time true_of(Time local_t) const;
  const NodeClock& clock() const { return clock_; }
  uint32_t index() const { return index_; }
  SimWorld& world() const { return *world_; }

 private:
  friend class SimWorld;
  SimEnv(SimWorld* world, uint32_t index, std::string name, NodeClock clock)
      : world_(world), index_(index), name_(std::move(name)), clock_(clock) {}

  SimWorld* world_;
  uint32_t index_;
  std::string name_;
  NodeClock clock_;
  bool stopped_ = false;
};

class SimWorld {
 public:
  explicit SimWorld(SimWorldOptions options = {});
  ~SimWorld();
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  // Adds a node (owned by the world). invalid_argument for an empty or duplicate name or a drift
  // outside (-1e6, 1e6) ppm.
  Result<SimEnv*> add_node(std::string name, NodeClock clock = {});
  SimEnv* find_node(std::string_view name);
  size_t node_count() const { return nodes_.size(); }

  // True time (ns since the world started).
  Time now() const { return now_ns_; }
  // Processes every event with true time <= t (and the deferred work they cause), then sets the
  // clock to t (if later). run_for(d) = run_until(now() + d).
  void run_until(Time t);
  void run_for(Duration d) { run_until(now_ns_ + d); }
  // Runs the next event or the pending deferred work; false if there was nothing to do.
  bool step();
  bool idle() const { return heap_.empty() && deferred_.empty(); }
  size_t pending_events() const { return heap_.size(); }  // includes not yet dropped cancelled timers
  uint64_t events_processed() const { return events_processed_; }
  // A running hash over every processed event (true time, node or link, datagram bytes): equal
  // digests mean equal traces.
  uint64_t digest() const { return digest_; }

  // World-level timers in true time (test scripts, runners, scheduled partitions).
  TimerId schedule_at(Time true_t, std::function<void()> fn);
  bool cancel(TimerId id);

  // Links are directed (from → to) and named by node. An unknown name is an invalid_argument
  // error, invalid impairments fail with LinkImpairments::validate()'s error prefixed by the
  // link; nothing is changed then.
  Status set_link(std::string_view from, std::string_view to, const LinkImpairments& imp);
  Status set_link_both(std::string_view a, std::string_view b, const LinkImpairments& imp);
  // Impairments for node pairs whose link is created later (on first use), not for existing links.
  // None until set.
  Status set_default_link(const LinkImpairments& imp);
  Status set_partitioned(std::string_view from, std::string_view to, bool on);
  // Partitions a→b (and b→a if both) during true time [start, end).
  Status partition(std::string_view a, std::string_view b, Time start, Time end, bool both = true);
  // The live counters of a link (the pointer stays valid as long as the world).
  Result<const LinkTruth*> link_truth(std::string_view from, std::string_view to);
  LinkTruth total_truth() const;
  // Datagrams sent to an address that no socket had bound (UDP drops those silently).
  uint64_t unroutable() const { return unroutable_; }

  // The files of every node of this world: real files under SimWorldOptions::output_dir, with
  // the failures injected here (SimStorage::inject) — a full disk, an I/O error, a failed sync.
  SimStorage& storage() { return storage_; }

 private:
  friend class SimEnv;
  static constexpr uint32_t kWorldNode = UINT32_MAX;
  enum class Kind : uint8_t { timer, packet };
  struct Event {
    Time t;
    uint64_t seq;
    uint32_t slot;
    uint32_t gen;
    Kind kind;
  };
  struct TimerSlot {
    std::function<void()> fn;
    uint32_t gen = 1;
    uint32_t node = kWorldNode;
    bool live = false;
  };
  struct PacketSlot {
    SockAddr from, to;
    uint32_t link = 0;
    std::vector<uint8_t> bytes;  // capacity is reused
  };
  struct Socket {
    SockAddr local;
    uint32_t node = kWorldNode;
    bool open = false;
    std::shared_ptr<DatagramHandler> handler;  // shared: a handler may close its own socket
  };
  struct Link {
    std::string name;  // "from->to"
    LinkImpairments imp;
    Rng rng;
    LinkTruth truth;
    bool partitioned = false;
  };
  struct Deferred {
    uint32_t node;
    std::function<void()> fn;
  };

  void push(Time t, uint32_t slot, uint32_t gen, Kind kind);
  Event pop();
  void run_deferred();
  void dispatch(const Event& e);
  void fire_timer(const Event& e);
  void deliver(const Event& e);
  void mix(uint64_t v);
  void mix_bytes(std::span<const uint8_t> bytes);
  TimerId add_timer(uint32_t node, Time true_t, std::function<void()> fn);
  bool cancel_timer(uint32_t node, TimerId id);
  void drop_node_state(uint32_t node);
  void release_timer(uint32_t slot);
  void compact_heap();

  Result<uint32_t> node_index(std::string_view name) const;  // invalid_argument if unknown
  Link& link(uint32_t from, uint32_t to);
  uint32_t link_index(uint32_t from, uint32_t to);  // creates the link (default impairments) if new
  Result<SocketId> bind(uint32_t node, const SockAddr& local, DatagramHandler on_receive);
  Result<SockAddr> bound_address(uint32_t node, SocketId s) const;
  Status send(uint32_t node, SocketId s, const SockAddr& to, std::span<const uint8_t> bytes);
  void unbind(uint32_t node, SocketId s);
  void launch_copy(Link& l, uint32_t link_index, const SockAddr& from, const SockAddr& to,
                   std::span<const uint8_t> bytes);

  SimWorldOptions options_;
  LinkImpairments default_link_;  // set_default_link
  SimStorage storage_;
  Time now_ns_ = 0;
  uint64_t seq_ = 0;
  uint64_t events_processed_ = 0;
  uint64_t digest_ = 0xCBF29CE484222325ULL;
  std::vector<Event> heap_;
  std::vector<TimerSlot> timers_;
  std::vector<uint32_t> free_timers_;
  size_t live_timers_ = 0;
  std::vector<PacketSlot> packets_;
  std::vector<uint32_t> free_packets_;
  std::vector<Deferred> deferred_, running_deferred_;
  std::vector<std::unique_ptr<SimEnv>> nodes_;
  std::vector<Socket> sockets_;  // SocketId - 1
  std::unordered_map<SockAddr, SocketId> bound_;
  std::vector<std::unique_ptr<Link>> links_;
  std::unordered_map<uint64_t, uint32_t> link_of_pair_;  // (from << 32 | to) → index in links_
  uint64_t unroutable_ = 0;
  uint16_t next_ephemeral_port_ = 49152;
};

}  // namespace ion
