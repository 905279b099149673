// SPDX-License-Identifier: Apache-2.0
#include "node/roles.hpp"

#include "node/hub_threads.hpp"
#include "site/bio/experiment_config.hpp"
#include "site/hub/hub_role.hpp"
#include "site/silicon/silicon_role.hpp"

namespace ion::site {
namespace {

std::string site_lines(const experiment::Experiment& e) {
  std::string out;
  for (const auto& s : e.sites) out += std::to_string(s.id) + "=" + s.name + "\n";
  return out;
}

std::string neuron_lines(const experiment::Experiment& e) {
  std::string out;
  for (const auto& n : e.neurons) out += to_string(n.addr) + "=" + n.name + "\n";
  return out;
}

std::string synapse_lines(const experiment::Experiment& e) {
  std::string out;
  for (const auto& s : e.synapses) out += std::to_string(s.id) + "=" + s.name + "\n";
  return out;
}

// `[recording] signal = true`: the bio site's raw signal goes to <out>/<site>.openephys
// (docs/recording.md §7.1), beside its event log.
std::optional<bio::SignalRecordingConfig> bio_signal(const experiment::Experiment& e, const experiment::Site& site,
                                                     const RoleOptions& opt) {
  if (!e.recording.signal) return std::nullopt;
  const std::string dir = opt.state_dir.empty() ? "." : opt.state_dir;
  return bio::SignalRecordingConfig{opt.storage != nullptr ? opt.storage : &real_storage(),
                                    dir + "/" + site.name + ".openephys"};
}

}  // namespace

Result<std::unique_ptr<Role>> make_role(const experiment::Experiment& e, const experiment::Site& site, RoleHost& host,
                                        const RoleOptions& opt) {
  switch (site.role) {
    case experiment::Role::hub:
      return hub::make_hub_role(
          e, site, host, {opt.state_dir, opt.resume, opt.storage, opt.log_path},
          site.threads == 2 ? node::threaded_hub_engine(opt.make_waker) : hub::HubEngineFactory());
    case experiment::Role::bio:
      return bio::make_bio_role(e, site, host, bio_signal(e, site, opt));
    case experiment::Role::silicon:
      return silicon::make_silicon_role(e, site, host);
  }
  return error(Errc::internal, "site " + site.name + ": unknown role");
}

std::vector<record::Record> describe_experiment(const experiment::Experiment& e) {
  using record::Note;
  using record::NoteKind;
  return {Note{0, NoteKind::experiment_name, e.name},        Note{0, NoteKind::seed, std::to_string(e.seed)},
          Note{0, NoteKind::experiment_file, e.source_text}, Note{0, NoteKind::site_names, site_lines(e)},
          Note{0, NoteKind::neuron_names, neuron_lines(e)},  Note{0, NoteKind::synapse_names, synapse_lines(e)}};
}

}  // namespace ion::site
