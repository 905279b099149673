// SPDX-License-Identifier: Apache-2.0
#include "record/merge.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <sstream>
#include <tuple>

#include "core/bytes.hpp"

namespace ion::record {

using bytes::ByteWriter;
namespace {

// Parses "key=value" lines; malformed lines are ignored (notes are informational).
template <class F>
void for_each_pair(const std::string& text, F&& f) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) f(line.substr(0, eq), line.substr(eq + 1));
  }
}

template <class T>
bool parse_uint(const std::string& s, T& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

void read_name_note(const Note& n, std::map<SiteId, std::string>& sites, std::map<NeuronAddr, std::string>& neurons,
                    std::map<SynapseId, std::string>& synapses) {
  if (n.kind == NoteKind::site_names) {
    for_each_pair(n.text, [&](const std::string& k, const std::string& v) {
      SiteId id;
      if (parse_uint(k, id)) sites.emplace(id, v);
    });
  } else if (n.kind == NoteKind::neuron_names) {
    for_each_pair(n.text, [&](const std::string& k, const std::string& v) {
      const auto colon = k.find(':');
      NeuronAddr a;
      if (colon != std::string::npos && parse_uint(k.substr(0, colon), a.site) &&
          parse_uint(k.substr(colon + 1), a.index)) {
        neurons.emplace(a, v);
      }
    });
  } else if (n.kind == NoteKind::synapse_names) {
    for_each_pair(n.text, [&](const std::string& k, const std::string& v) {
      SynapseId id;
      if (parse_uint(k, id)) synapses.emplace(id, v);
    });
  }
}

namespace {

// Folds one site's records into the merged recording (a handler per kind).
struct Absorb {
  MergedRecording& m;
  SiteId site;
  void operator()(const Spike& e) {
    m.spikes.push_back({e.t, e.source.site, e.source.index, static_cast<uint8_t>(e.kind), site});
  }
  void operator()(const SynapticInput& e) {
    m.inputs.push_back({e.t, e.post.site, e.post.index, e.synapse, e.weight, site, e.arrival_ns});
  }
  void operator()(const Stimulus& e) {
    m.stimuli.push_back({e.t, site, e.electrode, e.amplitude, e.width_s, e.charge_c, e.synapse,
                         static_cast<uint8_t>(e.outcome), static_cast<uint8_t>(e.cathodic_first)});
  }
  void operator()(const WeightUpdate& e) {
    m.synapses[e.synapse].push_back({e.t, e.resistance_ohm, e.weight, static_cast<int8_t>(e.action), site});
  }
  void operator()(const LinkStats& e) { m.links[{site, e.peer}].push_back(e); }
  void operator()(const ClockSample& e) { m.clocks[site].push_back(e); }
  void operator()(const SessionStart& e) {
    m.sessions.push_back({site, e.epoch, static_cast<uint8_t>(e.resumed), e.local_ns, e.wall_ns});
  }
  void operator()(const Note& e) { add_note(m, site, e); }
};

// Row orderings: by the full tuple, so the result does not depend on the order of the logs.
auto key(const SpikeRow& r) { return std::tie(r.t, r.site, r.index, r.kind, r.log_site); }
auto key(const InputRow& r) { return std::tie(r.t, r.post_site, r.post_index, r.synapse, r.log_site, r.arrival_ns); }
auto key(const StimulusRow& r) { return std::tie(r.t, r.log_site, r.electrode, r.synapse); }
auto key(const WeightRow& r) { return std::tie(r.t, r.log_site); }
auto key(const LinkStats& r) { return std::tie(r.t); }
auto key(const ClockSample& r) { return std::tie(r.local_ns); }

template <class V>
void sort_rows(V& v) {
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return key(a) < key(b); });
}

