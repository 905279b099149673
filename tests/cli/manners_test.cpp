// SPDX-License-Identifier: Apache-2.0
// The command line's manners (cli/exit_codes.hpp, cli/suggest.hpp, cli/arg_checks.hpp): every usage
// error of every subcommand exits 2 (CLI11 alone gives 100..127), mistyped subcommands and options
// get git's suggestion, out-of-range integers are refused with the range, help names `ion`, bash
// completion is generated from the command tree, and `ion help experiment` lists exactly the keys
// the loader reads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../common/run_command.hpp"
#include "cli/suggest.hpp"
#include "core/time.hpp"
#include "experiment/builtin.hpp"
#include "experiment/load.hpp"

namespace {

using ion::testing::CommandOutput;

CommandOutput ion_cmd(const std::string& args) {
  return ion::testing::run_command(std::string(ION_BINARY_DIR) + "/ion " + args);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The subcommands `ion --help` lists (its "Subcommands:" section), so a new one is covered too.
std::vector<std::string> subcommands_of(const std::string& command) {
  std::istringstream in(ion_cmd(command + " --help").text);
  std::vector<std::string> subs;
  std::string line;
  bool listing = false;
  while (std::getline(in, line)) {
    if (line.rfind("Subcommands:", 0) == 0) listing = true;
    else if (listing && line.size() > 2 && line[0] == ' ' && line[2] != ' ')
      subs.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  return subs;
}

TEST(CliManners, EditDistanceHasGitsWeights) {
  EXPECT_EQ(ion::cli::weighted_edit_distance("rn", "run"), 1);    // insertion 1
  EXPECT_EQ(ion::cli::weighted_edit_distance("rnu", "run"), 0);   // swap 0
  EXPECT_EQ(ion::cli::weighted_edit_distance("rum", "run"), 2);   // substitution 2
  EXPECT_EQ(ion::cli::weighted_edit_distance("runn", "run"), 3);  // deletion 3
  const std::vector<std::string> commands = {"run", "node", "inspect", "report"};
  EXPECT_EQ(ion::cli::suggest("rn", commands), std::vector<std::string>{"run"});
  EXPECT_EQ(ion::cli::suggest("r", commands), (std::vector<std::string>{"run", "report"}));  // prefixes
  EXPECT_TRUE(ion::cli::suggest("zzzzzzzz", commands).empty());                              // score ≥ 7
  EXPECT_TRUE(ion::cli::suggest("", commands).empty());  // a prefix of everything: too ambiguous
}

TEST(CliManners, MistypedSubcommandAndOptionGetASuggestionAndExit2) {
  CommandOutput r = ion_cmd("rn");
  EXPECT_EQ(r.code, 2) << r.text;  // CLI11: 106 (a subcommand is required)
  EXPECT_TRUE(has(r.text, "'rn' is not an 'ion' command; did you mean 'run'?")) << r.text;
  r = ion_cmd("run --duraton 8s");
  EXPECT_EQ(r.code, 2) << r.text;  // CLI11: 109 (extras)
  EXPECT_TRUE(has(r.text, "unknown option '--duraton' for 'ion run'; did you mean '--duration'?")) << r.text;
  r = ion_cmd("inspect --jsno x.ionlog");
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_TRUE(has(r.text, "did you mean '--json'?")) << r.text;
  r = ion_cmd("qqqqqqqq");
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_FALSE(has(r.text, "did you mean")) << r.text;
}

TEST(CliManners, EveryUsageErrorOfEverySubcommandExits2) {
  const auto subs = subcommands_of("");
  ASSERT_GE(subs.size(), 10u);
  for (const auto& sub : subs) {
    CommandOutput r = ion_cmd(sub + " --no-such-option");
    EXPECT_EQ(r.code, 2) << "ion " << sub << ": " << r.text;
    EXPECT_TRUE(has(r.text, "Run 'ion " + sub + " --help' for usage.")) << r.text;
    for (const auto& leaf : subcommands_of(sub)) {
      CommandOutput l = ion_cmd(sub + " " + leaf + " --no-such-option");
      EXPECT_EQ(l.code, 2) << "ion " << sub << " " << leaf << ": " << l.text;
    }
  }
  // Old codes in comments: what CLI11's app.exit(e) returned.
  const std::vector<std::string> errors = {
      "",                                 // 106: a subcommand is required
      "inspect",                          // 106: LOG is required
      "inspect /no/such/file.ionlog",     // 105: validation (file exists)
      "validate a.toml --json=3",         // 109 / 104
      "culture --channels many",          // 104: conversion
      "run --sim --realtime extra more",  // 109: extras
      // Usage errors the handlers find (2 before too; kept so that no subcommand drifts) ...
      "report /no/such/run", "detect --input /no/such/input --out x.csv", "neuron --model nosuch",
      "run --sim --realtime",
      // ... and those of the new subcommands.
      "help nosuchtopic", "completion zsh"};
  for (const auto& args : errors) {
    CommandOutput r = ion_cmd(args);
    EXPECT_EQ(r.code, 2) << "ion " << args << ": " << r.text;
  }
  EXPECT_EQ(ion_cmd("--help").code, 0);
  EXPECT_EQ(ion_cmd("--version").code, 0);
}

TEST(CliManners, OutOfRangeIntegersAreRefusedWithTheRange) {
  const std::string out = testing::TempDir() + "ion_manners_seed";
  for (const std::string cmd : {"run --sim --duration 10ms", "node --site zurich", "culture"}) {
    for (const std::string seed : {"-1", "18446744073709551616", "12abc"}) {
      std::filesystem::remove_all(out);
      CommandOutput r = ion_cmd(cmd + " --seed " + seed + " --out " + out);
      EXPECT_EQ(r.code, 2) << cmd << " --seed " << seed << ": " << r.text;
      EXPECT_TRUE(has(r.text, "--seed: found \"" + seed + "\", expected an integer in 0..18446744073709551615"))
          << cmd << ": " << r.text;
    }
  }
  // Old: -1 became electrode 4294967295 (a stimulus the interlock refused) and the run went on.
  std::filesystem::remove_all(out);
  CommandOutput r = ion_cmd("culture --duration 10ms --stim-rate 200Hz --stim-electrode -1 --out " + out);
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_TRUE(has(r.text, "--stim-electrode: found \"-1\", expected an integer in 0..65535")) << r.text;
  std::filesystem::remove_all(out);
  r = ion_cmd("culture --duration 10ms --stim-rate 200Hz --stim-electrode 60 --out " + out);
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_TRUE(has(r.text, "--stim-electrode: found 60, expected an electrode 0..59 (--channels 60)")) << r.text;
}

// No std::regex in this file: g++ 12 warns (maybe-uninitialized, an error here) inside <regex>
// when it is built with the sanitizers (make test-asan).

// The line a simulated run ends with: experiment time, events and trace digest.
std::string simulated_line(const std::string& duration, const std::string& out) {
  std::filesystem::remove_all(out);
  CommandOutput r = ion_cmd("run --sim --duration " + duration + " --out " + out);
  EXPECT_EQ(r.code, 0) << r.text;
  for (size_t at = 0; (at = r.text.find("simulated ", at)) != std::string::npos; ++at) {
    const std::string line = r.text.substr(at, r.text.find('\n', at) - at);
    if (line.find("trace digest ") != std::string::npos) return line;
  }
  return "no line in: " + r.text;
}

TEST(CliManners, DurationsWithAndWithoutASpaceAreTheSame) {
  const std::string dir = testing::TempDir() + "ion_manners_duration_";
  const std::string joined = simulated_line("20ms", dir + "a");
  EXPECT_TRUE(has(joined, "simulated 20ms of experiment time")) << joined;
  EXPECT_EQ(simulated_line("'20 ms'", dir + "b"), joined);
  // Unquoted, the unit is a second argument: the message says to quote it (old: "s: cannot open
  // the experiment file").
  CommandOutput r = ion_cmd("run --sim --duration 20 ms");
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_TRUE(has(r.text, "--duration: found \"20\", expected a duration with a unit, such as 8s or \"8 s\""))
      << r.text;
  r = ion_cmd("node --site zurich --warmup 2");
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_TRUE(has(r.text, "--warmup: found \"2\", expected a duration with a unit")) << r.text;
}

TEST(CliManners, HelpNamesIonNotTheBinaryPath) {
  CommandOutput r = ion_cmd("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(has(r.text, "Usage: ion [OPTIONS] SUBCOMMAND")) << r.text;
  EXPECT_FALSE(has(r.text, ION_BINARY_DIR)) << r.text;
  r = ion_cmd("run --help");
  EXPECT_TRUE(has(r.text, "Usage: ion run [OPTIONS]")) << r.text;
  r = ion_cmd("help inspect");
  EXPECT_EQ(r.code, 0) << r.text;
  EXPECT_TRUE(has(r.text, "Usage: ion inspect [OPTIONS] LOG...")) << r.text;
}

// COMPREPLY after bash completes the words `words` with the generated script.
std::string complete(const std::string& words, int cword) {
  const std::string script = testing::TempDir() + "ion_manners_completion.bash";
  CommandOutput gen = ion_cmd("completion bash > " + script);
  EXPECT_EQ(gen.code, 0) << gen.text;
  CommandOutput r = ion::testing::run_command("bash -c 'source " + script + "; COMP_WORDS=(" + words +
                                              "); COMP_CWORD=" + std::to_string(cword) +
                                              "; _ion; echo \"[${COMPREPLY[*]}]\"'");
  EXPECT_EQ(r.code, 0) << r.text;
  return r.text;
}

TEST(CliManners, BashCompletionIsGeneratedFromTheCommandTree) {
  EXPECT_EQ(complete("ion r", 1), "[run report]\n");
  EXPECT_EQ(complete("ion run --dur", 2), "[--duration]\n");
  EXPECT_EQ(complete("ion inspect --js", 2), "[--json]\n");
  // Every subcommand of `ion device` (as its --help lists them) is offered after `ion device`.
  std::string all;
  for (const auto& s : subcommands_of("device")) all += (all.empty() ? "" : " ") + s;
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(complete("ion device ''", 2), "[" + all + "]\n");
}

TEST(CliManners, HumanDurationsHaveFourDigitsAndAUnit) {
  EXPECT_EQ(ion::format_duration_human(12'400'000'000), "12.4 s");
  EXPECT_EQ(ion::format_duration_human(803'325'428), "803.3 ms");
  EXPECT_EQ(ion::format_duration_human(-497'561), "-497.6 us");
  EXPECT_EQ(ion::format_duration_human(1'250'400'000'000), "1250 s");
  EXPECT_EQ(ion::format_duration_human(0), "0 s");
  EXPECT_EQ(*ion::parse_duration(ion::format_duration_human(20'780)), 20'780);  // "20.78 us" reads back
}

TEST(CliManners, InspectShowsNamesAndHumanTimes) {
  const std::string dir = testing::TempDir() + "ion_manners_inspect";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  CommandOutput fx = ion::testing::run_command(std::string(ION_RECORD_FIXTURE) + " " + dir);
  ASSERT_EQ(fx.code, 0) << fx.text;
  CommandOutput r = ion_cmd("inspect " + dir + "/silicon.ionlog " + dir + "/hub.ionlog");
  ASSERT_EQ(r.code, 0) << r.text;
  // The fixture names its neurons and synapses in notes (record_fixture.cpp); old: "2:0=30",
  // "synapse 0:", "link to site 1 (at 4.00000431s)", "100.000265ms .. 4.00300431s".
  EXPECT_TRUE(has(r.text, "spikes per neuron: ANpre=30 ANpost=11")) << r.text;
  EXPECT_TRUE(has(r.text, "synapse ABsyn (id 0): 40 updates")) << r.text;
  EXPECT_TRUE(has(r.text, "link to hub (site 1) at 4 s: sent=1000")) << r.text;
  EXPECT_TRUE(has(r.text, "link to silicon (site 2) at 3 s:")) << r.text;
  EXPECT_TRUE(has(r.text, "time span: 100 ms .. 4.003 s (3.903 s)")) << r.text;
  EXPECT_TRUE(has(r.text, "rtt=20.55 us offset=662 ns")) << r.text;
}

// `text` without the characters in `drop` and, when `bracketed`, without every "[...]" part.
std::string stripped(const std::string& text, const std::string& drop, bool bracketed) {
  std::string out;
  int depth = 0;
  for (char c : text) {
    if (bracketed && c == '[') ++depth;
    if (depth == 0 && drop.find(c) == std::string::npos) out += c;
    if (bracketed && c == ']' && depth > 0) --depth;
  }
  return out;
}

// "sites.zurich.chip.cores" → "sites.NAME.chip.cores"; "neurons[2].drive.rate" → "neurons.drive.rate";
// "links.default.loss" → "links.loss" (the documentation's section names).
std::string normalized(const std::string& path) {
  std::vector<std::string> parts;
  std::istringstream in(stripped(path, "", true));
  for (std::string p; std::getline(in, p, '.');) parts.push_back(p);
  if (parts.size() >= 2 && parts[0] == "sites") parts[1] = "NAME";
  if (parts.size() >= 2 && parts[0] == "links") parts.erase(parts.begin() + 1);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ".") + p;
  return out;
}

struct DocumentedKeys {
  std::set<std::string> keys, sections;
};

DocumentedKeys documented_keys() {
  CommandOutput r = ion_cmd("help experiment");
  EXPECT_EQ(r.code, 0) << r.text;
  DocumentedKeys d;
  std::istringstream in(r.text);
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.rfind("[", 0) == 0) {
      section = stripped(line.substr(0, line.find(']')), "[]", false);
      d.sections.insert(section);
    } else if (line.rfind("  ", 0) == 0 && !section.empty()) {
      d.keys.insert(section + "." + line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return d;
}

// Documented: a key, a section or a table on the way to one, or an entry of a key's free table
// (`params`, `legacy.neurons`: a key that is not a section of its own).
bool is_documented(const std::string& path, const DocumentedKeys& d) {
  if (d.keys.count(path)) return true;
  for (const auto& s : d.sections)
    if (s == path || s.rfind(path + ".", 0) == 0) return true;
  for (const auto& k : d.keys)
    if (!d.sections.count(k) && path.rfind(k + ".", 0) == 0) return true;
  return false;
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// What the loader reads from the built-in experiment, the examples and a file with the tables
// they leave out.
std::set<std::string> loader_keys() {
  std::vector<std::string> texts = {std::string(ion::experiment::builtin_experiment_text())};
  for (const char* name : {"three_neuron.toml", "large_network.toml", "legacy_bridge.toml"})
    texts.push_back(read_text(std::string(ION_SOURCE_DIR) + "/examples/" + name));
  texts.push_back(texts[0] + "\n[security]\nkey_dir = \"keys\"\n");
  texts.push_back(texts[0] + "\n[[monitors]]\nname = \"mon\"\naddress = \"127.0.0.1:7401\"\nmax_record_rate = 1000\n");
  std::set<std::string> keys;
  for (const auto& t : texts) {
    auto read = ion::experiment::keys_read_by_loader(t);
    EXPECT_TRUE(read.is_ok()) << read.status().message();
    if (read.is_ok())
      for (const auto& k : *read) keys.insert(normalized(k));
  }
  return keys;
}

TEST(CliManners, HelpExperimentListsExactlyTheKeysTheLoaderReads) {
  const DocumentedKeys doc = documented_keys();
  ASSERT_GE(doc.keys.size(), 80u);
  const std::set<std::string> read = loader_keys();
  for (const auto& k : read) EXPECT_TRUE(is_documented(k, doc)) << k << " is read by the loader but not documented";
  for (const auto& k : doc.keys) EXPECT_TRUE(read.count(k)) << k << " is documented but the loader never reads it";
}

}  // namespace
