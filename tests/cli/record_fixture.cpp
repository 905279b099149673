// SPDX-License-Identifier: Apache-2.0
// Test fixture: writes event logs of a small three-site experiment (bio 0, hub 1, silicon 2) with
// seeded random content, plus truth.json listing every record written, so tests can check the
// reader, `ion inspect` and the HDF5 export against what was actually written.
// The silicon log has two sessions with a torn tail between them (→ a gap note); the bio log
// carries one record of an unknown kind; the hub log repeats one of BN's spikes (→ dedupe) and
// ends in a torn record (5 bytes).
// Usage: ion_record_fixture OUTDIR [SEED]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/prng.hpp"
#include "record/event_log.hpp"

using namespace ion;
using namespace ion::record;
using nlohmann::json;

namespace {

json to_json(const Record& r) {
  struct V {
    json operator()(const Spike& e) const { return {"spike", e.t, e.source.site, e.source.index, int(e.kind)}; }
    json operator()(const SynapticInput& e) const {
      return {"synaptic_input", e.t, e.post.site, e.post.index, e.synapse, e.weight, e.arrival_ns};
    }
    json operator()(const Stimulus& e) const {
      return {"stimulus", e.t,       e.electrode,    e.amplitude,          e.width_s,
              e.charge_c, e.synapse, int(e.outcome), int(e.cathodic_first)};
    }
    json operator()(const WeightUpdate& e) const {
      return {"weight_update", e.t, e.synapse, e.resistance_ohm, e.weight, int(e.action)};
    }
    json operator()(const LinkStats& e) const {
      return {"link_stats",
              e.t,
              e.peer,
              e.sent,
              e.received,
              e.events_sent,
              e.events_received,
              e.lost,
              e.duplicated,
              e.reordered,
              e.late,
              e.rejected,
              e.malformed,
              e.rtt_ns,
              e.clock_offset_ns,
              e.clock_uncertainty_ns,
              int(e.peer_up)};
    }
    json operator()(const ClockSample& e) const {
      return {"clock_sample", e.local_ns, e.experiment_ns, e.offset_ns, e.uncertainty_ns};
    }
    json operator()(const SessionStart& e) const {
      return {"session_start", e.epoch, int(e.resumed), e.local_ns, e.wall_ns};
    }
    json operator()(const Note& e) const { return {"note", e.t, int(e.kind), e.text}; }
  };
  return std::visit(V{}, r);
}

struct SiteLog {
  std::string path;
  LogHeader header;
  std::unique_ptr<LogWriter> writer;
  json records = json::array();

