// SPDX-License-Identifier: Apache-2.0
// Issue 12, findings 2 and 3 with real `ion node` processes on loopback (label realtime):
// - three sites on a tmpfs that fills mid-run: a site that finishes (exit 0, or 3 when a peer
//   failed: "incomplete") has a complete log; every other site exits 1 with "event log failed …
//   cannot write <log>: No space left on device", and every log stays readable (the old nodes
//   exited 0 with logs ending seconds early);
// - a second `ion node --resume` and `ion inspect --repair` against a live site are refused
//   before writing anything (the old one wrote a fake "resumed" session into the live log).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../common/loopback_experiment.hpp"
#include "../common/run_command.hpp"
#include "../common/test_files.hpp"
#include "../common/tmpfs.hpp"
#include "experiment/builtin.hpp"
#include "record/log_reader.hpp"

extern char** environ;
using namespace ion;
using ion::testing::run_command;
using ion::testing::Tmpfs;

namespace {

const std::string kIon = std::string(ION_BINARY_DIR) + "/ion";

std::string fresh_dir(const std::string& name) {
  return ion::testing::fresh_test_dir("test-runs/storage-realtime", name);
}
using ion::testing::file_contents;

// The built-in experiment on `loopback` with keys, in `cfg` (outside any tmpfs).
std::string prepare(const std::string& cfg, const std::string& loopback) {
  const std::string text = ion::testing::pin_loopback(std::string(experiment::builtin_experiment_text()), loopback);
  std::ofstream(cfg + "/experiment.toml") << text;
  EXPECT_EQ(run_command(kIon + " keygen --sites zurich,southampton,padova --out " + cfg + "/keys").code, 0);
  return cfg + "/experiment.toml";
}

struct Proc {
  pid_t pid = -1;
  std::string output;  // file with its stdout + stderr
};

Proc spawn_node(const std::string& cfg, const std::string& out, const std::string& site, const std::string& duration,
                const std::string& tag, bool resume = false) {
  std::vector<std::string> args = {kIon,         "node",   cfg + "/experiment.toml",
                                   "--site",     site,     "--out",
                                   out,          "--keys", cfg + "/keys",
                                   "--duration", duration, "--warmup",
                                   "1s"};
  if (resume) args.push_back("--resume");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  Proc p;
  p.output = cfg + "/" + site + "." + tag + ".out";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, p.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  if (posix_spawn(&p.pid, kIon.c_str(), &fa, nullptr, argv.data(), environ) != 0) p.pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return p;
}

// Exit code of `p`, or -1 if it had to be killed after `limit` or died from a signal.
int wait_for(const Proc& p, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  int st = 0;
  while (::waitpid(p.pid, &st, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > end) {
      ::kill(p.pid, SIGKILL);
      ::waitpid(p.pid, &st, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Whether a log holds a note containing `text`; its scan report in `rep`.
bool log_has_note(const std::string& path, const std::string& text, record::ScanReport& rep) {
  auto r = record::LogReader::open(path);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  if (!r) return false;
  bool found = false;
  while (auto rec = r->next())
    if (const auto* n = std::get_if<record::Note>(&*rec)) found = found || n->text.find(text) != std::string::npos;
  rep = r->report();
  return found;
}

}  // namespace

TEST(FullDiskRealtime, SitesOnAFillingTmpfsStopLoudlyNeverSilently) {
  const std::string cfg = fresh_dir("fill-cfg");
  prepare(cfg, "127.0.85.1");
  Tmpfs disk(fresh_dir("fill-tmpfs"), 512 * 1024);
  if (!disk.mounted()) GTEST_SKIP() << disk.reason();
  const std::vector<std::string> sites = {"zurich", "southampton", "padova"};
  std::vector<Proc> procs;
  for (const auto& s : sites) procs.push_back(spawn_node(cfg, disk.dir(), s, "8s", "fill"));
  std::this_thread::sleep_for(std::chrono::seconds(4));  // warm-up 1 s + 3 s of experiment time
  disk.fill("filler");                                   // the disk fills up mid-run
  int failed = 0;
  for (size_t i = 0; i < sites.size(); ++i) {
    SCOPED_TRACE(sites[i]);
    const int code = wait_for(procs[i], std::chrono::seconds(40));
    const std::string out = file_contents(procs[i].output);
    const std::string log = disk.dir() + "/" + sites[i] + ".ionlog";
    record::ScanReport rep;
    const bool complete = log_has_note(log, "site " + sites[i] + " done", rep);
    EXPECT_EQ(rep.state, record::TailState::clean) << rep.describe();
    if (code == 0 || code == 3) {  // 3: finished, but a peer (one that ran out of disk) went away
      EXPECT_TRUE(complete) << "exit " << code << " with a log that stops early (silent loss)\n" << out;
      continue;
    }
    ++failed;
    EXPECT_EQ(code, 1) << out;
    EXPECT_NE(out.find("site " + sites[i] + ": event log failed, site stopped: cannot write " + log +
                       ": No space left on device"),
              std::string::npos)
        << out;
  }
  EXPECT_GE(failed, 1) << "the disk filled but no site noticed";
}

TEST(LiveLogRealtime, ResumeAndRepairAgainstALiveSiteWriteNothing) {
  const std::string cfg = fresh_dir("live-cfg");
  prepare(cfg, "127.0.86.1");
  const std::string out = fresh_dir("live");
  const std::string log = out + "/southampton.ionlog";
  const Proc live = spawn_node(cfg, out, "southampton", "5s", "live");  // the hub runs alone
  for (int i = 0; i < 100 && !std::filesystem::exists(out + "/southampton.status"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(std::filesystem::exists(out + "/southampton.status")) << file_contents(live.output);
  const std::string origin = file_contents(out + "/southampton.origin");

  const Proc second = spawn_node(cfg, out, "southampton", "5s", "second", /*resume=*/true);
  EXPECT_EQ(wait_for(second, std::chrono::seconds(10)), 1);
  const std::string msg = file_contents(second.output);
  EXPECT_NE(msg.find(log + " is in use"), std::string::npos) << msg;
  EXPECT_NE(msg.find("already running? Nothing was written"), std::string::npos) << msg;
  auto repair = run_command(kIon + " inspect --repair --force " + log);
  EXPECT_EQ(repair.code, 1) << repair.text;
  EXPECT_NE(repair.text.find("is in use"), std::string::npos) << repair.text;
  EXPECT_EQ(file_contents(out + "/southampton.origin"), origin) << "the live clock origin was rewritten";

  // The hub ran alone: it finishes with 3 ("incomplete": its peers never came), not 1.
  const int live_code = wait_for(live, std::chrono::seconds(30));
  EXPECT_TRUE(live_code == 0 || live_code == 3) << live_code << "\n" << file_contents(live.output);
  auto r = record::LogReader::open(log);
  ASSERT_TRUE(r.is_ok());
  int sessions = 0;
  bool restarted = false, done = false;
  while (auto rec = r->next()) {
    sessions += std::holds_alternative<record::SessionStart>(*rec);
    if (const auto* n = std::get_if<record::Note>(&*rec)) {
      restarted = restarted || n->text.find("restarted (--resume)") != std::string::npos;
      done = done || n->text.find("site southampton done") != std::string::npos;
    }
  }
  EXPECT_EQ(sessions, 1) << "a second session was written into the live log";
  EXPECT_FALSE(restarted);
  EXPECT_TRUE(done) << "the live site did not finish its log";
  EXPECT_EQ(r->report().state, record::TailState::clean);
}
