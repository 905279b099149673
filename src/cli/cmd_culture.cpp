// SPDX-License-Identifier: Apache-2.0
// `ion culture`: run the emulated culture and write an Open Ephys binary recording + ground truth;
// optionally stimulate an electrode periodically through the safety interlock.
#include <cstdio>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "cli/arg_checks.hpp"
#include "cli/commands.hpp"
#include "core/time.hpp"
#include "core/units.hpp"
#include "env/storage.hpp"
#include "site/bio/culture.hpp"
#include "site/bio/interlock.hpp"
#include "site/bio/openephys.hpp"
#include "site/bio/signal_recorder.hpp"

namespace ion::cli {
namespace {

struct CultureOpts {
  std::string duration = "10s", rate = "25kHz", noise = "10uV", drift = "0uV", artefact = "0uV", out;
  std::string stim_rate = "0Hz";
  bio::CultureConfig cfg;
  uint32_t stim_electrode = 0;
  double stim_weight = 0.8;
};

double quantity(const std::string& text, Dim dim, const char* opt) {
  auto r = parse_quantity(text, dim);
  if (!r) throw CliError(fmt::format("{} '{}': {}", opt, text, r.status().message()), 2);
  return *r;
}

void write_stimuli(const std::string& path, const std::vector<Stimulus>& log) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw CliError("cannot write " + path);
  std::fputs("electrode,time_s,outcome,amplitude_a,width_s,charge_c\n", f);
  static constexpr const char* kOutcome[] = {"delivered", "clamped", "refused"};
  for (const auto& s : log)
    fmt::print(f, "{},{:.6f},{},{:.4g},{:.4g},{:.4g}\n", s.electrode, to_seconds(s.t),
               kOutcome[static_cast<int>(s.outcome)], s.amplitude, s.width_s, s.charge_c);
  std::fclose(f);
}

// --rate, --noise, --drift and --artefact (unit strings) into the culture's configuration.
void apply_quantities(CultureOpts& o) {
  o.cfg.sample_rate_hz = quantity(o.rate, Dim::frequency, "--rate");
  o.cfg.noise_uv = quantity(o.noise, Dim::voltage, "--noise") * 1e6;
  o.cfg.drift_uv = quantity(o.drift, Dim::voltage, "--drift") * 1e6;
  o.cfg.artefact_uv = quantity(o.artefact, Dim::voltage, "--artefact") * 1e6;
}

void print_interlock_counters(const bio::Interlock& interlock) {
  std::printf("stimuli: %llu delivered, %llu clamped, %llu refused by the interlock\n",
              static_cast<unsigned long long>(interlock.counters().delivered),
              static_cast<unsigned long long>(interlock.counters().clamped),
              static_cast<unsigned long long>(interlock.counters().refused));
}

void run_culture(CultureOpts& o) {
  const Duration dur = duration_arg("--duration", o.duration, 1);
  apply_quantities(o);
  const double stim_hz = quantity(o.stim_rate, Dim::frequency, "--stim-rate");
  auto culture = bio::Culture::create(o.cfg);
  if (!culture) throw CliError("culture: " + culture.status().message(), 2);
  if (o.stim_electrode >= o.cfg.channels)
    throw CliError("--stim-electrode: found " + std::to_string(o.stim_electrode) + ", expected an electrode 0.." +
                       std::to_string(o.cfg.channels - 1) + " (--channels " + std::to_string(o.cfg.channels) + ")",
                   2);
  bio::StimLimits lim;
  lim.electrode_count = o.cfg.channels;
  auto interlock = bio::Interlock::create(lim, bio::StimMapping{});
  if (!interlock) throw CliError("interlock: " + interlock.status().message(), 2);
  bio::OeStreamSpec spec{
      .channels = o.cfg.channels, .sample_rate_hz = o.cfg.sample_rate_hz, .bit_volts_uv = o.cfg.bit_volts_uv};
  auto writer = bio::OpenEphysWriter::create(real_storage(), o.out, spec);
  if (!writer) throw CliError(writer.status().message());
  bio::StimulusTtl ttl(o.cfg.sample_rate_hz);
  bio::EmulatedStimulator stim([](void* ctx, const Stimulus& s) { static_cast<bio::Culture*>(ctx)->stimulate(s); },
                               &*culture);
  std::vector<Stimulus> stim_log;
  const auto total_rows = static_cast<int64_t>(to_seconds(dur) * o.cfg.sample_rate_hz);
  const auto block = static_cast<int64_t>(o.cfg.sample_rate_hz * 1e-3);
  std::vector<int16_t> buf(static_cast<size_t>(block) * o.cfg.channels);
  const int64_t stim_every = stim_hz > 0 ? static_cast<int64_t>(o.cfg.sample_rate_hz / stim_hz) : 0;
  for (int64_t r = 0; r < total_rows; r += block) {
    if (stim_every > 0 && (r / stim_every) != ((r + block) / stim_every)) {
      SynapticInput in;
      in.post = {0, o.stim_electrode};
      in.weight = static_cast<float>(o.stim_weight);
      auto d = interlock->review(in, static_cast<Time>(static_cast<double>(r) / o.cfg.sample_rate_hz * 1e9));
      stim_log.push_back(d.record);
      if (d.approved) {
        if (auto s = ttl.onset(*writer, r, d.record); !s) throw CliError(s.message());
        if (auto s = stim.deliver(std::move(*d.approved)); !s) throw CliError(s.message());
      }
    }
    const int64_t n = std::min(block, total_rows - r);
    std::span<int16_t> rows(buf.data(), static_cast<size_t>(n) * o.cfg.channels);
    culture->generate(rows);
    if (auto s = writer->write(rows); !s) throw CliError(s.message());
  }
  if (auto s = ttl.flush(*writer, total_rows - 1); !s) throw CliError(s.message());
  if (auto s = writer->close(); !s) throw CliError(s.message());
  const auto truth_path = (std::filesystem::path(o.out) / "truth.csv").string();
  if (auto s = bio::write_truth_csv(truth_path, culture->truth(), o.cfg.sample_rate_hz); !s)
    throw CliError(s.message());
  if (!stim_log.empty()) write_stimuli((std::filesystem::path(o.out) / "stimuli.csv").string(), stim_log);
  std::printf(
      "culture: %u neurons on %u electrodes, %lld samples/channel at %.0f Hz, %llu neuron spikes, "
      "%zu ground-truth (spike, channel) pairs\n",
      culture->neuron_count(), o.cfg.channels, static_cast<long long>(total_rows), o.cfg.sample_rate_hz,
      static_cast<unsigned long long>(culture->neuron_spikes()), culture->truth().size());
  if (!stim_log.empty()) print_interlock_counters(*interlock);
  std::printf("wrote %s (Open Ephys session %s, truth.csv)\n", o.out.c_str(), writer->recording_dir().c_str());
}

}  // namespace

