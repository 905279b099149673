// SPDX-License-Identifier: Apache-2.0
// End to end through the `ion` binary: `ion culture` writes a recording, `ion detect` scores it.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "../common/run_command.hpp"
namespace fs = std::filesystem;

namespace {
ion::testing::CommandOutput run(const std::string& args) {
  return ion::testing::run_command(std::string(ION_BINARY_DIR) + "/ion " + args);
}

double field(const std::string& text, const std::string& name) {
  const auto at = text.find(name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 1));
}
}  // namespace

TEST(IonCli, CultureThenDetectScoresAgainstTruth) {
  const fs::path dir = fs::temp_directory_path() / ("ion-bio-cli-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto c = run("culture --duration 4s --channels 16 --rate 25kHz --snr 8 --seed 3 --out " + dir.string());
  ASSERT_EQ(c.code, 0) << c.text;
  const fs::path rec = dir / "Record Node 101" / "experiment1" / "recording1";
  EXPECT_TRUE(fs::exists(rec / "structure.oebin"));
  EXPECT_TRUE(fs::exists(dir / "truth.csv"));
  const auto spikes = (dir / "spikes.csv").string();
  const auto snippets = (dir / "snippets.csv").string();
  auto d = run("detect --input " + dir.string() + " --out " + spikes + " --snippets " + snippets + " --truth " +
               (dir / "truth.csv").string());
  ASSERT_EQ(d.code, 0) << d.text;
  EXPECT_GE(field(d.text, "precision"), 0.95) << d.text;
  EXPECT_GE(field(d.text, "recall"), 0.95) << d.text;
  std::ifstream in(spikes);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "channel,sample,time_s,amplitude_uv,threshold_uv");
  auto lines = [](const std::string& path) {
    std::ifstream f(path);
    size_t n = 0;
    for (std::string l; std::getline(f, l);) ++n;
    return n;
  };
  EXPECT_GT(lines(spikes), 100u);
  EXPECT_EQ(lines(snippets), lines(spikes));
  // A second recording: the root is ambiguous until --recording chooses.
  fs::copy(rec, rec.parent_path() / "recording2", fs::copy_options::recursive);
  d = run("detect --input " + dir.string() + " --out " + spikes);
  EXPECT_EQ(d.code, 2) << d.text;
  EXPECT_NE(d.text.find("holds 2 recordings"), std::string::npos) << d.text;
  d = run("detect --input " + dir.string() + " --recording 2 --experiment 1 --out " + spikes);
  EXPECT_EQ(d.code, 0) << d.text;
  EXPECT_NE(d.text.find("recording2/structure.oebin"), std::string::npos) << d.text;
  fs::remove_all(dir);
}

TEST(IonCli, BadInputsExitWithOneClearMessage) {
  const fs::path dir = fs::temp_directory_path() / ("ion-bio-cli-bad-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "x.txt") << "hello";
  auto r = run("detect --input " + (dir / "x.txt").string() + " --out " + (dir / "s.csv").string());
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_NE(r.text.find("unknown format"), std::string::npos) << r.text;
  r = run("detect --input " + dir.string() + " --out " + (dir / "s.csv").string());
  EXPECT_GT(r.code, 0);
  EXPECT_NE(r.text.find("structure.oebin"), std::string::npos) << r.text;
  r = run("culture --duration 1s --rate 50kHz --out " + (dir / "c").string());
  EXPECT_EQ(r.code, 2) << r.text;
  EXPECT_NE(r.text.find("10–30 kHz"), std::string::npos) << r.text;
  r = run("detect --input " + dir.string() + " --out x.csv --polarity sideways");
  EXPECT_GT(r.code, 0);
  fs::remove_all(dir);
}
