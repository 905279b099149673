// SPDX-License-Identifier: Apache-2.0
#pragma once
// Who is in a recording and in which order to show them: neurons in circuit order (following the
// synapses from the driven neurons, so the built-in experiment reads ANpre, BN, ANpost), one colour
// per neuron group, and how much of the experiment each site's log covers (so that a neuron whose
// site recorded nothing shows "no data", not a rate of 0). Pure functions: no I/O.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "experiment/model.hpp"
#include "record/merge.hpp"

namespace ion::report {

// One [[neurons]] entry (or all addresses of one site that are not neurons of the experiment).
struct NeuronGroup {
  std::string name;             // the entry's name; "unnamed (SITE)" for addresses not in the experiment
  std::string site;             // site name
  size_t first = 0, count = 0;  // its members: Circuit::neurons[first, first + count)
  std::string color;            // "#rrggbb"; every member is drawn in it
  bool in_experiment = true;
};

struct NeuronRow {
  std::string name;  // display name (neuron_label)
  NeuronAddr addr;
  size_t group = 0;  // index into Circuit::groups
};

struct Circuit {
  std::vector<NeuronGroup> groups;  // circuit order
  std::vector<NeuronRow> neurons;   // circuit order; members of a group are contiguous
  std::map<NeuronAddr, size_t> row_of;
  const std::string& color_of(size_t row) const { return groups[neurons[row].group].color; }
};

// Groups in circuit order: breadth-first along the synapses (pre group -> post group, synapse file
// order) starting from the groups with a schedule drive, then the other driven groups, then any group
// not reached yet (file order); members by index. Addresses that spiked but are not neurons of the
// experiment follow, one group per site, by index. Colours: a fixed colour-blind-safe palette in
// circuit order (grey for unnamed addresses).
Circuit circuit_order(const record::MergedRecording& m, const experiment::Experiment& e);

// The neuron's display name: the recording's neuron_names, else the experiment's, else "site:index".
std::string neuron_label(const record::MergedRecording& m, const experiment::Experiment& e, NeuronAddr a);
// The synapse's display name: the recording's synapse_names, else the experiment's, else "synapse #id".
std::string synapse_label(const record::MergedRecording& m, const experiment::Experiment& e, SynapseId id);

// How much of the experiment one site's log covers.
struct SiteCoverage {
  SiteId id = kNoSite;
  std::string name;
  bool logged = false;    // its log is part of the recording
  bool finished = false;  // it wrote its end-of-run note ("site NAME done: ...")
  Time until_ns = 0;      // finished: the end time of its note; else the latest time it recorded
};

// One entry per site of the experiment (file order), then any other site with a log.
std::vector<SiteCoverage> site_coverage(const record::MergedRecording& m, const experiment::Experiment& e);
const SiteCoverage* find_coverage(const std::vector<SiteCoverage>& c, SiteId id);

// The part of [from, to) a site's log covers: nullopt if none (no log, or it ended before `from`).
std::optional<std::pair<Time, Time>> covered(const SiteCoverage* c, Time from, Time to);

}  // namespace ion::report
