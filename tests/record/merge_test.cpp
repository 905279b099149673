// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "record/event_log.hpp"
#include "record/hdf5_export.hpp"
#include "record/log_summary.hpp"
#include "record/merge.hpp"

using namespace ion;
using namespace ion::record;

namespace {

std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("ion_merge_test_" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

struct Knobs {
  float weight = 0.5f;
  int64_t wall_ns = 0;
  uint64_t epoch = 1;
};

// Writes logs of sites 0 (bio) and 1 (hub); returns their paths.
std::vector<std::string> write_logs(const std::string& dir, const Knobs& k = {}) {
  std::vector<std::string> paths;
  for (uint16_t site : {0, 1}) {
    const std::string name = site == 0 ? "bio" : "hub";
    paths.push_back(dir + "/" + name + ".ionlog");
    auto o = open_log(paths.back(), LogHeader{kLogVersion, site, name, k.epoch, k.wall_ns}, {}, 0);
    EXPECT_TRUE(o.is_ok()) << o.status().to_string();
    auto& w = *o->writer;
    EXPECT_TRUE(w.append(Note{0, NoteKind::seed, "42"}).is_ok());
    EXPECT_TRUE(w.append(Spike{{0, 7}, 1000, SpikeKind::evoked}).is_ok());  // both logs: one spike
    if (site == 0) {
      EXPECT_TRUE(w.append(Spike{{0, 8}, 500, SpikeKind::spontaneous}).is_ok());
      EXPECT_TRUE(w.append(Stimulus{3, 900, 0.5f, 2e-4f, 1e-9f, 0, StimulusOutcome::clamped, true}).is_ok());
    } else {
      EXPECT_TRUE(w.append(WeightUpdate{4, 2000, 6000.f, k.weight, PlasticityAction::potentiate}).is_ok());
      EXPECT_TRUE(w.append(WeightUpdate{4, 1500, 6100.f, 0.25f, PlasticityAction::depress}).is_ok());
      LinkStats l;
      l.peer = 0;
      l.t = 3000;
      l.sent = 12;
      EXPECT_TRUE(w.append(l).is_ok());
    }
    EXPECT_TRUE(w.close().is_ok());
  }
  return paths;
}

}  // namespace

TEST(Merge, SortsDeduplicatesAndIgnoresLogOrder) {
  auto paths = write_logs(temp_dir("order"));
  auto a = merge_logs(paths);
  auto b = merge_logs({paths[1], paths[0]});
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_EQ(digest(*a), digest(*b));
  ASSERT_EQ(a->spikes.size(), 2u);  // the spike both logs recorded appears once
  EXPECT_EQ(a->spikes[0].t, 500);
  EXPECT_EQ(a->spikes[1].index, 7u);
  EXPECT_EQ(a->spikes[1].log_site, 0) << "kept from the lowest site id";
  ASSERT_EQ(a->synapses.at(4).size(), 2u);
  EXPECT_EQ(a->synapses.at(4)[0].t, 1500) << "weight rows sorted by time";
  EXPECT_EQ(a->seed, "42");
  EXPECT_EQ(a->site_name(1), "hub");
  EXPECT_EQ(a->site_name(9), "site9");
}

TEST(Merge, DigestCoversValuesButNotWallClockOrEpochs) {
  const auto base = digest(*merge_logs(write_logs(temp_dir("d0"))));
  Knobs other_wall;
  other_wall.wall_ns = 1'700'000'000'000'000'000;
  other_wall.epoch = 99;
  EXPECT_EQ(digest(*merge_logs(write_logs(temp_dir("d1"), other_wall))), base);
  Knobs other_weight;
  other_weight.weight = 0.5000001f;
  EXPECT_NE(digest(*merge_logs(write_logs(temp_dir("d2"), other_weight))), base);
  EXPECT_EQ(base.size(), 64u);
}

TEST(Merge, TwoLogsOfOneSiteAreRefused) {
  auto paths = write_logs(temp_dir("dup"));
  const std::string copy = temp_dir("dup2") + "/bio-copy.ionlog";
  std::filesystem::copy_file(paths[0], copy);
  auto m = merge_logs({paths[0], paths[1], copy});
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().message().find("two logs of site id 0"), std::string::npos) << m.status().message();
}

