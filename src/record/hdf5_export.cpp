// SPDX-License-Identifier: Apache-2.0
#include "record/hdf5_export.hpp"

#include <cstddef>

#include "record/h5_util.hpp"
#include "record/hdf5_tables.hpp"

#ifndef ION_VERSION_STRING
#define ION_VERSION_STRING "unknown"
#endif

namespace ion::record {
namespace {

using h5::Compound;
using h5::DatasetOptions;
using h5::Id;

// Memory row of /sites (strings as borrowed C strings).
struct H5Site {
  uint16_t id;
  const char* name;
  uint64_t records, file_bytes, dropped_bytes, unknown_records, malformed_records;
  const char* tail_state;
};

template <class T, class Rows, class F>
Status column(hid_t g, const char* name, const Rows& rows, F get, const DatasetOptions& o) {
  std::vector<T> v;
  v.reserve(rows.size());
  for (const auto& r : rows) v.push_back(static_cast<T>(get(r)));
  return h5::write_vector(g, name, v, o);
}

// A time column: "<stem>_ns" (int64 ns) and beside it "<stem>_s" (float64 s, h5::seconds).
template <class Rows, class F>
Status time_column(hid_t g, const std::string& stem, const Rows& rows, F get, const DatasetOptions& o) {
  ION_TRY(column<int64_t>(g, (stem + "_ns").c_str(), rows, get, o));
  return column<double>(
      g, (stem + "_s").c_str(), rows, [&](const auto& r) { return h5::seconds(get(r)); }, o);
}

// An int64 ns attribute "<stem>_ns" and its float64 seconds twin "<stem>_s".
Status time_attr(hid_t obj, const std::string& stem, int64_t ns) {
  ION_TRY(h5::attr<int64_t>(obj, stem + "_ns", ns));
  return h5::attr<double>(obj, stem + "_s", h5::seconds(ns));
}

// How the run ended: /meta attributes run_status, run_detail and (when known) run_ended_at_ns/_s.
Status write_outcome(hid_t meta, const RunOutcome& o) {
  ION_TRY(h5::attr_string(meta, "run_status", run_status_name(o.status)));
  ION_TRY(h5::attr_string(meta, "run_detail", o.detail));
  return o.ended_at_ns ? time_attr(meta, "run_ended_at", *o.ended_at_ns) : Status::ok();
}

Status write_meta(hid_t file, const MergedRecording& m, const std::string& dig, const ExportOptions& options) {
  ION_TRY_ASSIGN(auto g, h5::create_group(file, "meta"));
  const hid_t id = g.get();
  ION_TRY(write_outcome(id, options.outcome ? *options.outcome : outcome_from_notes(m)));
  ION_TRY(h5::attr_string(id, "experiment_name", m.experiment_name));
  ION_TRY(h5::attr_string(id, "seed", m.seed));
  ION_TRY(h5::attr_string(id, "experiment_file", m.experiment_file));
  ION_TRY(h5::attr_string(id, "ion_version", ION_VERSION_STRING));
  ION_TRY(h5::attr<uint32_t>(id, "format_version", kHdf5FormatVersion));
  ION_TRY(h5::attr_string(id, "digest", dig));
  ION_TRY(time_attr(id, "start_wall", start_wall_ns(m)));
  std::vector<std::string> names;
  for (const auto& s : m.sites) names.push_back(s.name);
  ION_TRY(h5::attr_strings(id, "sites", names));
  std::vector<uint16_t> ids;
  for (const auto& s : m.sites) ids.push_back(s.id);
  return h5::write_vector(id, "site_ids", ids, {});
}

Status write_sites(hid_t file, const MergedRecording& m, const DatasetOptions& o) {
  Id str = h5::string_type();
  Compound t(sizeof(H5Site));
  t.add("id", offsetof(H5Site, id), H5T_NATIVE_UINT16).add("name", offsetof(H5Site, name), str.get());
  t.add("records", offsetof(H5Site, records), H5T_NATIVE_UINT64)
      .add("file_bytes", offsetof(H5Site, file_bytes), H5T_NATIVE_UINT64)
      .add("dropped_bytes", offsetof(H5Site, dropped_bytes), H5T_NATIVE_UINT64)
      .add("unknown_records", offsetof(H5Site, unknown_records), H5T_NATIVE_UINT64)
      .add("malformed_records", offsetof(H5Site, malformed_records), H5T_NATIVE_UINT64)
      .add("tail_state", offsetof(H5Site, tail_state), str.get());
  std::vector<H5Site> rows;
  for (const auto& s : m.sites) {
    rows.push_back({s.id, s.name.c_str(), s.records, s.tail.file_bytes, s.tail.dropped_bytes, s.tail.unknown_records,
                    s.tail.malformed_records, tail_state_name(s.tail.state)});
  }
  return h5::write_dataset(file, "sites", t.get(), rows.size(), rows.data(), o);
}

// /weights/<id>/: every weight record of one synapse (its description is the /synapses row).
Status write_weights(hid_t file, const MergedRecording& m, const DatasetOptions& o) {
  ION_TRY_ASSIGN(auto top, h5::create_group(file, "weights"));
  for (const auto& [id, rows] : m.synapses) {
    ION_TRY_ASSIGN(auto g, h5::create_group(top.get(), std::to_string(id)));
    const hid_t gid = g.get();
    ION_TRY(h5::attr<uint32_t>(gid, "id", id));
    auto name = m.synapse_names.find(id);
    ION_TRY(h5::attr_string(gid, "name", name == m.synapse_names.end() ? "" : name->second));
    ION_TRY(time_column(
        gid, "t", rows, [](const WeightRow& r) { return r.t; }, o));
    ION_TRY(column<float>(
        gid, "resistance_ohm", rows, [](const WeightRow& r) { return r.resistance_ohm; }, o));
    ION_TRY(column<float>(
        gid, "weight", rows, [](const WeightRow& r) { return r.weight; }, o));
    ION_TRY(column<int8_t>(
        gid, "action", rows, [](const WeightRow& r) { return r.action; }, o));
    ION_TRY(column<uint16_t>(
        gid, "log_site", rows, [](const WeightRow& r) { return r.log_site; }, o));
  }
  return Status::ok();
}

Status write_link_columns(hid_t g, const std::vector<LinkStats>& rows, const DatasetOptions& o) {
  using L = LinkStats;
  ION_TRY(time_column(
      g, "t", rows, [](const L& r) { return r.t; }, o));
  ION_TRY(column<uint64_t>(
      g, "sent", rows, [](const L& r) { return r.sent; }, o));
  ION_TRY(column<uint64_t>(
      g, "received", rows, [](const L& r) { return r.received; }, o));
  ION_TRY(column<uint64_t>(
      g, "events_sent", rows, [](const L& r) { return r.events_sent; }, o));
  ION_TRY(column<uint64_t>(
      g, "events_received", rows, [](const L& r) { return r.events_received; }, o));
  ION_TRY(column<uint64_t>(
      g, "lost", rows, [](const L& r) { return r.lost; }, o));
  ION_TRY(column<uint64_t>(
      g, "duplicated", rows, [](const L& r) { return r.duplicated; }, o));
  ION_TRY(column<uint64_t>(
      g, "reordered", rows, [](const L& r) { return r.reordered; }, o));
  ION_TRY(column<uint64_t>(
      g, "late", rows, [](const L& r) { return r.late; }, o));
  ION_TRY(column<uint64_t>(
      g, "rejected", rows, [](const L& r) { return r.rejected; }, o));
  ION_TRY(column<uint64_t>(
      g, "malformed", rows, [](const L& r) { return r.malformed; }, o));
  ION_TRY(time_column(
      g, "rtt", rows, [](const L& r) { return r.rtt_ns; }, o));
  ION_TRY(time_column(
      g, "clock_offset", rows, [](const L& r) { return r.clock_offset_ns; }, o));
  ION_TRY(time_column(
      g, "clock_uncertainty", rows, [](const L& r) { return r.clock_uncertainty_ns; }, o));
  return column<uint8_t>(
      g, "peer_up", rows, [](const L& r) { return r.peer_up ? 1 : 0; }, o);
}

// Group names are site names; '/' would nest groups, so it becomes '_'.
std::string path_safe(std::string s) {
  for (char& c : s) {
    if (c == '/') c = '_';
  }
  return s.empty() || s == "." ? "_" : s;
}

Status write_clock_columns(hid_t g, const std::vector<ClockSample>& rows, const DatasetOptions& o) {
  using C = ClockSample;
  ION_TRY(time_column(
      g, "local", rows, [](const C& r) { return r.local_ns; }, o));
  ION_TRY(time_column(
      g, "experiment", rows, [](const C& r) { return r.experiment_ns; }, o));
  ION_TRY(time_column(
      g, "offset", rows, [](const C& r) { return r.offset_ns; }, o));
  return time_column(
      g, "uncertainty", rows, [](const C& r) { return r.uncertainty_ns; }, o);
}

Status write_links_and_clocks(hid_t file, const MergedRecording& m, const DatasetOptions& o) {
  ION_TRY_ASSIGN(auto links, h5::create_group(file, "links"));
  for (const auto& [key, rows] : m.links) {
    ION_TRY_ASSIGN(auto g, h5::create_group(links.get(), path_safe(m.site_name(key.first)) + "-" +
                                                             path_safe(m.site_name(key.second))));
    ION_TRY(h5::attr<uint16_t>(g.get(), "site", key.first));
    ION_TRY(h5::attr<uint16_t>(g.get(), "peer", key.second));
    ION_TRY(write_link_columns(g.get(), rows, o));
  }
  ION_TRY_ASSIGN(auto clock, h5::create_group(file, "clock"));
  for (const auto& [site, rows] : m.clocks) {
    ION_TRY_ASSIGN(auto g, h5::create_group(clock.get(), path_safe(m.site_name(site))));
    ION_TRY(h5::attr<uint16_t>(g.get(), "site", site));
    ION_TRY(write_clock_columns(g.get(), rows, o));
  }
  return Status::ok();
}

Status write_all(hid_t file, const MergedRecording& m, const std::string& dig, const ExportOptions& options) {
  const DatasetOptions o{options.compress};
  ION_TRY(write_meta(file, m, dig, options));
  ION_TRY(write_sites(file, m, o));
  ION_TRY(h5::write_neuron_table(file, m, options.description, o));
  ION_TRY(h5::write_synapse_table(file, m, options.description, o));
  ION_TRY(h5::write_event_tables(file, m, o));
  ION_TRY(write_weights(file, m, o));
  ION_TRY(write_links_and_clocks(file, m, o));
  return h5::write_session_tables(file, m, o);
}

// Builds the whole file in memory (HDF5's "core" driver without a backing store) and returns its
// bytes. HDF5 never touches the disk, so a full disk cannot fail inside the library: with the
// default driver a failed write made H5Fclose fail, the file stayed in HDF5's id table, and the
// library's clean-up at exit (H5_term_library → H5F__close_cb) crashed on it (HDF5 1.10.8; see
// docs/reliability.md, "Storage faults"). The image is written through a Storage instead.
Result<std::vector<uint8_t>> build_image(const MergedRecording& m, const std::string& dig, const std::string& name,
                                         const ExportOptions& options) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors come back as Status, not stderr noise
  Id fapl(H5Pcreate(H5P_FILE_ACCESS));
  if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), 1 << 20, false) < 0 ||
      H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG) < 0)
    return h5::error_status("set up the in-memory file for " + name);
  Id file(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()));
  if (!file.ok()) return h5::error_status("create " + name + " in memory");
  ION_TRY(write_all(file.get(), m, dig, options));
  if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) return h5::error_status("flush " + name);
  const ssize_t size = H5Fget_file_image(file.get(), nullptr, 0);
  if (size <= 0) return h5::error_status("get the image of " + name);
  std::vector<uint8_t> image(static_cast<size_t>(size));
  if (H5Fget_file_image(file.get(), image.data(), image.size()) != size) return h5::error_status("copy " + name);
  ION_TRY(h5::close(std::move(file), name));
  return image;
}

