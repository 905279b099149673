// SPDX-License-Identifier: Apache-2.0
#include "export/nwb_export.hpp"

#include "export/nwb_ecephys.hpp"
#include "export/nwb_parts.hpp"
#include "export/nwb_spec.hpp"
#include "record/hdf5_export.hpp"
#include "report/describe.hpp"

namespace ion::nwb {
namespace h5 = record::h5;
namespace {

struct Start {
  int64_t wall_ns = 0;
  std::string says;  // what session_start_time is, for the description
};

// Wall clock at experiment time 0 in a real-time run: a site's first session pairs its local clock
// with the wall clock, its first clock sample pairs the local clock with experiment time, so
// wall(0) = session wall + (sample local − sample experiment − session local); the lowest site id
// that has both (drift over the few seconds between them is ppm-small). 0: no site has both.
int64_t wall_at_experiment_zero(const record::MergedRecording& m) {
  for (const auto& s : m.sessions) {
    auto c = m.clocks.find(s.site);
    if (s.resumed || s.wall_ns == 0 || c == m.clocks.end() || c->second.empty()) continue;
    const auto& k = c->second.front();
    return s.wall_ns + (k.local_ns - k.experiment_ns - s.local_ns);
  }
  return 0;
}

Start session_start(const record::MergedRecording& m, const NwbOptions& o) {
  if (int64_t w = record::start_wall_ns(m)) return {w, "the wall clock (UTC) when the first site opened its log"};
  if (o.runner_start_wall_ns)
    return {o.runner_start_wall_ns,
            "the wall clock (UTC) when `ion run` started the simulation (a simulated "
            "run reads no wall clock)"};
  return {0,
          "a placeholder (1970-01-01): the logs are of a simulated run, which reads no wall clock, and no "
          "runner start time was given"};
}

// timestamps_reference_time: experiment time 0 on the wall clock when the logs tell it, else the
// session start (simulated runs: experiment time 0 is when the simulation starts).
Start reference(const record::MergedRecording& m, const Start& session) {
  if (int64_t w = wall_at_experiment_zero(m))
    return {w,
            "the wall clock at experiment time 0 (after the clock-sync warm-up), from the first site's "
            "session start and first clock-sync sample"};
  return {session.wall_ns, "session_start_time"};
}

std::string session_description(const record::MergedRecording& m, const experiment::Experiment& e, const Start& s,
                                const Start& ref) {
  const bool sim = record::start_wall_ns(m) == 0;
  return "ion experiment '" + e.name + "' (" + std::to_string(e.sites.size()) + " sites, " +
         std::to_string(e.neurons.size()) + " neurons, " + std::to_string(e.synapses.size()) + " synapses), run in " +
         (sim ? "simulated time" : "real time") + ", seed " + m.seed + ". session_start_time is " + s.says +
         "; timestamps_reference_time is " + ref.says + "; every timestamp is experiment time in seconds.";
}

Status write_general(hid_t file, const Context& c) {
  ION_TRY_ASSIGN(auto g, c.b.group(file, "general"));
  const hid_t id = g.get();
  const auto& e = c.e;
  if (!e.experimenter.empty()) ION_TRY(c.b.texts(id, "experimenter", {e.experimenter}));
  if (!e.lab.empty()) ION_TRY(c.b.text(id, "lab", e.lab));
  if (!e.institution.empty()) ION_TRY(c.b.text(id, "institution", e.institution));
  ION_TRY(c.b.text(id, "experiment_description", "ion experiment '" + e.name + "' (" + e.source_name + ")"));
  // The experiment file the sites ran, verbatim: the protocol of this session.
  ION_TRY(c.b.text(id, "protocol", c.m.experiment_file));
  return c.b.text(id, "notes",
                  "seed " + c.m.seed + "; recording digest " + record::digest(c.m) + "; written by ion " +
                      record::ion_version() + "; general/protocol holds the experiment file (TOML) the sites ran");
}

Status write_root(hid_t file, const Context& c, const NwbOptions& o) {
  const Start s = session_start(c.m, o), ref = reference(c.m, s);
  ION_TRY(c.b.mark(file, "NWBFile", kCore));
  ION_TRY(h5::attr_string(file, "nwb_version", kNwbVersion));
  ION_TRY(c.b.texts(file, "file_create_date", {iso8601(o.file_create_wall_ns)}));
  ION_TRY(c.b.text(file, "identifier", "ion-" + record::digest(c.m)));
  ION_TRY(c.b.text(file, "session_description", session_description(c.m, c.e, s, ref)));
  ION_TRY(c.b.text(file, "session_start_time", iso8601(s.wall_ns)));
  ION_TRY(c.b.text(file, "timestamps_reference_time", iso8601(ref.wall_ns)));
  for (const char* name : {"acquisition", "analysis"}) ION_TRY(c.b.group(file, name).status());
  return write_general(file, c);
}

Status write_all(hid_t file, Context& c, const NwbOptions& o) {
  ION_TRY(write_root(file, c, o));
  ION_TRY(write_ecephys(file, c, o.run_dir));
  ION_TRY(write_units(file, c));
  ION_TRY_ASSIGN(auto stimulus, c.b.group(file, "stimulus"));
  ION_TRY_ASSIGN(auto presentation, c.b.group(stimulus.get(), "presentation"));
  ION_TRY(c.b.group(stimulus.get(), "templates").status());
  ION_TRY(write_stimulus(presentation.get(), c));
  ION_TRY_ASSIGN(auto processing, c.b.group(file, "processing"));
  ION_TRY(write_processing(processing.get(), c));
  return write_specifications(file, c.b);
}

// The file built in memory (HDF5's core driver, no backing store), as record/hdf5_export.cpp does
// for recording.h5 and for the same reason: HDF5 never writes to disk, the Storage does.
Result<std::vector<uint8_t>> image_of(Context& c, const NwbOptions& o) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors come back as Status, not stderr noise
  Id fapl(H5Pcreate(H5P_FILE_ACCESS));
  if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), 1 << 20, false) < 0 ||
      H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG) < 0)
    return h5::error_status("set up the in-memory NWB file");
  Id fcpl(H5Pcreate(H5P_FILE_CREATE));
  H5Pset_obj_track_times(fcpl.get(), false);  // the root group too: no time in the bytes
  Id file(H5Fcreate("ion-nwb-image", H5F_ACC_TRUNC, fcpl.get(), fapl.get()));
  if (!file.ok()) return h5::error_status("create the NWB file in memory");
  ION_TRY(write_all(file.get(), c, o));
  if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) return h5::error_status("flush the NWB file");
  const ssize_t size = H5Fget_file_image(file.get(), nullptr, 0);
  if (size <= 0) return h5::error_status("get the image of the NWB file");
  std::vector<uint8_t> image(static_cast<size_t>(size));
  if (H5Fget_file_image(file.get(), image.data(), image.size()) != size)
    return h5::error_status("copy the NWB file image");
  ION_TRY(h5::close(std::move(file), "the NWB file"));
  return image;
}

}  // namespace

Result<std::vector<uint8_t>> build_nwb(const record::MergedRecording& m, const experiment::Experiment& e,
                                       const NwbOptions& o) {
  const Builder b(record::digest(m));
  Context c{b, m, e, report::describe_recording(e), {}};
  return image_of(c, o);
}

Status write_nwb(const record::MergedRecording& m, const experiment::Experiment& e, const std::string& path,
                 const NwbOptions& o, Storage& storage) {
  auto image = build_nwb(m, e, o);
  if (!image) return image.status().prefixed("writing " + path + ": ");
  return storage.write_file_atomic(path, *image);
}

}  // namespace ion::nwb
