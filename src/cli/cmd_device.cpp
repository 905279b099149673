// SPDX-License-Identifier: Apache-2.0
// `ion device`: program a memristor model (or a real ArC ONE) with a pulse program and print the
// resistance after every pulse (`--arc PORT --read-all`: the board's whole array); `ion device sweep` for I–V loops;
// `ion device list`.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/units.hpp"
#include "device/arc_one.hpp"
#include "device/fitted_range.hpp"
#include "device/memristor.hpp"
#include "device/program.hpp"
#include "device/svg_plot.hpp"

namespace ion::cli {
namespace {

using device::Memristor;

struct ModelOpts {
  std::string model = "compact", preset, r0, read = "0.5V", svg;
  std::vector<std::string> params;
};

void add_model_options(CLI::App* c, ModelOpts& o) {
  c->add_option("--model", o.model, "device model (see `ion device list`)")->capture_default_str();
  c->add_option("--preset", o.preset, "parameter preset of the model (default: its first)");
  c->add_option("--param", o.params, "override a parameter, name=value (repeatable), e.g. Ap=11.4");
  c->add_option("--r0", o.r0, "initial resistance measured at --read, e.g. 12kohm");
  c->add_option("--read", o.read, "read voltage, e.g. 0.5V")->capture_default_str();
  c->add_option("--svg", o.svg, "also write the curve as an SVG plot to FILE");
}

template <class T>
T value_or_throw(Result<T> r, const std::string& where) {
  if (!r) throw CliError(where + ": " + r.status().message(), 2);
  return std::move(r).value();
}

void check(const Status& s, const std::string& where) {
  if (!s) throw CliError(where + ": " + s.message(), 2);
}

double read_voltage(const ModelOpts& o) {
  const double v = value_or_throw(parse_quantity(o.read, Dim::voltage), "--read '" + o.read + "'");
  if (v == 0 || std::fabs(v) > 5) throw CliError("--read: read voltage must be non-zero and within [-5, 5] V", 2);
  return v;
}

Memristor build_device(const ModelOpts& o) {
  Memristor m = value_or_throw(Memristor::create(o.model, o.preset), "--model/--preset");
  for (const auto& p : o.params) check(m.params().set_from_text(p), "--param '" + p + "'");
  m = Memristor(m.params());  // re-derive the initial state from the (possibly overridden) params
  if (!o.r0.empty()) {
    const double r = value_or_throw(parse_quantity(o.r0, Dim::resistance), "--r0 '" + o.r0 + "'");
    check(m.set_resistance(r, read_voltage(o)), "--r0 '" + o.r0 + "'");
  }
  return m;
}

void write_svg(const std::string& path, const device::SvgSeries& s, const std::string& title, const std::string& xl,
               const std::string& yl) {
  std::ofstream f(path);
  f << device::svg_line_plot(s, title, xl, yl);
  if (!f) throw CliError("--svg: cannot write '" + path + "'", 1);
}

// Warns on stderr, once per distinct reason, when the program (or --r0) drives the preset
// outside the range it was fitted on; the CSV on stdout is unchanged.
void warn_outside_fit(const ModelOpts& o, const device::Model& model, const std::vector<device::PulseStep>& prog) {
  const device::Preset* p = device::find_preset(model, o.preset);
  if (!p) return;
  auto warn = [&](const std::string& what, const std::string& why) {
    if (!why.empty())
      std::fprintf(stderr, "ion device: warning: %s\n", device::extrapolation_warning(what, model, *p, why).c_str());
  };
  if (!o.r0.empty())
    if (auto r = parse_quantity(o.r0, Dim::resistance)) warn("--r0", device::resistance_outside(p->fitted, *r));
  std::vector<std::string> said;
  size_t first = 1;
  for (const auto& s : prog) {
    const std::string why = device::pulse_outside(p->fitted, s.v, to_seconds(s.width_ns));
    if (!why.empty() && std::find(said.begin(), said.end(), why) == said.end()) {
      said.push_back(why);
      warn("--pulses (pulse " + std::to_string(first) + (s.count > 1 ? "-" + std::to_string(first + s.count - 1) : "") +
               ")",
           why);
    }
    first += s.count;
  }
}

void run_pulses_model(const ModelOpts& o, const std::vector<device::PulseStep>& prog) {
  Memristor m = build_device(o);
  warn_outside_fit(o, m.model(), prog);
  const double vr = read_voltage(o);
  device::SvgSeries svg;
  std::printf("pulse,voltage_v,width_s,state_%s,resistance_ohm\n", m.model().state_name());
  auto row = [&](size_t n, double v, Duration w) {
    const double r = m.read(vr).resistance_ohm;
    std::printf("%zu,%g,%g,%.10g,%.10g\n", n, v, to_seconds(w), m.state(), r);
    svg.x.push_back(double(n)), svg.y.push_back(r);
  };
  row(0, 0, 0);
  size_t n = 0;
  for (const auto& s : prog)
    for (uint32_t k = 0; k < s.count; ++k) m.apply(s.v, s.width_ns), row(++n, s.v, s.width_ns);
  if (!o.svg.empty())
    write_svg(o.svg, svg, std::string(m.model().name()) + ": resistance after each pulse", "pulse", "resistance (ohm)");
}

std::unique_ptr<device::ArcOne> connect_arc(const std::string& port, const ModelOpts& o) {
  device::ArcOneOptions opt;
  opt.v_read = read_voltage(o);
  return value_or_throw(device::ArcOne::connect(port, opt), "--arc");
}

// The initial read of the cell (row 0), then one pulse-then-read per pulse of the program.
void run_pulses_arc(device::ArcOne& arc, uint32_t w, uint32_t b, const ModelOpts& o,
                    const std::vector<device::PulseStep>& prog) {
  device::SvgSeries svg;
  std::printf("pulse,voltage_v,width_s,resistance_ohm\n");
  const double r0 = value_or_throw(arc.read(w, b), "read");
  std::printf("0,0,0,%.10g\n", r0);
  size_t n = 0;
  for (const auto& s : prog)
    for (uint32_t k = 0; k < s.count; ++k) {
      const double r = value_or_throw(arc.pulse_read(w, b, s.v, s.width_ns), "pulse " + std::to_string(n + 1));
      std::printf("%zu,%g,%g,%.10g\n", ++n, s.v, to_seconds(s.width_ns), r);
      svg.x.push_back(double(n)), svg.y.push_back(r);
    }
  if (!o.svg.empty()) write_svg(o.svg, svg, "ArC ONE: resistance after each pulse", "pulse", "resistance (ohm)");
}

// Every cell, word-major, 0-based like --word/--bit.
void run_read_all_arc(device::ArcOne& arc) {
  const auto all = value_or_throw(arc.read_all(), "read all");
  std::printf("word,bit,resistance_ohm\n");
  for (size_t i = 0; i < all.size(); ++i) std::printf("%zu,%zu,%.10g\n", i / arc.bits(), i % arc.bits(), all[i]);
}

void print_firmware(device::ArcOne& arc) {
  const auto v = value_or_throw(arc.firmware_version(), "firmware version");
  if (v.reported()) std::printf("ArC ONE firmware %d.%d\n", v.major, v.minor);
  else std::printf("ArC ONE firmware does not report its version (it does not answer 999; firmware before 9.3)\n");
}

void run_sweep(const ModelOpts& o, const std::string& wave_text, int points, bool csv) {
  const auto wave = value_or_throw(device::parse_wave(wave_text), "--wave");
  if (points < 8 || points > 100000) throw CliError("--points must be in 8..100000 (samples per cycle)", 2);
  Memristor m = build_device(o);
  const size_t n = size_t(std::ceil(wave.cycles * points));
  const double dt = wave.duration_s() / double(n);
  device::SvgSeries svg;
  double i_min = INFINITY, i_max = -INFINITY;
  if (csv) std::printf("t_s,voltage_v,current_a,state_%s,resistance_ohm\n", m.model().state_name());
  for (size_t k = 0; k < n; ++k) {
    const double t = (double(k) + 0.5) * dt, v = wave.at(t);
    m.apply_s(v, dt);
    const auto r = m.read(v);
    if (csv) std::printf("%.9g,%.9g,%.9g,%.10g,%.10g\n", t, v, r.current_a, m.state(), r.resistance_ohm);
    svg.x.push_back(v), svg.y.push_back(r.current_a);
    i_min = std::min(i_min, r.current_a), i_max = std::max(i_max, r.current_a);
  }
  if (!csv)
    std::printf("%s: %zu samples over %g s, current %g .. %g A, final state %s = %g (use --csv for the data)\n",
                m.model().name(), n, wave.duration_s(), i_min, i_max, m.model().state_name(), m.state());
  if (!o.svg.empty())
    write_svg(o.svg, svg, std::string(m.model().name()) + " I-V (" + wave_text + ")", "voltage (V)", "current (A)");
}

void list_models() {
  for (const device::Model* m : device::all_models()) {
    std::printf("%s — %s\n  presets:", m->name(), m->summary());
    for (const auto& p : m->presets()) std::printf(" %s", p.name);
    std::printf("\n");
    for (const auto& p : m->presets())
      std::printf("  fitted range of %s: %s\n", p.name, device::describe_fitted_range(p.fitted).c_str());
    std::printf("  parameters (preset %s):\n", m->presets()[0].name);
    for (size_t i = 0; i < m->params().size(); ++i) {
      const auto& s = m->params()[i];
      std::printf("    %-7s = %-10g %-10s [%g, %g]  %s\n", s.name, m->presets()[0].values[i], s.unit, s.lo, s.hi,
                  s.doc);
    }
  }
}

struct DeviceArgs {
  ModelOpts o;
  std::string pulses, arc;
  uint32_t word = 0, bit = 0;
  bool read_all = false, firmware = false;
};

void check_device_args(const DeviceArgs& d) {
  if (d.arc.empty() && (d.read_all || d.firmware)) throw CliError("--read-all and --firmware need --arc PORT", 2);
  if ((d.read_all || d.firmware) && !d.pulses.empty())
    throw CliError("--read-all and --firmware do not take --pulses", 2);
  if (d.read_all && d.firmware) throw CliError("--read-all and --firmware are separate actions; give one", 2);
  if (d.arc.empty() && d.pulses.empty())
    throw CliError("ion device: --pulses is required (e.g. --pulses \"+0.8V,100us*20\")", 2);
  if (!d.arc.empty() && (!d.o.r0.empty() || !d.o.params.empty()))
    throw CliError("--r0/--param apply to models, not to --arc", 2);
}

// A model with a pulse program; or an ArC ONE: the cell's read and a pulse program (both
// optional), its whole array, or its firmware version.
void run_device(const DeviceArgs& d) {
  check_device_args(d);
  const auto prog = d.pulses.empty() ? std::vector<device::PulseStep>{}
                                     : value_or_throw(device::parse_pulse_program(d.pulses), "--pulses");
  if (d.arc.empty()) return run_pulses_model(d.o, prog);
  auto board = connect_arc(d.arc, d.o);
  if (d.firmware) return print_firmware(*board);
  if (d.read_all) return run_read_all_arc(*board);
  run_pulses_arc(*board, d.word, d.bit, d.o, prog);
}

}  // namespace

void add_device_command(CLI::App& app) {
  auto* dev = app.add_subcommand("device", "memristor models and instruments: apply a pulse program, print CSV");
  auto d = std::make_shared<DeviceArgs>();
  add_model_options(dev, d->o);
  dev->add_option("--pulses", d->pulses, "pulse program, e.g. \"+0.8V,100us*20;-0.8V,100us*20\"");
  dev->add_option("--arc", d->arc, "use a real ArC ONE on this serial port instead of a model");
  dev->add_option("--word", d->word, "word line for --arc (0-based)");
  dev->add_option("--bit", d->bit, "bit line for --arc (0-based)");
  dev->add_flag("--read-all", d->read_all, "with --arc: read every cell, print word,bit,resistance_ohm");
  dev->add_flag("--firmware", d->firmware, "with --arc: print the board's firmware version (only)");
  dev->callback([dev, d] {
    if (dev->get_subcommands().empty()) run_device(*d);
  });

  auto* sweep = dev->add_subcommand("sweep", "I-V loop of a model under a periodic voltage");
  auto so = std::make_shared<ModelOpts>();
  auto wave = std::make_shared<std::string>();
  auto points = std::make_shared<int>(200);
  auto csv = std::make_shared<bool>(false);
  add_model_options(sweep, *so);
  sweep->add_option("--wave", *wave, "e.g. \"sine,1V,1kHz,3cycles\" or \"triangle,1.5V,10Hz,1cycle\"")->required();
  sweep->add_option("--points", *points, "samples per cycle")->capture_default_str();
  sweep->add_flag("--csv", *csv, "print t, v, i, state, R as CSV");
  sweep->callback([so, wave, points, csv] { run_sweep(*so, *wave, *points, *csv); });

  dev->add_subcommand("list", "models, presets and parameters")->callback(list_models);
}

}  // namespace ion::cli
