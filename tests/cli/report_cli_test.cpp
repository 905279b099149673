// SPDX-License-Identifier: Apache-2.0
// `ion report RUN_DIR` end to end on logs written with record::LogWriter.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../common/run_command.hpp"
#include "record/event_log.hpp"

using namespace ion;
using namespace ion::literals;
using namespace ion::record;

namespace {

using ion::testing::run_command;

const std::string kIon = std::string(ION_BINARY_DIR) + "/ion";

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const std::filesystem::path kRoot = std::filesystem::temp_directory_path() /
                                    ("ion_report_test_" + std::to_string(::getpid()));
struct RemoveRootAtExit {
  ~RemoveRootAtExit() {
    std::error_code ec;
    std::filesystem::remove_all(kRoot, ec);
  }
} remove_root_at_exit;

std::string fresh_dir(const std::string& name) {
  const auto dir = kRoot / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

void write_log(const std::string& dir, SiteId id, const std::string& name, const std::vector<Record>& records) {
  LogHeader h;
  h.site_id = id;
  h.site_name = name;
  h.session_epoch = 1;
  auto o = open_log(dir + "/" + name + ".ionlog", h, {}, 0);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  for (const auto& r : records) ASSERT_TRUE(o->writer->append(r).is_ok());
  ASSERT_TRUE(o->writer->close().is_ok());
}

// The built-in experiment's sites (zurich 0, southampton 1, padova 2), run for 8 s instead of
// 40 s: ANpre at 10 Hz throughout, BN answering each ANpre spike after 10 ms.
void write_run(const std::string& dir, bool with_file = true) {
  const std::string file = read_text(std::string(ION_SOURCE_DIR) + "/examples/three_neuron.toml");
  std::vector<Record> notes = {Note{0, NoteKind::experiment_name, "three-neuron"}, Note{0, NoteKind::seed, "1"},
                               Note{0, NoteKind::neuron_names, "0:0=ANpre\n2:0=BN\n0:1=ANpost\n"},
                               Note{0, NoteKind::synapse_names, "0=ABsyn\n1=BAsyn\n"}};
  if (with_file) notes.push_back(Note{0, NoteKind::experiment_file, file});
  auto zurich = notes, padova = notes, hub = notes;
  for (Time t = 0; t < 8_s; t += 100_ms) {
    zurich.push_back(Spike{{0, 0}, t, SpikeKind::spike});
    padova.push_back(Spike{{2, 0}, t + 10_ms, SpikeKind::evoked});
    hub.push_back(WeightUpdate{0, t, 5000.0f + static_cast<float>(t / 1_ms), 0.5f, PlasticityAction::read});
  }
  hub.push_back(LinkStats{2, 1_s, 10, 9, 20, 18, 1, 0, 0, 0, 0, 0, 150_us, 0, 0, true});
  zurich.push_back(Note{8_s, NoteKind::text, "site zurich done: spikes=80 inputs=0 refused=0"});
  hub.push_back(Note{8_s, NoteKind::text, "site southampton done: spikes=0 inputs=0 refused=0"});
  padova.push_back(Note{8_s, NoteKind::text, "site padova done: spikes=80 inputs=0 refused=0"});
  write_log(dir, 0, "zurich", zurich);
  write_log(dir, 1, "southampton", hub);
  write_log(dir, 2, "padova", padova);
}

}  // namespace

TEST(ReportCli, RegeneratesReportAndScalesToTheRecordedDuration) {
  const auto dir = fresh_dir("ok");
  write_run(dir);
  auto o = run_command(kIon + " report " + dir);
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("the sites ran for 8s (the experiment file says 40s)"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("phase 4  6s..8s  set 2 Hz  ANpre measured 10.00 Hz"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("ABsyn        ANpre->BN: P(response) 1.000 (20/20)"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("southampton->padova"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("ABsyn        ANpre->BN: delivered 0/80 (100.00% lost)"), std::string::npos) << o.text;
  EXPECT_EQ(o.text.find("INCOMPLETE"), std::string::npos) << o.text;
  const auto html = read_text(dir + "/report.html");
  EXPECT_NE(html.find("<script type=\"application/json\" id=\"ion-report-model\">{\"model\":\"ion-report\""),
            std::string::npos);
  EXPECT_NE(html.find("IonReport.renderPage("), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir + "/report.html.tmp"));
}

// A site whose log is missing: the report is still written, says so, and shows its values as no
// data (not as zeros).
TEST(ReportCli, MissingSiteLogIsNamedAndShownAsNoData) {
  const auto dir = fresh_dir("missing");
  write_run(dir);
  std::filesystem::remove(dir + "/padova.ionlog");
  auto o = run_command(kIon + " report " + dir);
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("[INCOMPLETE recording]"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("warning: site padova has no log in the recording"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("rates (Hz): ANpre 10.00  BN no data  ANpost 0.00"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("ABsyn        ANpre->BN: no data (the post site has no log)"), std::string::npos) << o.text;
  EXPECT_NE(read_text(dir + "/report.html").find("\"complete\":false"), std::string::npos);
}

TEST(ReportCli, DurationAndWindowOptions) {
  const auto dir = fresh_dir("opts");
  write_run(dir);
  auto o = run_command(kIon + " report " + dir + " --duration 4s --response-min 11ms");
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("phase 4  3s..4s"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("ABsyn        ANpre->BN: P(response) 0.000 (0/10)"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("warning: spikes recorded after the last phase ended (at 4s)"), std::string::npos) << o.text;
  o = run_command(kIon + " report " + dir + " --response-min 50ms --response-max 40ms");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("--response-max (40ms) is less than --response-min (50ms)"), std::string::npos) << o.text;
  o = run_command(kIon + " report " + dir + " --duration soon");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("--duration"), std::string::npos) << o.text;
}

TEST(ReportCli, PreciseErrors) {
  auto o = run_command(kIon + " report /nonexistent/ion-run");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("/nonexistent/ion-run is not a directory"), std::string::npos) << o.text;
  const auto empty = fresh_dir("empty");
  o = run_command(kIon + " report " + empty);
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("no event logs (*.ionlog) in " + empty), std::string::npos) << o.text;
  const auto nofile = fresh_dir("nofile");
  write_run(nofile, false);
  o = run_command(kIon + " report " + nofile);
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.text.find("no experiment_file note"), std::string::npos) << o.text;
}

// The built-in experiment on simulated time: `ion run` writes the report, and `ion report`
// regenerates the same file from the logs alone.
TEST(ReportCli, RunWritesReportAndReportRegeneratesIt) {
  const auto dir = fresh_dir("run") + "/out";
  auto o = run_command(kIon + " run --sim --duration 4s --out " + dir);  // not --quiet: reads the summary
  ASSERT_EQ(o.code, 0) << o.text;
  for (const char* want : {"phase 4  3s..4s  set 2 Hz  ANpre measured 2.00 Hz", "ABsyn        ANpre->BN",
                           "southampton->padova", "report: "}) {
    EXPECT_NE(o.text.find(want), std::string::npos) << want << "\n" << o.text;
  }
  const auto first = read_text(dir + "/report.html");
  ASSERT_NE(first.find("</html>"), std::string::npos);
  std::filesystem::remove(dir + "/report.html");
  o = run_command(kIon + " report " + dir);
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("the sites ran for 4s"), std::string::npos) << o.text;
  EXPECT_EQ(read_text(dir + "/report.html"), first);
}

