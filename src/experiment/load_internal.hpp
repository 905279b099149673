// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to experiment/: the section loaders. They run in order (sites first) so that each
// section can check its references against what earlier sections declared.
#include <map>
#include <optional>
#include <set>
#include <string>

#include "experiment/toml_reader.hpp"

namespace ion::experiment {

struct LoadState {
  Ctx& ctx;
  Experiment& e;
  // Every [sites.NAME] table, with its role if that was valid (no cascade errors from a bad site).
  std::map<std::string, std::optional<Role>, std::less<>> declared_sites;
  // [[neurons]] entries: entry name → member names (one member unless count > 1), and all members.
  std::map<std::string, std::vector<std::string>, std::less<>> neuron_groups;
  std::set<std::string, std::less<>> declared_neurons;
  // Indexes that keep loading linear in the size of the file (a 1 MiB file can declare tens of
  // thousands of sites or neurons): site id by (host, port) and by name; first neuron by site.
  std::map<std::pair<std::string, uint16_t>, SiteId> site_by_address;
  std::map<std::string, SiteId, std::less<>> site_by_name;
  std::map<std::string, size_t, std::less<>> first_neuron_of_site;
  // The first synapse on each simulated hub: every other synapse there needs the same device.
  std::map<std::string, Synapse, std::less<>> hub_device;

  // The loaded site named `name`, or nullptr.
  const Site* site(std::string_view name) const;
  // The site's instrument if `name` is a hub that loaded one.
  const InstrumentConfig* instrument_of(std::string_view name) const;
  // The site or monitor with this id (for messages).
  std::string participant_name(SiteId id) const { return e.participant_name(id); }
};

void load_sites(TableReader& root, LoadState& s);
void load_experiment_table(TableReader& root, LoadState& s);
void load_neurons(TableReader& root, LoadState& s);
void load_synapses(TableReader& root, LoadState& s);
void load_links(TableReader& root, LoadState& s);
void load_legacy(TableReader& root, LoadState& s);
void load_monitors(TableReader& root, LoadState& s);  // after the sites

// True if `site` names a [sites.NAME] table; otherwise reports "found X, expected a site ...".
bool check_site_ref(TableReader& r, std::string_view key, const std::string& site, const LoadState& s);
// Resolves a neuron reference: an entry name (all its members) or one member "pop[3]". Unknown
// references are reported and give an empty list.
std::vector<std::string> resolve_neurons(TableReader& r, std::string_view key, const std::string& ref,
                                         const LoadState& s);
// load_devices.cpp: the device layer's own checks, as the hub will build the instrument.
// The synapse's device: model (or linear-drift window), preset, parameter overrides, and r0 at
// the hub's read voltage.
void check_device(TableReader& r, const DeviceConfig& d, double v_read);
// A plasticity pulse within what the instruments apply (device::check_pulse); only if written.
void check_pulse(TableReader& r, std::string_view key, const Pulse& p);
// One device type per simulated hub (site/hub/hub_instrument.cpp check_same_device).
void check_one_device_type(TableReader& r, const Synapse& syn, LoadState& s);

// "first at line L" text for duplicate reports.
std::string first_at(const SourceLoc& loc);

}  // namespace ion::experiment
