// SPDX-License-Identifier: Apache-2.0
#pragma once
// Merging several sites' event logs into one in-memory recording (what the HDF5 file holds),
// and a digest of its values. Content is independent of the order the logs are given in:
// every table is sorted by its full row.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.hpp"
#include "record/log_reader.hpp"
#include "record/records.hpp"

namespace ion::record {

struct SiteRow {
  SiteId id = kNoSite;
  std::string name;
  uint64_t records = 0;
  ScanReport tail;
};
struct SpikeRow {
  Time t = 0;
  SiteId site = kNoSite;
  uint32_t index = 0;
  uint8_t kind = 0;
  SiteId log_site = kNoSite;  // the (lowest-id) site whose log recorded it
};
struct InputRow {
  Time t = 0;
  SiteId post_site = kNoSite;
  uint32_t post_index = 0;
  SynapseId synapse = 0;
  float weight = 0;
  SiteId log_site = kNoSite;
  Time arrival_ns = kNoArrival;  // when the post site received it (kNoArrival: not recorded)
};
struct StimulusRow {
  Time t = 0;
  SiteId log_site = kNoSite;
  ElectrodeId electrode = 0;
  float amplitude = 0, width_s = 0, charge_c = 0;
  SynapseId synapse = 0;
  uint8_t outcome = 0, cathodic_first = 0;
};
struct WeightRow {
  Time t = 0;
  float resistance_ohm = 0, weight = 0;
  int8_t action = 0;
  SiteId log_site = kNoSite;
};
struct SessionRow {
  SiteId site = kNoSite;
  uint64_t epoch = 0;
  uint8_t resumed = 0;
  Time local_ns = 0;
  int64_t wall_ns = 0;
};
struct NoteRow {
  SiteId site = kNoSite;
  Time t = 0;
  uint16_t kind = 0;
  std::string text;
};

struct MergedRecording {
  std::string experiment_name;                     // from the first experiment_name note (lowest site id), else ""
  std::string seed;                                // decimal text of the first seed note, else ""
  std::string experiment_file;                     // text of the first experiment_file note, else ""
  std::vector<SiteRow> sites;                      // by id
  std::map<SiteId, std::string> site_names;        // logs' headers + site_names notes
  std::map<NeuronAddr, std::string> neuron_names;  // neuron_names notes
  std::map<SynapseId, std::string> synapse_names;  // synapse_names notes
  std::vector<SpikeRow> spikes;                    // by (t, site, index, kind); duplicates merged
  std::vector<InputRow> inputs;
  std::vector<StimulusRow> stimuli;
  std::map<SynapseId, std::vector<WeightRow>> synapses;
  std::map<std::pair<SiteId, SiteId>, std::vector<LinkStats>> links;  // (recording site, peer)
  std::map<SiteId, std::vector<ClockSample>> clocks;
  std::vector<SessionRow> sessions;  // by site, then log order
  std::vector<NoteRow> notes;        // all notes, by site then log order
  std::vector<NoteRow> gaps;         // the gap notes again

  // A site's display name: its log header's name, else a site_names note, else "site<id>".
  std::string site_name(SiteId id) const;
};

// Appends note `n` recorded by `site` to m.notes (and m.gaps), and takes from it what the notes
// say: the first experiment name, seed and experiment file, and the site/neuron/synapse names.
// merge_logs calls it for every note in order; the HDF5 import for every /notes row.
void add_note(MergedRecording& m, SiteId site, const Note& n);

// Adds the names of a site_names / neuron_names / synapse_names note ("id=name" lines) to the
// maps; other notes and malformed lines are ignored. Used by merge_logs and `ion inspect`.
void read_name_note(const Note& n, std::map<SiteId, std::string>& sites, std::map<NeuronAddr, std::string>& neurons,
                    std::map<SynapseId, std::string>& synapses);

// Called while merging with the bytes of the logs read so far and the logs' total size (a
// progress bar); about every 64 KiB and once at the end.
using MergeProgress = std::function<void(uint64_t read_bytes, uint64_t total_bytes)>;

// The two halves of merge_logs, for a recording built record by record (record/log_tail.hpp):
// absorb_record appends one record of `site`'s log (unsorted); sort_merged then orders every
// table as merge_logs does and merges duplicate spikes.
void absorb_record(MergedRecording& m, SiteId site, const Record& r);
void sort_merged(MergedRecording& m);

// Reads every log (stopping each at its last good record) and merges them.
// Errors: a log that cannot be opened, two logs of the same site id.
Result<MergedRecording> merge_logs(const std::vector<std::string>& paths, const MergeProgress& progress = {});

// BLAKE2b-256 (hex) over the recorded values in a canonical order (docs/recording.md, "Digest").
// Excludes wall-clock times, session epochs, the ion version and file paths, so simulated runs
// with the same seed give the same digest.
std::string digest(const MergedRecording& m);

}  // namespace ion::record
