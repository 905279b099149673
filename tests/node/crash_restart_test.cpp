// SPDX-License-Identifier: Apache-2.0
// Crash and restart of the hub (issue 8 item 2): three `ion node` processes on loopback in real
// time; the hub (southampton, time master) is killed with SIGKILL in the middle of the LTP phase
// and restarted with --resume about 1 s later. After the run: every device equals a replay of the
// pulses the hub logged as applied; the merged recording (and HDF5) covers the whole run with the
// restart marked; the other sites ran through and saw the hub go down and come back.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "../common/loopback_experiment.hpp"
#include "device_replay.hpp"
#include "experiment/builtin.hpp"
#include "experiment/load.hpp"
#include "node/clock_origin.hpp"
#include "record/hdf5_export.hpp"
#include "record/merge.hpp"

extern char** environ;
using namespace ion;

namespace {

const std::string kIon = std::string(ION_BINARY_DIR) + "/ion";
constexpr const char* kLoopback = "127.0.81.1";
constexpr const char* kDuration = "20s";  // phases of 5 s: LTP (30 Hz) from 5 s to 10 s
// `ion run`'s default: the bio site needs seconds to start (its culture calibrates first), more
// on a loaded machine, and inputs that reach it before it runs are refused.
constexpr int kWarmupMs = 3000;
constexpr int kKillAtExperimentMs = 6500;  // mid-LTP
constexpr int kDownMs = 1000;

std::string sh(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  return out;
}

// The built-in experiment on `loopback`; threads = 2 puts its hub on two threads (node/hub_threads.hpp).
std::string write_experiment(const std::string& dir, const std::string& loopback, unsigned threads) {
  std::filesystem::create_directories(dir);
  std::string text = ion::testing::pin_loopback(std::string(experiment::builtin_experiment_text()), loopback);
  if (threads == 2) text.insert(text.find('\n', text.find("[sites.southampton]")) + 1, "threads = 2\n");
  const std::string path = dir + "/experiment.toml";
  std::ofstream(path) << text;
  return path;
}

// One `ion node` process; output to <dir>/<site>.<n>.out.
pid_t spawn_node(const std::string& file, const std::string& dir, const std::string& site, bool resume, int n) {
  std::vector<std::string> args = {kIon,
                                   "node",
                                   file,
                                   "--site",
                                   site,
                                   "--out",
                                   dir,
                                   "--keys",
                                   dir + "/keys",
                                   "--duration",
                                   kDuration,
                                   "--warmup",
                                   std::to_string(kWarmupMs) + "ms"};
  if (resume) args.push_back("--resume");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  const std::string out = dir + "/" + site + "." + std::to_string(n) + ".out";
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  if (posix_spawn(&pid, kIon.c_str(), &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// Waits for `pid` up to `limit`; kills it (SIGKILL) on timeout. Returns the exit code, -1 if killed.
int wait_bounded(pid_t pid, std::chrono::steady_clock::time_point limit) {
  int st = 0;
  while (waitpid(pid, &st, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > limit) {
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool has_note(const record::MergedRecording& m, SiteId site, const std::string& text) {
  for (const auto& n : m.notes)
    if (n.site == site && n.text.find(text) != std::string::npos) return true;
  return false;
}

std::string outputs(const std::string& dir) {
  std::string all;
  for (const auto& f : std::filesystem::directory_iterator(dir))
    if (f.path().extension() == ".out")
      all += "--- " + f.path().filename().string() + "\n" + sh("tail -5 " + f.path().string());
  return all;
}

}  // namespace

class HubCrash : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { run_scenario("crash-hub", kLoopback, 1); }
  // Starts the three sites, kills the hub mid-LTP, resumes it 1 s later, waits for every site's end.
  static void run_scenario(const std::string& name, const std::string& loopback, unsigned threads) {
    dir_ = std::string(ION_BINARY_DIR) + "/test-runs/" + name;
    std::filesystem::remove_all(dir_);
    file_ = write_experiment(dir_ + "-cfg", loopback, threads);
    std::filesystem::create_directories(dir_);
    sh(kIon + " keygen --sites zurich,southampton,padova --out " + dir_ + "/keys");
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    const pid_t hub = spawn_node(file_, dir_, "southampton", false, 1);
    const pid_t bio = spawn_node(file_, dir_, "zurich", false, 1);
    const pid_t si = spawn_node(file_, dir_, "padova", false, 1);
    std::this_thread::sleep_until(t0 + std::chrono::milliseconds(kWarmupMs + kKillAtExperimentMs));
    kill(hub, SIGKILL);
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);  // RealEnv's clock: experiment time = mono − origin − warm-up
    const Time kill_mono = static_cast<Time>(ts.tv_sec) * kSecond + ts.tv_nsec;
    waitpid(hub, nullptr, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(kDownMs));
    const pid_t hub2 = spawn_node(file_, dir_, "southampton", true, 2);
    const auto limit = t0 + std::chrono::seconds(45);
    codes_ = {wait_bounded(hub2, limit), wait_bounded(bio, limit), wait_bounded(si, limit)};
    out_ = outputs(dir_);
    auto origin = site::load_clock_origin(real_storage(), dir_ + "/southampton.origin", site::current_boot_id());
    if (origin) kill_exp_ns_ = kill_mono - origin->origin_ns - kWarmupMs * kMillisecond;
    std::vector<std::string> logs;
    for (const char* s : {"zurich", "southampton", "padova"}) logs.push_back(dir_ + "/" + s + ".ionlog");
    auto m = record::merge_logs(logs);
    if (m) merged_ = std::move(*m);
    merge_error_ = m ? "" : m.status().message();
  }
  void all_checks();
  void every_site_finishes_without_manual_restart_besides_the_hub();
  void other_sites_saw_the_hub_go_down_and_come_back();
  void recording_covers_the_whole_run_with_the_restart_marked();
  void every_device_equals_a_replay_of_the_logged_pulses();
  void other_sites_kept_recording(Time kill_t);
  static SiteId id_of(const std::string& name) {
    for (const auto& [id, n] : merged_.site_names)
      if (n == name) return id;
    return kNoSite;
  }
  static inline std::string dir_, file_, out_, merge_error_;
  static inline std::vector<int> codes_;
  static inline Time kill_exp_ns_ = -1;  // experiment time of the SIGKILL
  static inline record::MergedRecording merged_;
};

void HubCrash::every_site_finishes_without_manual_restart_besides_the_hub() {
  ASSERT_EQ(codes_.size(), 3u);
  EXPECT_EQ(codes_[0], 0) << "resumed hub\n" << out_;
  EXPECT_EQ(codes_[1], 0) << "zurich\n" << out_;
  EXPECT_EQ(codes_[2], 0) << "padova\n" << out_;
  ASSERT_EQ(merge_error_, "");
}

void HubCrash::other_sites_saw_the_hub_go_down_and_come_back() {
  ASSERT_EQ(merge_error_, "");
  ASSERT_GT(kill_exp_ns_, 0);
  for (const char* s : {"zurich", "padova"}) {
    Time down_t = -1;
    for (const auto& n : merged_.notes)
      if (n.site == id_of(s) && n.text == "peer southampton: down" && down_t < 0) down_t = n.t;
    EXPECT_GT(down_t, kill_exp_ns_) << s;
    EXPECT_LT(down_t - kill_exp_ns_, kSecond) << s << ": loss noticed after " << format_duration(down_t - kill_exp_ns_);
    std::printf("%s noticed the loss %s after the kill\n", s, format_duration(down_t - kill_exp_ns_).c_str());
    EXPECT_TRUE(has_note(merged_, id_of(s), "peer southampton: restarted")) << s << "\n" << out_;
  }
}

void HubCrash::recording_covers_the_whole_run_with_the_restart_marked() {
  ASSERT_EQ(merge_error_, "");
  const SiteId hub = id_of("southampton");
  int hub_sessions = 0, resumed = 0;
  for (const auto& s : merged_.sessions)
    if (s.site == hub) ++hub_sessions, resumed += s.resumed;
  EXPECT_EQ(hub_sessions, 2);
  EXPECT_EQ(resumed, 1);
  bool gap = false;
  for (const auto& g : merged_.gaps) gap |= g.site == hub && g.text.find("restarted (--resume)") != std::string::npos;
  EXPECT_TRUE(gap);
  const Time kill_t = kKillAtExperimentMs * kMillisecond;
  ASSERT_GT(kill_exp_ns_, 0);
  other_sites_kept_recording(kill_exp_ns_);
  // The hub's record continues after the restart up to the end of the experiment.
  Time last_weight = 0, first_after = 0;
  for (const auto& [syn, rows] : merged_.synapses)
    for (const auto& r : rows) {
      last_weight = std::max(last_weight, r.t);
      if (r.t > kill_t && (first_after == 0 || r.t < first_after)) first_after = r.t;
    }
  EXPECT_GE(last_weight, 19 * kSecond);
  EXPECT_GT(first_after, kill_t);
  // The HDF5 export carries the sessions and the gap note.
  const std::string h5 = dir_ + "/recording.h5";
  ASSERT_TRUE(record::write_hdf5(merged_, h5, {}).is_ok());
  const std::string py = sh(
      "/usr/bin/python3 -c \"import h5py; f=h5py.File('" + h5 +
      "'); s=f['sessions'][:]; print('sessions', len(s), int(s['resumed'].sum())); "
      "print('gaps', sum(b'restarted (--resume)' in g['text'] if isinstance(g['text'], bytes) else "
      "'restarted (--resume)' in g['text'] for g in f['gaps'][:]))\"");
  EXPECT_NE(py.find("sessions 4 1"), std::string::npos) << py;
  EXPECT_NE(py.find("gaps 1"), std::string::npos) << py;
}

// The other sites kept running and recording through the outage. zurich's ANpre is a pacemaker
// (at least 2 Hz in every phase, whatever the load): its spikes fall in every second. padova's BN
// is no such clock: it fires spontaneously at about 1 Hz plus what the hub's inputs evoke, and a
// second without a BN spike is an ordinary outcome (in `ion run --sim --duration 20s`, 23 of seeds
// 1–30 have one), more so before padova runs and receives inputs (docs/reliability.md, "Crash and
// restart"). For padova: it ran before the kill (inputs recorded), its log kept being written while
// the hub was down (link statistics at every 200 ms heartbeat, hub or no hub), and after the restart
// the hub's inputs reached it again and it recorded spikes.
void HubCrash::other_sites_kept_recording(Time kill_t) {
  std::map<int64_t, int> per_second;
  for (const auto& sp : merged_.spikes)
    if (sp.log_site == id_of("zurich")) ++per_second[sp.t / kSecond];
  for (int64_t sec = 0; sec < 20; ++sec) EXPECT_GT(per_second[sec], 0) << "zurich second " << sec;
  const SiteId padova = id_of("padova");
  Time restart_t = 0;
  for (const auto& g : merged_.gaps)
    if (g.site == id_of("southampton")) restart_t = g.t;
  ASSERT_GT(restart_t, kill_t);
  int inputs_before = 0, inputs_after = 0, stats_down = 0, spikes_after = 0;
  for (const auto& in : merged_.inputs) {
    if (in.log_site != padova) continue;
    inputs_before += in.arrival_ns < kill_t;
    inputs_after += in.arrival_ns > restart_t;
  }
  for (const auto& [pair, rows] : merged_.links)
    for (const auto& l : rows) stats_down += pair.first == padova && l.t > kill_t && l.t < restart_t;
  for (const auto& sp : merged_.spikes) spikes_after += sp.log_site == padova && sp.t > restart_t;
  EXPECT_GT(inputs_before, 0) << "padova received no input before the kill: it was not running yet";
  EXPECT_GT(stats_down, 0) << "padova recorded nothing while the hub was down";
  EXPECT_GT(inputs_after, 0) << "no input reached padova after the hub's restart";
  EXPECT_GT(spikes_after, 0) << "padova recorded no spike after the hub's restart";
}

void HubCrash::every_device_equals_a_replay_of_the_logged_pulses() {
  ASSERT_EQ(merge_error_, "");
  auto e = experiment::load_experiment(file_);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  const Time kill_t = kKillAtExperimentMs * kMillisecond;
  const auto n = crashtest::expect_device_is_replay_of_log(*e, "southampton", dir_, kill_t);
  EXPECT_GT(n.pulses, 10);
  EXPECT_GT(n.pulses_after, 0);  // plasticity resumed after the restart
}

void HubCrash::all_checks() {
  {
    SCOPED_TRACE("EverySiteFinishesWithoutManualRestartBesidesTheHub");
    every_site_finishes_without_manual_restart_besides_the_hub();
  }
  {
    SCOPED_TRACE("OtherSitesSawTheHubGoDownAndComeBack");
    other_sites_saw_the_hub_go_down_and_come_back();
  }
  {
    SCOPED_TRACE("RecordingCoversTheWholeRunWithTheRestartMarked");
    recording_covers_the_whole_run_with_the_restart_marked();
  }
  {
    SCOPED_TRACE("EveryDeviceEqualsAReplayOfTheLoggedPulses");
    every_device_equals_a_replay_of_the_logged_pulses();
  }
}

// One ctest case (the scenario runs once, ~24 s); each check reports its own failures.
TEST_F(HubCrash, HubKilledMidLtpAndResumed) { all_checks(); }

// The same with the hub on two threads: read-backs still in the return ring at the kill are in the
// crossbar's write-ahead log, and --resume records them (site/hub/hub_recovery.hpp), so the logged
// pulses again replay to the device.
class HubCrashTwoThreads : public HubCrash {
 protected:
  static void SetUpTestSuite() { run_scenario("crash-hub-threads2", "127.0.231.1", 2); }
};

TEST_F(HubCrashTwoThreads, HubKilledMidLtpAndResumed) { all_checks(); }
