// SPDX-License-Identifier: Apache-2.0
#include "site/silicon/chip.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ion::silicon {

const char* syn_type_name(SynType t) {
  static const char* const kNames[] = {"ampa", "nmda", "gaba", "shunt"};
  return kNames[static_cast<size_t>(t)];
}

Result<SynType> parse_syn_type(std::string_view name) {
  for (size_t k = 0; k < kSynTypes; ++k)
    if (name == syn_type_name(static_cast<SynType>(k))) return static_cast<SynType>(k);
  return error(Errc::invalid_argument,
               "unknown synapse type \"" + std::string(name) + "\" (expected ampa, nmda, gaba or shunt)");
}

namespace {

// A DPI synapse with time constant tau (I_tau derived from C = 2 pF), gain I_th/I_tau and base weight.
neuron::SynapseParams dpi_synapse(double tau_s, double gain, double i_w_a) {
  neuron::SynapseParams p;
  p.kind = neuron::SynapseKind::dpi;
  p.c_f = 2e-12;
  p.i_tau_a = p.c_f * p.u_t_v / (p.kappa * tau_s);
  p.i_th_a = gain * p.i_tau_a;
  p.i_w_a = i_w_a;
  p.t_pulse_s = 1e-3;
  return p;
}

bool heap_later(const auto& a, const auto& b) { return a.t != b.t ? a.t > b.t : a.seq > b.seq; }

}  // namespace

ChipConfig ChipConfig::defaults() {
  ChipConfig c;
  c.synapse[0] = dpi_synapse(5e-3, 1.0, 200e-12);   // AMPA
  c.synapse[1] = dpi_synapse(50e-3, 1.0, 50e-12);   // NMDA
  c.synapse[2] = dpi_synapse(10e-3, 1.0, 200e-12);  // GABA
  c.synapse[3] = dpi_synapse(5e-3, 1.0, 100e-12);   // SHUNT
  return c;
}

Status ChipConfig::validate() const {
  if (cores == 0 || cores > 1024)
    return error(Errc::out_of_range, "chip: cores must be 1..1024, got " + std::to_string(cores));
  if (max_fan_in == 0) return error(Errc::out_of_range, "chip: max_fan_in must be > 0");
  if (!(nmda_gate_a >= 0)) return error(Errc::out_of_range, "chip: nmda_gate_a must be >= 0 A");
  if (!(external_i_w_a >= 0)) return error(Errc::out_of_range, "chip: external_i_w_a must be >= 0 A");
  for (size_t k = 0; k < kSynTypes; ++k)
    if (synapse[k].kind != neuron::SynapseKind::dpi)
      return error(Errc::invalid_argument, std::string("chip: synapse type ") + syn_type_name(static_cast<SynType>(k)) +
                                               " must be a dpi synapse");
  return Status::ok();
}

Chip::Chip(const ChipConfig& config, SpikeSink sink, neuron::Population pop,
           std::array<neuron::SynapseBank, kSynTypes> syn)
    : config_(config), sink_(std::move(sink)), pop_(std::move(pop)), syn_(std::move(syn)) {
  out_edges_.resize(pop_.size());
  fan_in_.assign(pop_.size(), 0);
  has_external_slot_.assign(pop_.size(), 0);
  last_spikes_.reserve(pop_.size());
  i_reset_col_ = *pop_.model().param_index("I_reset");  // the chip's model is always "dpi"
  const double base = config_.synapse[static_cast<size_t>(config_.external_type)].i_w_a;
  if (config_.external_i_w_a > 0 && base > 0) external_scale_ = config_.external_i_w_a / base;
}

Result<Chip> Chip::create(const ChipConfig& config, SpikeSink sink, Time t0) {
  ION_TRY(config.validate());
  const size_t n = static_cast<size_t>(config.cores) * kNeuronsPerCore;
  ION_TRY_ASSIGN(auto model, neuron::find_model("dpi"));
  auto pop = neuron::Population::create(*model, n, config.dt_ns, config.neuron_params, t0);
  if (!pop) return pop.status().prefixed("chip: ");
  const double dt_s = to_seconds(config.dt_ns);
  auto bank = [&](size_t k) { return neuron::SynapseBank::create(config.synapse[k], n, dt_s); };
  auto b0 = bank(0), b1 = bank(1), b2 = bank(2), b3 = bank(3);
  for (auto* b : {&b0, &b1, &b2, &b3})
    if (!b->is_ok()) return b->status().prefixed("chip: ");
  return Chip(config, std::move(sink), std::move(*pop),
              {std::move(*b0), std::move(*b1), std::move(*b2), std::move(*b3)});
}

Status Chip::connect(uint32_t pre, uint32_t post, SynType type, float weight) {
  if (pre >= size() || post >= size())
    return error(Errc::out_of_range, "chip connect " + std::to_string(pre) + "->" + std::to_string(post) +
                                         ": neuron index out of range (chip has " + std::to_string(size()) + ")");
  if (!(weight >= 0 && weight <= 1))
    return error(Errc::out_of_range, "chip connect: weight must be in [0, 1], got " + std::to_string(weight));
  if (fan_in_[post] >= config_.max_fan_in)
    return error(Errc::out_of_range, "chip connect: neuron " + std::to_string(post) + " already has " +
                                         std::to_string(config_.max_fan_in) + " input synapses (the maximum)");
  out_edges_[pre].push_back({post, type, weight});
  ++fan_in_[post];
  return Status::ok();
}

