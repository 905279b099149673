// SPDX-License-Identifier: Apache-2.0
// `ion neuron`: simulate one neuron (or n identical ones) of a built-in model and print spike
// times and/or state traces as CSV.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/time.hpp"
#include "neuron/drives.hpp"
#include "neuron/model.hpp"
#include "neuron/population.hpp"

namespace ion::cli {
namespace {

struct NeuronOptions {
  std::string model = "lif";
  std::vector<std::string> params;
  std::vector<std::string> inputs;
  std::string duration = "1s";
  std::string dt;
  size_t n = 1;
  std::string spikes_out;
  std::vector<std::string> trace_vars;
  std::string trace_out = "-";
  bool list = false;
  bool describe = false;
};

struct OutFile {
  std::FILE* f = nullptr;
  bool owned = false;
  ~OutFile() {
    if (owned && f) std::fclose(f);
  }
};

std::unique_ptr<OutFile> open_out(const std::string& target, const char* what) {
  auto out = std::make_unique<OutFile>();
  if (target == "-") {
    out->f = stdout;
    return out;
  }
  out->f = std::fopen(target.c_str(), "w");
  if (!out->f) throw CliError(std::string("cannot open ") + what + " output \"" + target + "\" for writing", 1);
  out->owned = true;
  return out;
}

template <class T>
T take(Result<T> r, const std::string& context) {
  if (!r) throw CliError(context + r.status().message(), 2);
  return std::move(r).value();
}

void print_models() {
  for (const neuron::ModelDef* m : neuron::all_models())
    std::printf("%-16s %s (%s, dt %s)\n", m->name.c_str(), m->summary.c_str(), neuron::integrator_name(m->integrator),
                format_duration(m->default_dt_ns).c_str());
}

void print_description(const neuron::ModelDef& m) {
  std::printf("model %s: %s\nequations: %s\nthreshold: %s\nreset: %s\nintegration: %s, default dt %s, max dt %s\n",
              m.name.c_str(), m.summary.c_str(), m.equations.c_str(), m.threshold.c_str(), m.reset.c_str(),
              neuron::integrator_name(m.integrator), format_duration(m.default_dt_ns).c_str(),
              format_duration(m.max_dt_ns).c_str());
  std::printf("parameters:\n");
  for (const auto& p : m.params)
    std::printf("  %-12s %-12s %s\n", p.name.c_str(), neuron::format_param(p, p.default_si).c_str(), p.doc.c_str());
  std::printf("state variables:\n");
  for (const auto& s : m.states) std::printf("  %-12s [%s] %s\n", s.name.c_str(), s.unit.c_str(), s.doc.c_str());
}

void write_trace_header(std::FILE* f, const std::vector<std::string>& vars, size_t n) {
  std::fprintf(f, "t_s");
  for (const auto& v : vars)
    for (size_t i = 0; i < n; ++i)
      n == 1 ? std::fprintf(f, ",%s", v.c_str()) : std::fprintf(f, ",%s[%zu]", v.c_str(), i);
  std::fprintf(f, "\n");
}

void write_trace_row(std::FILE* f, Time t, neuron::Population& pop, const std::vector<size_t>& cols) {
  std::fprintf(f, "%.9f", to_seconds(t));
  for (size_t k : cols)
    for (double x : pop.state_column(k)) std::fprintf(f, ",%.9g", x);
  std::fprintf(f, "\n");
}

void run_neuron(const NeuronOptions& o) {
  if (o.list) return print_models();
  const neuron::ModelDef& model = *take(neuron::find_model(o.model), "--model: ");
  if (o.describe) return print_description(model);
  auto params = take(neuron::resolve_params(model, o.params), "--param: ");
  Duration dt = o.dt.empty() ? model.default_dt_ns : take(parse_duration(o.dt), "--dt: ");
  Duration duration = take(parse_duration(o.duration), "--duration: ");
  if (duration <= 0) throw CliError("--duration: must be > 0, got " + o.duration, 2);
  if (o.n == 0 || o.n > 1'000'000) throw CliError("--n: must be 1..1000000", 2);
  auto pop = take(neuron::Population::create(model, o.n, dt, params), "--dt: ");
  const int64_t steps = duration / dt;
  if (steps > 200'000'000 / static_cast<int64_t>(o.n))
    throw CliError("--duration/--dt: more than 2e8 neuron-steps requested", 2);
  std::vector<neuron::CurrentInput> inputs;
  for (const auto& s : o.inputs) inputs.push_back(take(neuron::CurrentInput::parse(s), "--input: "));
  std::vector<size_t> cols;
  for (const auto& v : o.trace_vars) {
    auto k = model.state_index(v);
    if (!k) (void)take(pop.state(v), "--trace: ");
    cols.push_back(*k);
  }
  bool spikes_wanted = !o.spikes_out.empty() || cols.empty();
  std::string spikes_target = o.spikes_out.empty() ? "-" : o.spikes_out;
  if (spikes_wanted && !cols.empty() && spikes_target == "-" && o.trace_out == "-")
    throw CliError("--spikes - and --trace both write to stdout; give --trace-out FILE or --spikes FILE", 2);
  std::unique_ptr<OutFile> sp_out = spikes_wanted ? open_out(spikes_target, "spike") : nullptr;
  std::unique_ptr<OutFile> tr_out = cols.empty() ? nullptr : open_out(o.trace_out, "trace");
  if (sp_out) std::fprintf(sp_out->f, "t_s,neuron\n");
  if (tr_out) {
    write_trace_header(tr_out->f, o.trace_vars, o.n);
    write_trace_row(tr_out->f, pop.now(), pop, cols);
  }
  for (int64_t k = 0; k < steps; ++k) {
    double i_a = 0;
    for (auto& in : inputs) i_a += in.at(pop.now());
    for (double& x : pop.input_current()) x = i_a;
    pop.step();
    if (sp_out)
      for (uint32_t i : pop.spikes()) std::fprintf(sp_out->f, "%.9f,%u\n", to_seconds(pop.last_step_time()), i);
    if (tr_out) write_trace_row(tr_out->f, pop.now(), pop, cols);
  }
}

}  // namespace

void add_neuron_command(CLI::App& app) {
  auto o = std::make_shared<NeuronOptions>();
  CLI::App* c = app.add_subcommand("neuron", "Simulate a neuron model; print spike times / traces as CSV");
  c->add_option("--model", o->model, "Model name (see --list)")->capture_default_str();
  c->add_option("--param", o->params, "Parameter override name=value with unit, e.g. a=4nS (repeatable)");
  c->add_option("--input", o->inputs,
                "Input current, summed if repeated: const,I | step,I,on,off | ramp,I0,I1,t0,t1 | "
                "file,PATH,interval | noise,mean,sd,interval,seed");
  c->add_option("--duration", o->duration, "Simulated time, e.g. 1s")->capture_default_str();
  c->add_option("--dt", o->dt, "Time step (default: the model's, e.g. 0.1ms; HH 0.025ms)");
  c->add_option("--n", o->n, "Number of identical neurons")->capture_default_str();
  c->add_option("--spikes", o->spikes_out, "Write spike times CSV (t_s,neuron) to FILE or - (default when no --trace)");
  c->add_option("--trace", o->trace_vars, "State variable to trace, e.g. v (repeatable)");
  c->add_option("--trace-out", o->trace_out, "Trace CSV destination (FILE or -)")->capture_default_str();
  c->add_flag("--list", o->list, "List the models");
  c->add_flag("--describe", o->describe, "Describe the model: equations, parameters and defaults");
  c->callback([o] { run_neuron(*o); });
}

}  // namespace ion::cli
