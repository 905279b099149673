// SPDX-License-Identifier: Apache-2.0
// `ion detect`: run the online spike detector over a recording (Open Ephys binary, raw int16 or
// HDF5), block by block as it would run live; write spikes.csv; with --truth print
// precision / recall / accuracy.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/units.hpp"
#include "site/bio/detector.hpp"
#include "site/bio/metrics.hpp"
#include "site/bio/openephys.hpp"

namespace ion::cli {
namespace {

struct DetectOpts {
  std::string input, out, truth, snippets, format = "auto", dataset = "/data", rate, gain, block = "1ms";
  std::string dead = "1ms", align = "0.5ms", low = "300Hz", high = "3000Hz", polarity = "neg", tolerance = "0.4ms";
  uint32_t channels = 0;
  int experiment = 0, recording = 0;  // 0: the session's only one
  int order = 2;
  double k = bio::DetectorConfig{}.threshold_k;
  bool realtime = false;
};

double quantity(const std::string& text, Dim dim, const char* opt) {
  auto r = parse_quantity(text, dim);
  if (!r) throw CliError(fmt::format("{} '{}': {}", opt, text, r.status().message()), 2);
  return *r;
}

std::string detect_format(const DetectOpts& o) {
  if (o.format != "auto") return o.format;
  namespace fs = std::filesystem;
  const fs::path p(o.input);
  std::error_code ec;
  if (!fs::exists(p, ec)) throw CliError("--input " + o.input + ": no such file or directory", 2);
  if (fs::is_directory(p, ec) || p.extension() == ".oebin") return "openephys";
  if (p.filename() == "continuous.dat" &&
      fs::exists(p.parent_path().parent_path().parent_path() / "structure.oebin", ec))
    return "openephys";
  if (p.extension() == ".h5" || p.extension() == ".hdf5") return "hdf5";
  if (o.channels > 0 && (p.extension() == ".dat" || p.extension() == ".bin" || p.extension() == ".raw")) return "raw";
  throw CliError("--input " + o.input +
                     ": unknown format (expected an Open Ephys directory/structure.oebin, "
                     "a .h5/.hdf5 file, or a .dat/.bin/.raw int16 file with --channels, --rate and --gain; "
                     "or pass --format openephys|raw|hdf5)",
                 2);
}

std::unique_ptr<bio::SignalSource> open_source(const DetectOpts& o) {
  const std::string fmt_name = detect_format(o);
  Result<std::unique_ptr<bio::SignalSource>> src = error(Errc::invalid_argument, "");
  if (fmt_name == "openephys") {
    src = bio::open_openephys(o.input, bio::OeSelect{o.experiment, o.recording});
  } else if (fmt_name == "raw") {
    if (o.rate.empty() || o.gain.empty()) throw CliError("raw input needs --channels, --rate and --gain", 2);
    src = bio::open_raw_int16(o.input, o.channels, quantity(o.rate, Dim::frequency, "--rate"),
                              quantity(o.gain, Dim::voltage, "--gain"));
  } else if (fmt_name == "hdf5") {
    src = bio::open_hdf5(o.input, o.dataset, o.rate.empty() ? 0 : quantity(o.rate, Dim::frequency, "--rate"),
                         o.gain.empty() ? 0 : quantity(o.gain, Dim::voltage, "--gain"));
  } else {
    throw CliError("--format '" + fmt_name + "': expected auto, openephys, raw or hdf5", 2);
  }
  if (!src) throw CliError(src.status().message(), 2);
  return std::move(src).value();
}

bio::DetectorConfig detector_config(const DetectOpts& o, const bio::SignalInfo& info) {
  bio::DetectorConfig c;
  c.channels = info.channels;
  c.sample_rate_hz = info.sample_rate_hz;
  c.gain_v = info.gain_v;
  c.order = o.order;
  c.threshold_k = o.k;
  c.band_lo_hz = quantity(o.low, Dim::frequency, "--low");
  c.band_hi_hz = quantity(o.high, Dim::frequency, "--high");
  c.dead_time_s = quantity(o.dead, Dim::time, "--dead-time");
  c.align_window_s = quantity(o.align, Dim::time, "--align");
  auto pol = bio::parse_polarity(o.polarity);
  if (!pol) throw CliError("--polarity: " + pol.status().message(), 2);
  c.polarity = *pol;
  c.snippets = !o.snippets.empty();
  if (auto s = c.validate(); !s) throw CliError("detector: " + s.message(), 2);
  return c;
}

void write_spikes(const std::string& path, const std::vector<bio::DetectedSpike>& spikes, double rate_hz) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw CliError("cannot write " + path);
  std::fputs("channel,sample,time_s,amplitude_uv,threshold_uv\n", f);
  for (const auto& s : spikes)
    fmt::print(f, "{},{},{:.6f},{:.2f},{:.2f}\n", s.channel, s.sample, static_cast<double>(s.sample) / rate_hz,
               s.amplitude_v * 1e6, s.threshold_v * 1e6);
  if (std::fclose(f) != 0) throw CliError("error writing " + path);
}

// One row per spike: channel, peak sample, then the filtered waveform in µV (pre 0.5 ms, post 1 ms).
void write_snippets(const std::string& path, const std::vector<bio::DetectedSpike>& spikes, const bio::Detector& det) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw CliError("cannot write " + path);
  const uint32_t len = det.snippet_length();
  std::fputs("channel,sample,waveform_uv...\n", f);
  for (const auto& s : spikes) {
    fmt::print(f, "{},{}", s.channel, s.sample);
    for (uint32_t i = 0; i < len; ++i)
      fmt::print(f, ",{:.2f}", det.snippets()[static_cast<size_t>(s.snippet) * len + i] * 1e6);
    std::fputc('\n', f);
  }
  if (std::fclose(f) != 0) throw CliError("error writing " + path);
}