// `ion report FILE.h5`: a recording.h5 without its logs gives the same report.html and summary;
// a file that is not a recording is refused with its name and the problem.
TEST(ReportCli, ARecordingH5AloneGivesTheSameReport) {
  const auto dir = fresh_dir("h5") + "/out";
  auto o = run_command(kIon + " run --sim --quiet --duration 4s --out " + dir);
  ASSERT_EQ(o.code, 0) << o.text;
  const auto alone = fresh_dir("h5-alone");
  std::filesystem::copy_file(dir + "/recording.h5", alone + "/x.h5");
  const auto from_logs = run_command(kIon + " report " + dir);
  ASSERT_EQ(from_logs.code, 0) << from_logs.text;
  o = run_command(kIon + " report " + alone + "/x.h5");
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_EQ(o.text.substr(0, o.text.find("report: ")), from_logs.text.substr(0, from_logs.text.find("report: ")));
  EXPECT_NE(o.text.find("report: " + alone + "/report.html"), std::string::npos) << o.text;
  EXPECT_EQ(read_text(alone + "/report.html"), read_text(dir + "/report.html"));
  std::ofstream(alone + "/text.h5") << "not a recording\n";
  o = run_command(kIon + " report " + alone + "/text.h5");
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.text.find(alone + "/text.h5: not an HDF5 file"), std::string::npos) << o.text;
}