  void open(Time now) {
    auto o = open_log(path, header, {}, now);
    if (!o) {
      std::fprintf(stderr, "fixture: %s\n", o.status().to_string().c_str());
      std::exit(1);
    }
    writer = std::move(o->writer);
    // The writer's own SessionStart (and a gap note on resume) are part of the truth too.
    records.push_back(to_json(SessionStart{header.session_epoch, o->resumed, now, header.start_wall_ns}));
    if (o->resumed && o->recovered.lost_data()) {
      records.push_back(to_json(Note{now, NoteKind::gap, "resumed after dropping " + o->recovered.describe()}));
    }
  }
  void add(const Record& r) {
    if (!writer->append(r).is_ok()) std::exit(1);
    records.push_back(to_json(r));
  }
  void close() {
    if (!writer->close().is_ok()) std::exit(1);
    writer.reset();
  }
};

constexpr Time kSec = kSecond;

void add_notes(SiteLog& s, uint64_t seed) {
  const std::string file = "[experiment]\nname = \"fixture\"\nseed = " + std::to_string(seed) + "\n";
  s.add(Note{0, NoteKind::experiment_name, "fixture"});
  s.add(Note{0, NoteKind::seed, std::to_string(seed)});
  s.add(Note{0, NoteKind::experiment_file, file});
  s.add(Note{0, NoteKind::site_names, "0=bio\n1=hub\n2=silicon\n"});
  s.add(Note{0, NoteKind::neuron_names, "0:0=BN\n2:0=ANpre\n2:1=ANpost\n"});
  s.add(Note{0, NoteKind::synapse_names, "0=ABsyn\n1=BAsyn\n"});
}

LinkStats link(Rng& rng, SiteId peer, Time t, uint64_t k) {
  LinkStats l;
  l.peer = peer;
  l.t = t;
  l.sent = 100 * k + rng.below(10);
  l.received = 90 * k + rng.below(10);
  l.events_sent = 3 * l.sent;
  l.events_received = 3 * l.received;
  l.lost = rng.below(5);
  l.duplicated = rng.below(3);
  l.reordered = rng.below(3);
  l.late = rng.below(2);
  l.rejected = 0;
  l.malformed = rng.below(2);
  l.rtt_ns = 20000 + static_cast<Duration>(rng.below(5000));
  l.clock_offset_ns = static_cast<Duration>(rng.below(2000)) - 1000;
  l.clock_uncertainty_ns = 500;
  l.peer_up = k % 3 != 2;
  return l;
}

void write_bio(SiteLog& s, Rng& rng, uint64_t seed, std::vector<Spike>& bn_spikes) {
  s.open(0);
  add_notes(s, seed);
  Time t = 0;
  for (int i = 0; i < 60; ++i) {
    t += static_cast<Time>(rng.exponential(20.0) * 1e9) + 1;
    Spike sp{{0, 0}, t, rng.bernoulli(0.5) ? SpikeKind::evoked : SpikeKind::spontaneous};
    s.add(sp);
    bn_spikes.push_back(sp);
    if (i % 4 == 0) {
      const auto outcome = static_cast<StimulusOutcome>(rng.below(3));
      s.add(Stimulus{static_cast<ElectrodeId>(rng.below(4)), t + 1000, 0.6f, 200e-6f,
                     outcome == StimulusOutcome::refused ? 0.0f : static_cast<float>(rng.uniform(1e-9, 5e-9)), 0,
                     outcome, true});
    }
  }
  for (uint64_t k = 1; k <= 3; ++k) s.add(link(rng, 1, static_cast<Time>(k) * kSec, k));
  for (int k = 0; k < 5; ++k) {
    const Duration off = static_cast<Duration>(rng.below(4000)) - 2000;
    s.add(ClockSample{k * kSec / 2 + off, k * kSec / 2, off, 300});
  }
  s.close();
}

void write_hub(SiteLog& s, Rng& rng, uint64_t seed, const std::vector<Spike>& bn_spikes) {
  s.open(0);
  add_notes(s, seed);
  float r0 = 6000, r1 = 7000;
  for (int i = 0; i < 40; ++i) {
    const Time t = static_cast<Time>(i) * 70 * kMillisecond + static_cast<Time>(rng.below(1000));
    const auto action = static_cast<PlasticityAction>(static_cast<int>(rng.below(3)) - 1);
    r0 -= static_cast<float>(static_cast<int>(action)) * static_cast<float>(rng.uniform(10, 50));
    s.add(WeightUpdate{0, t, r0, (9000 - r0) / 5000, action});
    s.add(SynapticInput{{0, 0}, 0, (9000 - r0) / 5000, t});
    if (i % 2 == 0) {
      r1 += static_cast<float>(rng.uniform(-30, 30));
      s.add(WeightUpdate{1, t + 5, r1, (9000 - r1) / 5000, PlasticityAction::read});
      s.add(SynapticInput{{2, 1}, 1, (9000 - r1) / 5000, t + 5});
    }
  }
  s.add(bn_spikes.at(3));  // the hub also logged a BN spike it forwarded: one duplicate
  for (uint64_t k = 1; k <= 3; ++k) {
    s.add(link(rng, 0, static_cast<Time>(k) * kSec, k));
    s.add(link(rng, 2, static_cast<Time>(k) * kSec + 7, k));
  }
  for (int k = 0; k < 5; ++k) s.add(ClockSample{k * kSec / 2, k * kSec / 2, 0, 0});
  s.close();
}

void write_silicon_session(SiteLog& s, Rng& rng, Time from, int spikes) {
  Time t = from;
  for (int i = 0; i < spikes; ++i) {
    t += 100 * kMillisecond + static_cast<Time>(rng.below(1000));
    s.add(Spike{{2, 0}, t, SpikeKind::spike});
    if (i % 3 == 0) s.add(Spike{{2, 1}, t + 3 * kMillisecond, SpikeKind::spike});
    if (i % 5 == 0) {
      const Time spike_t = t + 2 * kMillisecond;
      s.add(SynapticInput{{2, 1},
                          1,
                          static_cast<float>(rng.uniform()),
                          spike_t,
                          spike_t + 10 * kMillisecond + static_cast<Time>(rng.below(1000))});
    }
  }
  s.add(link(rng, 1, t, static_cast<uint64_t>(spikes)));
  s.add(ClockSample{t + 1000, t, 1000, 200});
}

void write_silicon(SiteLog& s, Rng& rng, uint64_t seed) {
  s.open(0);
  add_notes(s, seed);
  write_silicon_session(s, rng, 0, 20);
  s.close();
  std::ofstream(s.path, std::ios::binary | std::ios::app).write("\x40\x00\x00\x00\x01\x00\x00", 7);  // torn
  s.header.session_epoch += 1;
  s.open(3 * kSec);
  write_silicon_session(s, rng, 3 * kSec, 10);
  s.close();
}

void append_unknown_kind(const std::string& path) {
  std::vector<uint8_t> bytes;
  const std::vector<uint8_t> payload = {1, 2, 3, 4, 5};
  frame_raw(200, payload, bytes);
  std::ofstream(path, std::ios::binary | std::ios::app)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUTDIR [SEED]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  Rng rng = Rng::stream(seed, "record.fixture");
  const char* names[] = {"bio", "hub", "silicon"};
  std::vector<SiteLog> logs(3);
  for (uint16_t i = 0; i < 3; ++i) {
    logs[i].path = dir + "/" + names[i] + ".ionlog";
    logs[i].header = LogHeader{kLogVersion, i, names[i], 100u + i, 0};
    std::remove(logs[i].path.c_str());
  }
  std::vector<Spike> bn_spikes;
  write_bio(logs[0], rng, seed, bn_spikes);
  append_unknown_kind(logs[0].path);
  write_hub(logs[1], rng, seed, bn_spikes);
  write_silicon(logs[2], rng, seed);
  // The hub "crashed" mid-write: a torn tail that nobody repaired before the export.
  std::ofstream(logs[1].path, std::ios::binary | std::ios::app).write("\x1b\x00\x00\x00\x01", 5);
  json truth = json::object();
  for (const auto& l : logs)
    truth[std::to_string(l.header.site_id)] = {{"name", l.header.site_name}, {"path", l.path}, {"records", l.records}};
  std::ofstream(dir + "/truth.json") << truth.dump(1) << '\n';
  return 0;
}