void report_truth(const DetectOpts& o, const std::vector<bio::DetectedSpike>& spikes, double rate_hz) {
  auto truth = bio::read_events_csv(o.truth);
  if (!truth) throw CliError("--truth: " + truth.status().message(), 2);
  std::vector<bio::ChannelEvent> det;
  for (const auto& s : spikes) det.push_back({s.channel, s.sample});
  const double tol_s = quantity(o.tolerance, Dim::time, "--tolerance");
  const auto m = bio::match_spikes(det, *truth, std::llround(tol_s * rate_hz));
  std::printf("truth %s: tp %llu fp %llu fn %llu  precision %.4f recall %.4f accuracy %.4f (tolerance %s)\n",
              o.truth.c_str(), static_cast<unsigned long long>(m.tp), static_cast<unsigned long long>(m.fp),
              static_cast<unsigned long long>(m.fn), m.precision(), m.recall(), m.accuracy(), o.tolerance.c_str());
}

void run_detect(const DetectOpts& o) {
  auto src = open_source(o);
  const auto& info = src->info();
  auto det = bio::Detector::create(detector_config(o, info));
  if (!det) throw CliError("detector: " + det.status().message(), 2);
  const auto block_rows = std::max<size_t>(
      1, static_cast<size_t>(quantity(o.block, Dim::time, "--block") * info.sample_rate_hz));
  std::vector<int16_t> buf(block_rows * info.channels);
  std::vector<bio::DetectedSpike> spikes;
  const auto t0 = std::chrono::steady_clock::now();
  int64_t rows = 0;
  for (;;) {
    auto n = src->read(buf);
    if (!n) throw CliError(n.status().message());
    if (*n == 0) break;
    if (auto s = det->process({buf.data(), *n * info.channels}, spikes); !s) throw CliError(s.message());
    rows += static_cast<int64_t>(*n);
    if (o.realtime)  // pace: the data of `rows` samples is not available before t0 + rows/rate
      std::this_thread::sleep_until(
          t0 + std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(rows) / info.sample_rate_hz * 1e9)));
  }
  det->flush(spikes);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_spikes(o.out, spikes, info.sample_rate_hz);
  if (!o.snippets.empty()) write_snippets(o.snippets, spikes, *det);
  std::printf("%s: %u channels at %.0f Hz, %lld samples/channel (%.2f s), %zu spikes in %.3f s of run time%s\n",
              info.description.c_str(), info.channels, info.sample_rate_hz, static_cast<long long>(rows),
              static_cast<double>(rows) / info.sample_rate_hz, spikes.size(), wall, o.realtime ? " (paced)" : "");
  if (!o.truth.empty()) report_truth(o, spikes, info.sample_rate_hz);
}

}  // namespace

void add_detect_command(CLI::App& app) {
  auto o = std::make_shared<DetectOpts>();
  auto* c = app.add_subcommand("detect", "online spike detection over a recording; spikes.csv; --truth scores it");
  c->add_option("--input", o->input,
                "Open Ephys session (any folder level) / structure.oebin, .h5 file, or raw int16 file")
      ->required();
  c->add_option("--out", o->out, "spikes CSV to write")->required();
  c->add_option("--truth", o->truth, "ground-truth CSV (channel,sample columns), e.g. truth.csv of `ion culture`");
  c->add_option("--snippets", o->snippets, "also write each spike's filtered waveform (CSV, µV) to FILE");
  c->add_option("--experiment", o->experiment, "Open Ephys session: experiment N (when it holds several)")
      ->check(CLI::PositiveNumber);
  c->add_option("--recording", o->recording, "Open Ephys session: recording N (when it holds several)")
      ->check(CLI::PositiveNumber);
  c->add_option("--format", o->format, "auto, openephys, raw or hdf5")->capture_default_str();
  c->add_option("--channels", o->channels, "raw input: channel count");
  c->add_option("--rate", o->rate, "raw/HDF5 input: sample rate, e.g. 30kHz");
  c->add_option("--gain", o->gain, "raw/HDF5 input: volts per unit, e.g. 0.195uV");
  c->add_option("--dataset", o->dataset, "HDF5 dataset path")->capture_default_str();
  c->add_option("--threshold", o->k, "threshold k (× σ, σ = median|x|/0.6745)")->capture_default_str();
  c->add_option("--polarity", o->polarity, "neg, pos or both")->capture_default_str();
  c->add_option("--low", o->low, "band-pass low edge")->capture_default_str();
  c->add_option("--high", o->high, "band-pass high edge")->capture_default_str();
  c->add_option("--order", o->order, "Butterworth order per edge (1–8)")->capture_default_str();
  c->add_option("--dead-time", o->dead, "dead time after a peak")->capture_default_str();
  c->add_option("--align", o->align, "peak search window after the crossing")->capture_default_str();
  c->add_option("--block", o->block, "block size fed to the online detector")->capture_default_str();
  c->add_option("--tolerance", o->tolerance, "truth matching tolerance")->capture_default_str();
  c->add_flag("--realtime", o->realtime, "pace playback at the recording's sample rate");
  c->callback([o] { run_detect(*o); });
}

}  // namespace ion::cli