void add_culture_command(CLI::App& app) {
  auto o = std::make_shared<CultureOpts>();
  auto* c = app.add_subcommand("culture", "emulate a neuronal culture on an MEA; write Open Ephys binary + truth.csv");
  c->add_option("--duration", o->duration, "recording length, e.g. 10s")->capture_default_str();
  c->add_option("--channels", o->cfg.channels, "electrodes (square grid)")->capture_default_str();
  c->add_option("--rate", o->rate, "sample rate, 10–30 kHz, e.g. 25kHz")->capture_default_str();
  c->add_option("--out", o->out, "output directory")->required();
  c->add_option("--seed", o->cfg.seed, "seed of every random stream")->capture_default_str()->check(unsigned_in());
  c->add_option("--snr", o->cfg.snr, "band-passed spike trough depth / noise σ on the own electrode (minimum)")
      ->capture_default_str();
  c->add_option("--snr-spread", o->cfg.snr_spread, "per-neuron SNR uniform in [snr, snr·spread]")
      ->capture_default_str();
  c->add_option("--noise", o->noise, "noise σ in the 300–3000 Hz band, e.g. 10uV")->capture_default_str();
  c->add_option("--neurons-per-electrode", o->cfg.neurons_per_electrode, "neurons within 20 µm of each electrode")
      ->capture_default_str();
  c->add_option("--background-neurons", o->cfg.background_neurons, "neurons placed uniformly over the array")
      ->capture_default_str();
  c->add_option("--model", o->cfg.model, "neuron model (ion neuron models: adex, hh, …)")->capture_default_str();
  c->add_flag("--recurrent", o->cfg.recurrent, "random recurrent synapses (connection probability 0.05)");
  c->add_option("--drift", o->drift, "slow baseline drift amplitude, e.g. 50uV")->capture_default_str();
  c->add_option("--artefact", o->artefact, "stimulus artefact amplitude at full charge, e.g. 500uV")
      ->capture_default_str();
  c->add_option("--stim-rate", o->stim_rate, "stimulate --stim-electrode periodically at this rate, e.g. 2Hz")
      ->capture_default_str();
  c->add_option("--stim-electrode", o->stim_electrode, "electrode for --stim-rate")
      ->capture_default_str()
      ->check(unsigned_in(0, 65535));
  c->add_option("--stim-weight", o->stim_weight, "normalised weight of each stimulus (mapped by the interlock)")
      ->capture_default_str();
  c->callback([o] { run_culture(*o); });
}

}  // namespace ion::cli