void finish_tables(MergedRecording& m) {
  sort_rows(m.spikes);
  m.spikes.erase(std::unique(m.spikes.begin(), m.spikes.end(),
                             [](const SpikeRow& a, const SpikeRow& b) {
                               return a.t == b.t && a.site == b.site && a.index == b.index && a.kind == b.kind;
                             }),
                 m.spikes.end());
  sort_rows(m.inputs);
  sort_rows(m.stimuli);
  for (auto& [id, rows] : m.synapses) sort_rows(rows);
  for (auto& [k, rows] : m.links) sort_rows(rows);
  for (auto& [k, rows] : m.clocks) sort_rows(rows);
}

}  // namespace

void add_note(MergedRecording& m, SiteId site, const Note& n) {
  m.notes.push_back({site, n.t, static_cast<uint16_t>(n.kind), n.text});
  if (n.kind == NoteKind::gap) m.gaps.push_back(m.notes.back());
  if (n.kind == NoteKind::experiment_name && m.experiment_name.empty()) m.experiment_name = n.text;
  if (n.kind == NoteKind::seed && m.seed.empty()) m.seed = n.text;
  if (n.kind == NoteKind::experiment_file && m.experiment_file.empty()) m.experiment_file = n.text;
  read_name_note(n, m.site_names, m.neuron_names, m.synapse_names);
}

void absorb_record(MergedRecording& m, SiteId site, const Record& r) { std::visit(Absorb{m, site}, r); }

void sort_merged(MergedRecording& m) { finish_tables(m); }

std::string MergedRecording::site_name(SiteId id) const {
  for (const auto& s : sites) {
    if (s.id == id) return s.name;
  }
  if (auto it = site_names.find(id); it != site_names.end()) return it->second;
  return "site" + std::to_string(id);
}

constexpr uint64_t kProgressStep = 64u << 10;  // bytes of log between two progress calls

Result<MergedRecording> merge_logs(const std::vector<std::string>& paths, const MergeProgress& progress) {
  // Read in site-id order so "first note" and session order are deterministic.
  std::vector<LogReader> readers;
  uint64_t total = 0, done = 0;
  for (const auto& p : paths) {
    ION_TRY_ASSIGN(auto r, LogReader::open(p));
    readers.push_back(std::move(r));
    std::error_code ec;
    const auto size = std::filesystem::file_size(p, ec);
    total += ec ? 0 : size;  // only for the progress shown: a size that cannot be read counts 0
  }
  std::sort(readers.begin(), readers.end(),
            [](const LogReader& a, const LogReader& b) { return a.header().site_id < b.header().site_id; });
  MergedRecording m;
  for (auto& r : readers) {
    const SiteId site = r.header().site_id;
    if (!m.sites.empty() && m.sites.back().id == site) {
      return error(Errc::already_exists, "two logs of site id " + std::to_string(site) + ": " + r.name() +
                                             " and another one ('" + m.sites.back().name + "')");
    }
    Absorb absorb{m, site};
    uint64_t shown = 0;
    while (auto rec = r.next()) {
      std::visit(absorb, *rec);
      if (!progress || r.position() < shown + kProgressStep) continue;
      shown = r.position();
      progress(done + shown, total);
    }
    done += r.position();
    m.sites.push_back({site, r.header().site_name, r.report().records, r.report()});
  }
  if (progress) progress(total, total);
  finish_tables(m);
  return m;
}

// ---- digest ----
namespace {

class Hasher {
 public:
  Hasher() { crypto_generichash_init(&st_, nullptr, 0, 32); }
  ByteWriter& w() { return w_; }
  void str(const std::string& s) {
    w_.u64(s.size());
    w_.text(s);
  }
  void section(const char* tag, uint64_t count) {
    str(tag);
    w_.u64(count);
  }
  void drain() {
    crypto_generichash_update(&st_, buf_.data(), buf_.size());
    buf_.clear();
  }
  // After each row: hashes in 64 KiB pieces instead of buffering whole tables (the hash of a
  // stream does not depend on where it is cut).
  void row_done() {
    if (buf_.size() >= 64 * 1024) drain();
  }
  std::string hex() {
    drain();
    unsigned char out[32];
    crypto_generichash_final(&st_, out, sizeof out);
    static const char* digits = "0123456789abcdef";
    std::string h;
    for (unsigned char c : out) {
      h += digits[c >> 4];
      h += digits[c & 15];
    }
    return h;
  }