TEST(Merge, ExportErrorsNameTheProblem) {
  auto paths = write_logs(temp_dir("err"));
  const std::string not_a_dir = paths[0] + "/x/out.h5";  // a log file where a directory should be
  auto bad_out = export_logs_to_hdf5(paths, not_a_dir);
  ASSERT_FALSE(bad_out.is_ok());
  EXPECT_NE(bad_out.status().message().find(paths[0] + "/x"), std::string::npos) << bad_out.status().message();
  auto missing = export_logs_to_hdf5({paths[0], "/nonexistent.ionlog"}, temp_dir("err2") + "/o.h5");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("/nonexistent.ionlog"), std::string::npos);
  const std::string out = temp_dir("ok") + "/o.h5";
  auto ok = export_logs_to_hdf5(paths, out);
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
}

TEST(Summary, CountsRangesLinksAndDamage) {
  auto paths = write_logs(temp_dir("sum"));
  std::ofstream(paths[1], std::ios::binary | std::ios::app).write("\x05\x00", 2);  // torn tail
  auto s = summarize_log(paths[1]);
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(s->header.site_name, "hub");
  EXPECT_EQ(s->records_by_kind.at("weight_update"), 2u);
  const auto& y = s->synapses.at(4);
  EXPECT_EQ(y.weight_min, 0.25f);
  EXPECT_EQ(y.weight_max, 0.5f);
  EXPECT_EQ(y.weight_last, 0.25f) << "last in log order";
  EXPECT_EQ(y.by_action[0], 1u);
  EXPECT_EQ(y.by_action[2], 1u);
  EXPECT_EQ(s->last_link_stats.at(0).sent, 12u);
  EXPECT_EQ(s->t_first_ns, 1000);
  EXPECT_EQ(s->t_last_ns, 3000);
  EXPECT_EQ(s->tail.state, TailState::torn);
  EXPECT_EQ(s->tail.dropped_bytes, 2u);
  const auto j = to_json(*s);
  EXPECT_EQ(j["tail"]["state"], "torn");
  EXPECT_EQ(j["spikes_per_neuron"]["0:7"], 1);
  EXPECT_EQ(j["synapses"]["4"]["updates"], 2);
  const std::string text = to_text(*s);
  EXPECT_NE(text.find("dropped 2 bytes"), std::string::npos) << text;
  EXPECT_NE(text.find("synapse 4: 2 updates"), std::string::npos) << text;
  auto bio = summarize_log(paths[0]);
  EXPECT_EQ(bio->stimuli[1], 1u);
  EXPECT_EQ(bio->spikes.at(NeuronAddr{0, 8}), 1u);
}

TEST(Merge, ProgressCountsTheBytesReadUpToTheLogsTotalSize) {
  const std::string dir = temp_dir("progress");
  auto paths = write_logs(dir);
  {  // a third log large enough for several progress calls (one about every 64 KiB)
    paths.push_back(dir + "/big.ionlog");
    auto o = open_log(paths.back(), LogHeader{kLogVersion, 2, "big", 1, 0}, {}, 0);
    ASSERT_TRUE(o.is_ok()) << o.status().to_string();
    for (uint32_t i = 0; i < 20000; ++i)
      ASSERT_TRUE(o->writer->append(Spike{{2, i % 16}, Time(i) * 1000, SpikeKind::spontaneous}).is_ok());
    ASSERT_TRUE(o->writer->close().is_ok());
  }
  uint64_t total = 0;
  for (const auto& p : paths) total += std::filesystem::file_size(p);
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  auto m = merge_logs(paths, [&](uint64_t done, uint64_t all) { calls.emplace_back(done, all); });
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  ASSERT_GE(calls.size(), 3u) << "total " << total;
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].second, total);
    EXPECT_LE(calls[i].first, total);
    if (i > 0) {
      EXPECT_GE(calls[i].first, calls[i - 1].first) << "progress went back at call " << i;
    }
  }
  EXPECT_EQ(calls.back().first, total);
  EXPECT_EQ(digest(*m), digest(*merge_logs(paths))) << "the callback changes nothing merged";
}
