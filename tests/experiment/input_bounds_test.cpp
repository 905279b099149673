// SPDX-License-Identifier: Apache-2.0
// Inputs that crashed or exhausted the loader (issue 12, finding 5) and the bounds that stop them:
// text shape before parsing, file types and sizes, the number of diagnostics, model size, and
// the resource estimate of a run.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "experiment/builtin.hpp"
#include "experiment/input_bounds.hpp"
#include "experiment/limits.hpp"
#include "experiment/load.hpp"
#include "experiment/resources.hpp"

namespace ion::experiment {
namespace {

namespace fs = std::filesystem;

// The one diagnostic of a text refused by shape (empty if the shape was fine).
std::string shape_problem(const std::string& text) {
  Diagnostics d;
  if (check_input_shape(text, "s.toml", d)) return "";
  EXPECT_EQ(d.size(), 1u);
  return d.items().front().to_string();
}

std::string dotted_key(int parts, const std::string& part = "a") {
  std::string k = part;
  for (int i = 1; i < parts; ++i) k += "." + part;
  return k;
}

TEST(InputShape, AKeyOf50000PartsIsRefusedBeforeTheParser) {
  // 100 KB, one dotted key: toml++ overflowed the stack on it (SIGSEGV in `ion validate`).
  const std::string text = dotted_key(50000) + " = 1\n";
  ASSERT_GT(text.size(), 99'000u);
  Diagnostics d;
  auto r = load_experiment_text(text, "deep.toml", &d);
  ASSERT_FALSE(r.is_ok());
  ASSERT_EQ(d.size(), 1u) << d.to_string();
  EXPECT_EQ(d.items()[0].to_string(),
            "deep.toml:1:1: found a dotted key or table header with more than 16 parts, expected at most that "
            "(experiment files are bounded before parsing)");
}

TEST(InputShape, KeyPartsAtTheLimitPassAndOneMoreIsRefused) {
  EXPECT_EQ(shape_problem(dotted_key(16) + " = 1\n"), "");
  EXPECT_NE(shape_problem(dotted_key(17) + " = 1\n"), "");
  EXPECT_EQ(shape_problem("[" + dotted_key(16) + "]\n"), "");
  EXPECT_NE(shape_problem("[[" + dotted_key(17, "\"q\"") + "]]\n"), "");
  EXPECT_NE(shape_problem("x = { " + dotted_key(17, " b ") + " = 1 }\n"), "");  // spaces around dots
  // Where: the start of the key, on its line.
  EXPECT_EQ(shape_problem("a = 1\n\n  " + dotted_key(17) + " = 2\n").substr(0, 12), "s.toml:3:3: ");
}

TEST(InputShape, NestingAtTheLimitPassesAndOneMoreIsRefused) {
  auto nested = [](int depth, char open, char close) {
    std::string v;
    for (int i = 0; i < depth; ++i) v += open == '{' ? std::string("{ a = ") : std::string(1, open);
    v += "1";
    for (int i = 0; i < depth; ++i) v += open == '{' ? std::string(" }") : std::string(1, close);
    return "x = " + v + "\n";
  };
  EXPECT_EQ(shape_problem(nested(16, '[', ']')), "");
  EXPECT_EQ(shape_problem(nested(17, '[', ']')),
            "s.toml:1:21: found arrays or inline tables nested more than 16 deep, expected at most that "
            "(experiment files are bounded before parsing)");
  EXPECT_EQ(shape_problem(nested(16, '{', '}')), "");
  EXPECT_NE(shape_problem(nested(17, '{', '}')), "");
  // 1 MB of '[': refused at the 17th, without recursion.
  EXPECT_NE(shape_problem("x = " + std::string(limits::kMaxFileBytes - 4, '[')), "");
}

TEST(InputShape, StringsAndCommentsDoNotCount) {
  const std::string dots = dotted_key(40);
  EXPECT_EQ(shape_problem("a = \"" + dots + "\"\nb = '" + dots + "'\n# " + dots + " [[[[[[[[[[[[[[[[[[[[\n"), "");
  EXPECT_EQ(shape_problem("a = \"\"\"\n" + dots + "\n[[[[[[[[[[[[[[[[[[\"\"\"\nb = '''" + dots + "'''\n"), "");
  EXPECT_EQ(shape_problem("a = \"esc \\\" " + dots + "\"\n"), "");
  EXPECT_EQ(shape_problem("a = 1.5\nb = 1979-05-27T07:32:00.999Z\nc = 6.626e-34\n"), "");
}

TEST(InputShape, SizeIsBounded) {
  EXPECT_EQ(shape_problem(std::string(limits::kMaxFileBytes, '\n')), "");
  EXPECT_NE(shape_problem(std::string(limits::kMaxFileBytes + 1, '\n')), "");
}

TEST(InputShape, AOneMegabyteFileOfRealEntriesLoadsInBoundedTime) {
  // The built-in experiment plus ~1 MB of valid comment lines and unknown keys: every problem is
  // reported (up to the cap) and nothing explodes.
  std::string text(builtin_experiment_text());
  while (text.size() < limits::kMaxFileBytes - 100) text += "# padding line to make a large but valid file\n";
  EXPECT_TRUE(load_experiment_text(text, "big.toml").is_ok());
  std::string keys;
  for (int i = 0; keys.size() < limits::kMaxFileBytes - 100; ++i) keys += "[extra" + std::to_string(i) + "]\n";
  Diagnostics d;
  EXPECT_FALSE(load_experiment_text(keys, "keys.toml", &d).is_ok());
  EXPECT_EQ(d.size(), limits::kMaxDiagnostics);
  EXPECT_GT(d.dropped(), 10000u);
  EXPECT_NE(d.to_string().find("more problems (only the first 200 are listed)"), std::string::npos);
}

class Files : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ion-input-bounds-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string refusal(const std::string& path) {
    Diagnostics d;
    auto r = load_experiment(path, &d);
    EXPECT_FALSE(r.is_ok());
    EXPECT_EQ(d.size(), 1u);
    return r.status().message();
  }
  fs::path dir_;
};

TEST_F(Files, AFifoIsRefusedByTypeWithoutWaiting) {
  const std::string fifo = (dir_ / "exp.toml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(refusal(fifo), fifo + ": found a FIFO (named pipe), expected a regular file (an experiment TOML file)");
}

TEST_F(Files, DevicesAndDirectoriesAreRefusedByType) {
  EXPECT_EQ(refusal("/dev/zero"),
            "/dev/zero: found a character device, expected a regular file (an experiment TOML file)");
  EXPECT_EQ(refusal(dir_.string()),
            dir_.string() + ": found a directory, expected a regular file (an experiment TOML file)");
}

TEST_F(Files, AnOversizedFileIsRefusedBeforeReading) {
  const std::string big = (dir_ / "big.toml").string();
  std::ofstream(big) << std::string(limits::kMaxFileBytes + 1, '#');
  EXPECT_NE(refusal(big).find("larger than 1048576 bytes (found 1048577)"), std::string::npos);
}

TEST_F(Files, SourcePathsAreCheckedByType) {
  const std::string fifo = (dir_ / "rec.raw").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string t(builtin_experiment_text());
  const std::string src = "source     = { kind = \"culture\", neurons = 1, electrodes = 1, rate = \"25kHz\" }";
  t.replace(t.find(src), src.size(),
            "source     = { kind = \"raw\", path = \"" + fifo + "\", channels = 1, rate = \"25kHz\" }");
  t.replace(t.find("spontaneous = \"1Hz\""), 19, "");  // a recording has no spontaneous rate
  Diagnostics d;
  EXPECT_FALSE(load_experiment_text(t, "e.toml", &d).is_ok());
  ASSERT_EQ(d.size(), 1u) << d.to_string();
  EXPECT_EQ(d.items()[0].key_path, "sites.padova.source.path");
  EXPECT_NE(d.items()[0].message.find("which is a FIFO (named pipe), expected a regular file"), std::string::npos);
}

TEST(ModelSize, NeuronsBeyondTheLimitAreNotExpanded) {
  std::string text(builtin_experiment_text());
  text.replace(text.find("chip    = { cores = 1 }"), 23, "chip    = { cores = 1024 }");
  for (int i = 0; i < 4; ++i)
    text += "\n[[neurons]]\nname = \"P" + std::to_string(i) +
            "\"\nsite = \"zurich\"\nmodel = \"dpi\"\ncount = 100000\n";
  Diagnostics d;
  EXPECT_FALSE(load_experiment_text(text, "e.toml", &d).is_ok());
  bool capped = false;
  for (const auto& diag : d)
    capped = capped ||
             (diag.key_path == "neurons[5].count" && diag.message.find("expected at most 300000") != std::string::npos);
  EXPECT_TRUE(capped) << d.to_string();
}

TEST(Resources, TheBuiltinExperimentByHand) {
  const ResourceEstimate r = estimate_resources(*builtin_experiment());
  // ANpre: 10·10 + 30·10 + 10·10 + 2·10 = 520 spikes; BN: 1 Hz × 40 s = 40; ANpost: 2 Hz × 40 s
  // = 80; ABsyn: 520 inputs at a bio site (input + stimulus records) + 40 weight updates (BN's
  // spikes); BAsyn: 40 inputs + 80 weight updates (ANpost's spikes). Zurich pre-computes ANpre's
  // and ANpost's spike times.
  EXPECT_DOUBLE_EQ(r.events, 520 + 40 + 80 + (2 * 520 + 40) + (40 + 80));
  EXPECT_DOUBLE_EQ(r.spike_times, 520 + 80);
  EXPECT_EQ(r.spike_times_site, "zurich");
  EXPECT_EQ(resource_problem(r), "");
  ASSERT_NE(r.main_source(), nullptr);
  EXPECT_EQ(r.main_source()->key_path, "neurons[0].drive.phases[1]");  // 30 Hz × 10 s
}

TEST(Resources, APhaseOf1GHzIsRefusedAtThePhaseWithTheEstimate) {
  // It passed validation and ended in std::bad_alloc after 16 GB (10¹⁰ pre-computed spike times).
  std::string text(builtin_experiment_text());
  const size_t at = text.find("\"10Hz 10s\"");
  text.replace(at, 10, "\"1e9Hz 10s\"");
  Diagnostics d;
  EXPECT_FALSE(load_experiment_text(text, "e.toml", &d).is_ok());
  ASSERT_EQ(d.size(), 1u) << d.to_string();
  const Diagnostic& diag = d.items()[0];
  EXPECT_EQ(diag.key_path, "neurons[0].drive.phases[0]");
  EXPECT_EQ(diag.line, 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  EXPECT_EQ(diag.col, static_cast<int>(at - text.rfind('\n', at)));
  EXPECT_NE(diag.message.find("about 3e+10 events"), std::string::npos) << diag.message;
  EXPECT_NE(diag.message.find("site zurich pre-computes 1e+10 spike times"), std::string::npos) << diag.message;
  EXPECT_NE(diag.message.find("expected at most 2e+07 events per run"), std::string::npos) << diag.message;
  EXPECT_NE(diag.message.find("1GHz × 10s × 1 neuron(s)"), std::string::npos) << diag.message;
}

TEST(Resources, TheLimitIsOnTheEstimate) {
  auto events_at = [](const std::string& rate) {
    std::string text(builtin_experiment_text());
    text.replace(text.find("\"10Hz 10s\""), 10, "\"" + rate + " 10s\"");
    return load_experiment_text(text, "e.toml");
  };
  // 3 events per ANpre spike (spike, input, stimulus) + the rest of the built-in (1840 − 3·100).
  EXPECT_TRUE(events_at("666000Hz").is_ok());   // 3·6.66e6 + 1540 < 2e7
  EXPECT_FALSE(events_at("667000Hz").is_ok());  // 3·6.67e6 + 1540 > 2e7
}

}  // namespace
}  // namespace ion::experiment