// Writes "<out>.tmp" through `storage`, syncs it and renames it into place (no temporary file is
// left behind on failure).
Status write_file(const MergedRecording& m, const std::string& dig, const std::string& out_path,
                  const ExportOptions& options, Storage& storage) {
  ION_TRY_ASSIGN(auto image, build_image(m, dig, out_path, options));
  return storage.write_file_atomic(out_path, image);
}

}  // namespace

int64_t start_wall_ns(const MergedRecording& m) {
  int64_t first = 0;
  for (const auto& s : m.sessions) {
    if (!s.resumed && s.wall_ns != 0 && (first == 0 || s.wall_ns < first)) first = s.wall_ns;
  }
  return first;
}

const char* ion_version() { return ION_VERSION_STRING; }

Status write_hdf5(const MergedRecording& m, const std::string& out_path, const ExportOptions& options,
                  Storage& storage) {
  return write_file(m, digest(m), out_path, options, storage);
}

Result<ExportResult> export_logs_to_hdf5(const std::vector<std::string>& logs, const std::string& out_path,
                                         const ExportOptions& options, Storage& storage) {
  ION_TRY_ASSIGN(auto m, merge_logs(logs));
  ExportResult r;
  r.digest = digest(m);
  ION_TRY(write_file(m, r.digest, out_path, options, storage));
  r.merged = std::move(m);
  return r;
}

}  // namespace ion::record