Status Chip::reserve_external(uint32_t post) {
  if (post >= size()) return error(Errc::out_of_range, "chip: neuron " + std::to_string(post) + " out of range");
  if (has_external_slot_[post]) return Status::ok();
  if (fan_in_[post] >= config_.max_fan_in)
    return error(Errc::out_of_range,
                 "chip: neuron " + std::to_string(post) + " has no free input synapse for external inputs");
  has_external_slot_[post] = 1;
  ++fan_in_[post];
  return Status::ok();
}

Status Chip::on_input(const SynapticInput& in) {
  Status s = in.post.index < size() ? reserve_external(in.post.index)
                                    : error(Errc::out_of_range, "input for neuron " + std::to_string(in.post.index) +
                                                                    " of a chip with " + std::to_string(size()));
  if (s.is_ok() && !(in.weight >= 0.0f && in.weight <= 1.0f))
    s = error(Errc::out_of_range, "input weight must be in [0, 1], got " + std::to_string(in.weight));
  if (!s.is_ok()) {
    ++stats_.inputs_rejected;
    return s;
  }
  pending_.push_back({std::max(in.t, now()), seq_++, in.post.index, in.weight});
  std::push_heap(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) { return heap_later(a, b); });
  return Status::ok();
}

void Chip::apply_due_inputs(Time step_end) {
  auto later = [](const Pending& a, const Pending& b) { return heap_later(a, b); };
  auto& ext = syn_[static_cast<size_t>(config_.external_type)];
  while (!pending_.empty() && pending_.front().t < step_end) {
    ext.on_spike(pending_.front().post, pending_.front().weight * external_scale_);
    ++stats_.inputs_applied;
    std::pop_heap(pending_.begin(), pending_.end(), later);
    pending_.pop_back();
  }
}

void Chip::deliver_recurrent() {
  for (uint32_t pre : last_spikes_)
    for (const Edge& e : out_edges_[pre]) {
      syn_[static_cast<size_t>(e.type)].on_spike(e.post, e.weight);
      ++stats_.recurrent_deliveries;
    }
}

void Chip::step_once() {
  const Time t = pop_.now();
  deliver_recurrent();
  apply_due_inputs(t + config_.dt_ns);
  const double* ampa = syn_[0].current().data();
  const double* nmda = syn_[1].current().data();
  const double* gaba = syn_[2].current().data();
  const double* shunt = syn_[3].current().data();
  double* i_mem = pop_.state_column(0).data();
  double* i_shunt = pop_.state_column(2).data();
  double* input = pop_.input_current().data();
  const double gate = config_.nmda_gate_a;
  for (size_t i = 0; i < pop_.size(); ++i) {
    input[i] = ampa[i] + (i_mem[i] > gate ? nmda[i] : 0.0) - gaba[i];
    i_shunt[i] = shunt[i];
  }
  for (auto& d : current_drives_) input[d.neuron] += d.input.at(t);
  pop_.step();
  last_spikes_.assign(pop_.spikes().begin(), pop_.spikes().end());
  fire_pacemakers(t + config_.dt_ns);
  for (uint32_t i : last_spikes_) sink_(Spike{NeuronAddr{config_.site, i}, t, SpikeKind::spike});
  stats_.spikes_out += last_spikes_.size();
  for (auto& b : syn_) b.step();
  ++stats_.steps;
}

void Chip::fire_pacemakers(Time step_end) {
  if (pacemakers_.empty()) return;
  double* i_mem = pop_.state_column(0).data();
  const double* i_reset = std::as_const(pop_).param_column(i_reset_col_).data();  // read only
  for (auto& p : pacemakers_) {
    bool fired = false;
    while (p.next < p.times.size() && p.times[p.next] < step_end) ++p.next, fired = true;
    if (!fired || std::find(last_spikes_.begin(), last_spikes_.end(), p.neuron) != last_spikes_.end()) continue;
    last_spikes_.push_back(p.neuron);
    i_mem[p.neuron] = i_reset[p.neuron];
  }
}

Status Chip::add_pacemaker(uint32_t neuron, std::vector<Time> times) {
  if (neuron >= size())
    return error(Errc::out_of_range, "chip: pacemaker neuron " + std::to_string(neuron) + " out of range");
  if (!std::is_sorted(times.begin(), times.end()))
    return error(Errc::invalid_argument, "chip: pacemaker times must be sorted");
  pacemakers_.push_back({neuron, std::move(times), 0});
  return Status::ok();
}

Status Chip::add_current_drive(uint32_t neuron, neuron::CurrentInput input) {
  if (neuron >= size())
    return error(Errc::out_of_range, "chip: driven neuron " + std::to_string(neuron) + " out of range");
  current_drives_.push_back({neuron, std::move(input)});
  return Status::ok();
}

void Chip::advance(Time t) {
  while (pop_.now() < t) step_once();
}

}  // namespace ion::silicon
