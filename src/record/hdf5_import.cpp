// SPDX-License-Identifier: Apache-2.0
#include "record/hdf5_import.hpp"

#include <cstddef>
#include <initializer_list>
#include <utility>

#include "record/h5_read.hpp"
#include "record/hdf5_export.hpp"

namespace ion::record {
namespace {

using h5::Field;
using h5::Reader;

// Adds member `f` of memory row T, stored under its own name, to a field list.
#define ION_H5_FIELD(T, f, type) \
  Field { #f, offsetof(T, f), (type) }

// Memory rows of the tables with strings (the reader hands the strings back separately).
struct SiteMem {
  uint16_t id;
  const char* name;
  uint64_t records, file_bytes, dropped_bytes, unknown_records, malformed_records;
  const char* tail_state;
};
struct NoteMem {
  uint16_t site;
  int64_t t_ns;
  uint16_t kind;
  const char* text;
};

template <class Row>
Result<std::vector<Row>> rows(const Reader& r, const std::string& path, const std::vector<Field>& fields,
                              std::vector<std::string>& strings) {
  std::vector<char> bytes;
  size_t n = 0;
  ION_TRY(r.table(path, sizeof(Row), fields, bytes, strings, n));
  std::vector<Row> v(n);
  if (n > 0) std::memcpy(static_cast<void*>(v.data()), bytes.data(), n * sizeof(Row));
  return v;
}
template <class Row>
Result<std::vector<Row>> rows(const Reader& r, const std::string& path, const std::vector<Field>& fields) {
  std::vector<std::string> none;
  return rows<Row>(r, path, fields, none);
}

std::optional<TailState> tail_state(const std::string& s) {
  for (auto t : {TailState::clean, TailState::torn, TailState::corrupt, TailState::io_error}) {
    if (s == tail_state_name(t)) return t;
  }
  return std::nullopt;
}

// /sites: the log's report as far as the file keeps it (state, sizes, counts).
Status read_sites(const Reader& r, MergedRecording& m) {
  const hid_t str = H5T_C_S1, u64 = H5T_NATIVE_UINT64;
  std::vector<std::string> s;
  ION_TRY_ASSIGN(auto v,
                 rows<SiteMem>(r, "/sites",
                               {ION_H5_FIELD(SiteMem, id, H5T_NATIVE_UINT16), ION_H5_FIELD(SiteMem, name, str),
                                ION_H5_FIELD(SiteMem, records, u64), ION_H5_FIELD(SiteMem, file_bytes, u64),
                                ION_H5_FIELD(SiteMem, dropped_bytes, u64), ION_H5_FIELD(SiteMem, unknown_records, u64),
                                ION_H5_FIELD(SiteMem, malformed_records, u64), ION_H5_FIELD(SiteMem, tail_state, str)},
                               s));
  for (size_t i = 0; i < v.size(); ++i) {
    const SiteMem& row = v[i];
    const auto state = tail_state(s[2 * i + 1]);
    if (!state) return r.bad("/sites", "row " + std::to_string(i) + ": unknown tail_state '" + s[2 * i + 1] + "'");
    if (row.dropped_bytes > row.file_bytes)
      return r.bad("/sites", "row " + std::to_string(i) + ": dropped_bytes > file_bytes");
    ScanReport t;
    t.state = *state;
    t.file_bytes = row.file_bytes, t.dropped_bytes = row.dropped_bytes, t.records = row.records;
    t.good_bytes = row.file_bytes - row.dropped_bytes;
    t.problem_offset = *state == TailState::clean ? 0 : t.good_bytes;
    t.problem = *state == TailState::clean ? "" : "(the reason is not kept in recording.h5)";
    t.unknown_records = row.unknown_records, t.malformed_records = row.malformed_records;
    m.sites.push_back({row.id, s[2 * i], row.records, t});
  }
  return Status::ok();
}

Status read_events(const Reader& r, MergedRecording& m) {
  const hid_t i64 = H5T_NATIVE_INT64, u16 = H5T_NATIVE_UINT16, u32 = H5T_NATIVE_UINT32, f32 = H5T_NATIVE_FLOAT;
  using S = SpikeRow;
  ION_TRY_ASSIGN(m.spikes,
                 rows<S>(r, "/spikes",
                         {Field{"t_ns", offsetof(S, t), i64}, ION_H5_FIELD(S, site, u16), ION_H5_FIELD(S, index, u32),
                          ION_H5_FIELD(S, kind, H5T_NATIVE_UINT8), ION_H5_FIELD(S, log_site, u16)}));
  using I = InputRow;
  ION_TRY_ASSIGN(m.inputs,
                 rows<I>(r, "/inputs",
                         {Field{"t_ns", offsetof(I, t), i64}, ION_H5_FIELD(I, post_site, u16),
                          ION_H5_FIELD(I, post_index, u32), ION_H5_FIELD(I, synapse, u32), ION_H5_FIELD(I, weight, f32),
                          ION_H5_FIELD(I, log_site, u16), ION_H5_FIELD(I, arrival_ns, i64)}));
  using T = StimulusRow;
  ION_TRY_ASSIGN(m.stimuli, rows<T>(r, "/stimuli",
                                    {Field{"t_ns", offsetof(T, t), i64}, ION_H5_FIELD(T, log_site, u16),
                                     ION_H5_FIELD(T, electrode, u16), ION_H5_FIELD(T, amplitude, f32),
                                     ION_H5_FIELD(T, width_s, f32), ION_H5_FIELD(T, charge_c, f32),
                                     ION_H5_FIELD(T, synapse, u32), ION_H5_FIELD(T, outcome, H5T_NATIVE_UINT8),
                                     ION_H5_FIELD(T, cathodic_first, H5T_NATIVE_UINT8)}));
  return Status::ok();
}

// /sessions, then /notes (each fed to add_note as merge_logs feeds the logs' notes).
Status read_sessions_and_notes(const Reader& r, MergedRecording& m) {
  using S = SessionRow;
  ION_TRY_ASSIGN(m.sessions,
                 rows<S>(r, "/sessions",
                         {ION_H5_FIELD(S, site, H5T_NATIVE_UINT16), ION_H5_FIELD(S, epoch, H5T_NATIVE_UINT64),
                          ION_H5_FIELD(S, resumed, H5T_NATIVE_UINT8), ION_H5_FIELD(S, local_ns, H5T_NATIVE_INT64),
                          ION_H5_FIELD(S, wall_ns, H5T_NATIVE_INT64)}));
  std::vector<std::string> text;
  ION_TRY_ASSIGN(
      auto notes,
      rows<NoteMem>(r, "/notes",
                    {ION_H5_FIELD(NoteMem, site, H5T_NATIVE_UINT16), ION_H5_FIELD(NoteMem, t_ns, H5T_NATIVE_INT64),
                     ION_H5_FIELD(NoteMem, kind, H5T_NATIVE_UINT16), ION_H5_FIELD(NoteMem, text, H5T_C_S1)},
                    text));
  for (size_t i = 0; i < notes.size(); ++i)
    add_note(m, notes[i].site, Note{notes[i].t_ns, static_cast<NoteKind>(notes[i].kind), std::move(text[i])});
  return Status::ok();
}

// One column of a group of equal-length columns into member `member` of each row; the first
// column (`sizes`) sets the number of rows, the others must have as many.
template <class Row, class T>
Status fill(const Reader& r, const std::string& g, const char* name, std::vector<Row>& out, T Row::*member,
            bool sizes = false) {
  ION_TRY_ASSIGN(auto v, r.column<T>(g + "/" + name));
  if (sizes) out.resize(v.size());
  if (v.size() != out.size())
    return r.bad(g + "/" + name,
                 "has " + std::to_string(v.size()) + " rows, the group's first column " + std::to_string(out.size()));
  for (size_t i = 0; i < v.size(); ++i) out[i].*member = v[i];
  return Status::ok();
}

// The attribute naming a group's key, and that no other group had the same one.
template <class K, class Map>
Result<K> group_key(const Reader& r, const std::string& g, const char* attr, const Map& seen) {
  ION_TRY_ASSIGN(K key, r.attr<K>(g, attr));
  if (seen.count(key) != 0) return r.bad(g, std::string("a second group for ") + attr + " " + std::to_string(key));
  return key;
}

// Steps of read_hdf5_file's progress: part p (of kParts) done to k/n of its kHdf5ReadStep steps.
class Steps {
 public:
  static constexpr uint64_t kParts = 7;
  explicit Steps(const ReadProgress& f) : f_(f) {}
  void at(size_t k, size_t n) const {
    if (f_) f_(part_ * kHdf5ReadStep + (n ? k * kHdf5ReadStep / n : kHdf5ReadStep), kParts * kHdf5ReadStep);
  }
  void part_done() {
    at(1, 1);
    ++part_;
  }

 private:
  const ReadProgress& f_;
  uint64_t part_ = 0;
};

Status read_weights(const Reader& r, const std::string& top, MergedRecording& m, const Steps& steps) {
  ION_TRY_ASSIGN(auto names, r.children(top));
  for (size_t k = 0; k < names.size(); ++k) {
    steps.at(k, names.size());
    const std::string& name = names[k];
    const std::string g = top + "/" + name;
    ION_TRY_ASSIGN(auto id, group_key<uint32_t>(r, g, "id", m.synapses));
    std::vector<WeightRow> v;
    ION_TRY(fill(r, g, "t_ns", v, &WeightRow::t, true));
    ION_TRY(fill(r, g, "resistance_ohm", v, &WeightRow::resistance_ohm));
    ION_TRY(fill(r, g, "weight", v, &WeightRow::weight));
    ION_TRY(fill(r, g, "action", v, &WeightRow::action));
    ION_TRY(fill(r, g, "log_site", v, &WeightRow::log_site));
    m.synapses[id] = std::move(v);
  }
  return Status::ok();
}

Status read_link(const Reader& r, const std::string& g, std::vector<LinkStats>& v) {
  using L = LinkStats;
  ION_TRY(fill(r, g, "t_ns", v, &L::t, true));
  using Counter = std::pair<const char*, uint64_t L::*>;
  for (const auto& [name, member] : std::initializer_list<Counter>{{"sent", &L::sent},
                                                                   {"received", &L::received},
                                                                   {"events_sent", &L::events_sent},
                                                                   {"events_received", &L::events_received},
                                                                   {"lost", &L::lost},
                                                                   {"duplicated", &L::duplicated},
                                                                   {"reordered", &L::reordered},
                                                                   {"late", &L::late},
                                                                   {"rejected", &L::rejected},
                                                                   {"malformed", &L::malformed}}) {
    ION_TRY(fill(r, g, name, v, member));
  }
  ION_TRY(fill(r, g, "rtt_ns", v, &L::rtt_ns));
  ION_TRY(fill(r, g, "clock_offset_ns", v, &L::clock_offset_ns));
  ION_TRY(fill(r, g, "clock_uncertainty_ns", v, &L::clock_uncertainty_ns));
  ION_TRY_ASSIGN(auto up, r.column<uint8_t>(g + "/peer_up"));
  if (up.size() != v.size())
    return r.bad(g + "/peer_up", "has " + std::to_string(up.size()) + " rows, t_ns " + std::to_string(v.size()));
  for (size_t i = 0; i < v.size(); ++i) {
    if (up[i] > 1)
      return r.bad(g + "/peer_up", "row " + std::to_string(i) + " is " + std::to_string(up[i]) + ", expected 0 or 1");
    v[i].peer_up = up[i] == 1;
  }
  return Status::ok();
}

Status read_links(const Reader& r, MergedRecording& m, const Steps& steps) {
  ION_TRY_ASSIGN(auto names, r.children("/links"));
  for (size_t k = 0; k < names.size(); ++k) {
    steps.at(k, names.size());
    const std::string& name = names[k];
    const std::string g = "/links/" + name;
    ION_TRY_ASSIGN(auto site, r.attr<uint16_t>(g, "site"));
    ION_TRY_ASSIGN(auto peer, r.attr<uint16_t>(g, "peer"));
    if (m.links.count({site, peer}) != 0)
      return r.bad(g, "a second group for site " + std::to_string(site) + " peer " + std::to_string(peer));
    std::vector<LinkStats> v;
    ION_TRY(read_link(r, g, v));
    for (auto& row : v) row.peer = peer;
    m.links[{site, peer}] = std::move(v);
  }
  return Status::ok();
}

Status read_clocks(const Reader& r, MergedRecording& m, const Steps& steps) {
  ION_TRY_ASSIGN(auto names, r.children("/clock"));
  for (size_t k = 0; k < names.size(); ++k) {
    steps.at(k, names.size());
    const std::string& name = names[k];
    const std::string g = "/clock/" + name;
    ION_TRY_ASSIGN(auto site, group_key<uint16_t>(r, g, "site", m.clocks));
    std::vector<ClockSample> v;
    ION_TRY(fill(r, g, "local_ns", v, &ClockSample::local_ns, true));
    ION_TRY(fill(r, g, "experiment_ns", v, &ClockSample::experiment_ns));
    ION_TRY(fill(r, g, "offset_ns", v, &ClockSample::offset_ns));
    ION_TRY(fill(r, g, "uncertainty_ns", v, &ClockSample::uncertainty_ns));
    m.clocks[site] = std::move(v);
  }
  return Status::ok();
}

// /meta: format_version (1 or 2), digest and how the run ended.
Status read_meta(const Reader& r, Hdf5Recording& out) {
  ION_TRY(r.group("/meta").status());
  ION_TRY_ASSIGN(out.format_version, r.attr<uint32_t>("/meta", "format_version"));
  if (out.format_version < 1 || out.format_version > kHdf5FormatVersion)
    return error(Errc::invalid_argument, r.path() + ": /meta format_version is " + std::to_string(out.format_version) +
                                             "; this ion reads formats 1 to " + std::to_string(kHdf5FormatVersion));
  ION_TRY_ASSIGN(out.digest, r.attr_string("/meta", "digest"));
  if (!r.has_attr("/meta", "run_status")) return Status::ok();  // not written by every format-1 exporter
  ION_TRY_ASSIGN(auto status, r.attr_string("/meta", "run_status"));
  RunOutcome o;
  bool known = false;
  for (auto s : {RunStatus::complete, RunStatus::interrupted, RunStatus::incomplete}) {
    if (status == run_status_name(s)) o.status = s, known = true;
  }
  if (!known) return r.bad("/meta", "run_status is '" + status + "', expected complete, interrupted or incomplete");
  ION_TRY_ASSIGN(o.detail, r.attr_string("/meta", "run_detail"));
  if (r.has_attr("/meta", "run_ended_at_ns")) {
    ION_TRY_ASSIGN(o.ended_at_ns, r.attr<int64_t>("/meta", "run_ended_at_ns"));
  }
  out.outcome = o;
  return Status::ok();
}

}  // namespace

Result<Hdf5Recording> read_hdf5_file(const std::string& path, const ReadProgress& progress) {
  ION_TRY_ASSIGN(auto r, Reader::open(path));
  Hdf5Recording out;
  Steps steps(progress);
  steps.at(0, 1);
  ION_TRY(read_meta(r, out));
  steps.part_done();
  MergedRecording& m = out.merged;
  ION_TRY(read_sites(r, m));
  steps.part_done();
  ION_TRY(read_events(r, m));
  steps.part_done();
  ION_TRY(read_weights(r, out.format_version >= 2 ? "/weights" : "/synapses", m, steps));
  steps.part_done();
  ION_TRY(read_links(r, m, steps));
  steps.part_done();
  ION_TRY(read_clocks(r, m, steps));
  steps.part_done();
  ION_TRY(read_sessions_and_notes(r, m));
  steps.part_done();
  return out;
}

}  // namespace ion::record
