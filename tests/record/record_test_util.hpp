// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helpers for the record layer: random records, field-wise equality, in-memory files.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/prng.hpp"
#include "env/env.hpp"
#include "record/records.hpp"

namespace ion::record::testing {

// An OutputFile over a shared byte vector; can be told to fail.
class MemoryFile final : public OutputFile {
 public:
  explicit MemoryFile(std::shared_ptr<std::vector<uint8_t>> bytes) : bytes_(std::move(bytes)) {}
  Status append(std::span<const uint8_t> b) override {
    if (fail) return error(Errc::io_error, "disk full (test)");
    bytes_->insert(bytes_->end(), b.begin(), b.end());
    ++appends;
    return Status::ok();
  }
  Status sync() override {
    ++syncs;
    return Status::ok();
  }
  Status truncate(uint64_t size) override {
    bytes_->resize(size);
    return Status::ok();
  }
  uint64_t size() const override { return bytes_->size(); }
  const std::string& path() const override { return path_; }
  bool fail = false;
  int appends = 0;
  int syncs = 0;

 private:
  std::shared_ptr<std::vector<uint8_t>> bytes_;
  std::string path_ = "<memory>";
};

inline float rand_f32(Rng& r) { return static_cast<float>(r.uniform(-1e6, 1e6)); }
inline int64_t rand_i64(Rng& r) { return static_cast<int64_t>(r.next_u64()); }
inline std::string rand_text(Rng& r) {
  std::string s(r.below(200), ' ');
  for (char& c : s) c = static_cast<char>(r.below(256));
  return s;
}

// A random record of kind index k (0..7 = variant index).
inline Record random_record(Rng& r, size_t k) {
  switch (k) {
    case 0:
      return Spike{{static_cast<SiteId>(r.below(65535)), static_cast<uint32_t>(r.next_u64())},
                   rand_i64(r),
                   static_cast<SpikeKind>(r.below(4))};
    case 1:
      return SynapticInput{{static_cast<SiteId>(r.below(65535)), static_cast<uint32_t>(r.next_u64())},
                           static_cast<SynapseId>(r.next_u64()),
                           rand_f32(r),
                           rand_i64(r),
                           rand_i64(r)};
    case 2:
      return Stimulus{static_cast<ElectrodeId>(r.below(65536)),
                      rand_i64(r),
                      rand_f32(r),
                      rand_f32(r),
                      rand_f32(r),
                      static_cast<SynapseId>(r.next_u64()),
                      static_cast<StimulusOutcome>(r.below(3)),
                      r.bernoulli(0.5)};
    case 3:
      return WeightUpdate{static_cast<SynapseId>(r.next_u64()), rand_i64(r), rand_f32(r), rand_f32(r),
                          static_cast<PlasticityAction>(static_cast<int>(r.below(3)) - 1)};
    case 4: {
      LinkStats s;
      s.peer = static_cast<SiteId>(r.below(65536));
      s.t = rand_i64(r);
      for (uint64_t* c : {&s.sent, &s.received, &s.events_sent, &s.events_received, &s.lost, &s.duplicated,
                          &s.reordered, &s.late, &s.rejected, &s.malformed}) {
        *c = r.next_u64();
      }
      s.rtt_ns = rand_i64(r);
      s.clock_offset_ns = rand_i64(r);
      s.clock_uncertainty_ns = rand_i64(r);
      s.peer_up = r.bernoulli(0.5);
      return s;
    }
    case 5:
      return ClockSample{rand_i64(r), rand_i64(r), rand_i64(r), rand_i64(r)};
    case 6:
      return SessionStart{r.next_u64(), r.bernoulli(0.5), rand_i64(r), rand_i64(r)};
    default:
      return Note{rand_i64(r), static_cast<NoteKind>(r.below(65536)), rand_text(r)};
  }
}

inline bool same_f32(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Field-by-field comparison (floats bit-exact); reports the first differing field.
inline ::testing::AssertionResult same_record(const Record& a, const Record& b) {
  if (a.index() != b.index()) return ::testing::AssertionFailure() << "kind differs";
  auto fail = [](const char* f) { return ::testing::AssertionFailure() << "field " << f << " differs"; };
  if (auto* x = std::get_if<Spike>(&a)) {
    auto& y = std::get<Spike>(b);
    if (x->source != y.source) return fail("source");
    if (x->t != y.t) return fail("t");
    if (x->kind != y.kind) return fail("kind");
  } else if (auto* x = std::get_if<SynapticInput>(&a)) {
    auto& y = std::get<SynapticInput>(b);
    if (x->post != y.post) return fail("post");
    if (x->synapse != y.synapse) return fail("synapse");
    if (!same_f32(x->weight, y.weight)) return fail("weight");
    if (x->t != y.t) return fail("t");
    if (x->arrival_ns != y.arrival_ns) return fail("arrival");
  } else if (auto* x = std::get_if<Stimulus>(&a)) {
    auto& y = std::get<Stimulus>(b);
    if (x->electrode != y.electrode || x->t != y.t) return fail("electrode/t");
    if (!same_f32(x->amplitude, y.amplitude) || !same_f32(x->width_s, y.width_s) ||
        !same_f32(x->charge_c, y.charge_c)) {
      return fail("amplitude/width/charge");
    }
    if (x->synapse != y.synapse || x->outcome != y.outcome || x->cathodic_first != y.cathodic_first) {
      return fail("synapse/outcome/cathodic_first");
    }
  } else if (auto* x = std::get_if<WeightUpdate>(&a)) {
    auto& y = std::get<WeightUpdate>(b);
    if (x->synapse != y.synapse || x->t != y.t || x->action != y.action) return fail("synapse/t/action");
    if (!same_f32(x->resistance_ohm, y.resistance_ohm) || !same_f32(x->weight, y.weight)) return fail("r/w");
  } else if (auto* x = std::get_if<LinkStats>(&a)) {
    auto& y = std::get<LinkStats>(b);
    if (x->peer != y.peer || x->t != y.t) return fail("peer/t");
    if (x->sent != y.sent || x->received != y.received || x->events_sent != y.events_sent ||
        x->events_received != y.events_received || x->lost != y.lost || x->duplicated != y.duplicated ||
        x->reordered != y.reordered || x->late != y.late || x->rejected != y.rejected || x->malformed != y.malformed) {
      return fail("counters");
    }
    if (x->rtt_ns != y.rtt_ns || x->clock_offset_ns != y.clock_offset_ns ||
        x->clock_uncertainty_ns != y.clock_uncertainty_ns || x->peer_up != y.peer_up) {
      return fail("rtt/clock/peer_up");
    }
  } else if (auto* x = std::get_if<ClockSample>(&a)) {
    auto& y = std::get<ClockSample>(b);
    if (x->local_ns != y.local_ns || x->experiment_ns != y.experiment_ns || x->offset_ns != y.offset_ns ||
        x->uncertainty_ns != y.uncertainty_ns) {
      return fail("clock fields");
    }
  } else if (auto* x = std::get_if<SessionStart>(&a)) {
    auto& y = std::get<SessionStart>(b);
    if (x->epoch != y.epoch || x->resumed != y.resumed || x->local_ns != y.local_ns || x->wall_ns != y.wall_ns) {
      return fail("session fields");
    }
  } else {
    auto& na = std::get<Note>(a);
    auto& nb = std::get<Note>(b);
    if (na.t != nb.t || na.kind != nb.kind || na.text != nb.text) return fail("note fields");
  }
  return ::testing::AssertionSuccess();
}

}  // namespace ion::record::testing