 private:
  crypto_generichash_state st_;
  std::vector<uint8_t> buf_;
  ByteWriter w_{buf_};
};

void hash_tables(Hasher& h, const MergedRecording& m) {
  ByteWriter& w = h.w();
  h.section("spikes", m.spikes.size());
  for (const auto& r : m.spikes) {
    w.i64(r.t), w.u16(r.site), w.u32(r.index), w.u8(r.kind);
    h.row_done();
  }
  h.section("inputs", m.inputs.size());
  for (const auto& r : m.inputs) {
    w.i64(r.t), w.u16(r.post_site), w.u32(r.post_index), w.u32(r.synapse), w.f32(r.weight), w.u16(r.log_site);
    w.i64(r.arrival_ns);
    h.row_done();
  }
  h.section("stimuli", m.stimuli.size());
  for (const auto& r : m.stimuli) {
    w.i64(r.t), w.u16(r.log_site), w.u16(r.electrode), w.f32(r.amplitude), w.f32(r.width_s), w.f32(r.charge_c);
    w.u32(r.synapse), w.u8(r.outcome), w.u8(r.cathodic_first);
    h.row_done();
  }
}

void hash_groups(Hasher& h, const MergedRecording& m) {
  ByteWriter& w = h.w();
  h.section("synapses", m.synapses.size());
  for (const auto& [id, rows] : m.synapses) {
    w.u32(id), w.u64(rows.size());
    for (const auto& r : rows) {
      w.i64(r.t), w.f32(r.resistance_ohm), w.f32(r.weight), w.i8(r.action), w.u16(r.log_site);
      h.row_done();
    }
  }
  h.section("links", m.links.size());
  for (const auto& [k, rows] : m.links) {
    w.u16(k.first), w.u16(k.second), w.u64(rows.size());
    for (const auto& r : rows) {
      w.i64(r.t);
      for (uint64_t c : {r.sent, r.received, r.events_sent, r.events_received, r.lost, r.duplicated, r.reordered,
                         r.late, r.rejected, r.malformed}) {
        w.u64(c);
      }
      w.i64(r.rtt_ns), w.i64(r.clock_offset_ns), w.i64(r.clock_uncertainty_ns), w.u8(r.peer_up ? 1 : 0);
      h.row_done();
    }
  }
  h.section("clock", m.clocks.size());
  for (const auto& [site, rows] : m.clocks) {
    w.u16(site), w.u64(rows.size());
    for (const auto& r : rows) {
      w.i64(r.local_ns), w.i64(r.experiment_ns), w.i64(r.offset_ns), w.i64(r.uncertainty_ns);
      h.row_done();
    }
  }
}

}  // namespace

std::string digest(const MergedRecording& m) {
  if (sodium_init() < 0) return "";
  Hasher h;
  ByteWriter& w = h.w();
  h.section("ion-recording-digest-v1", 1);
  h.str(m.experiment_name), h.str(m.seed), h.str(m.experiment_file);
  h.section("sites", m.sites.size());
  for (const auto& s : m.sites) w.u16(s.id), h.str(s.name), w.u64(s.records), w.u64(s.tail.dropped_bytes);
  hash_tables(h, m);
  hash_groups(h, m);
  h.section("sessions", m.sessions.size());
  for (const auto& s : m.sessions) w.u16(s.site), w.u8(s.resumed), w.i64(s.local_ns);
  h.section("notes", m.notes.size());
  for (const auto& n : m.notes) w.u16(n.site), w.i64(n.t), w.u16(n.kind), h.str(n.text);
  return h.hex();
}

}  // namespace ion::record
