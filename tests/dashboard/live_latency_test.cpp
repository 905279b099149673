// SPDX-License-Identifier: Apache-2.0
// A spike appended to a site's log reaches an open event stream as a new report model within
// 300 ms (docs/dashboard.md: logs are polled every 50 ms, the model recomputed at most every
// max(250 ms, 4 × its cost), and not sooner than 250 ms after the last one). Binds 127.0.120.2.
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "../common/test_files.hpp"
#include "dashboard/dashboard.hpp"
#include "experiment/builtin.hpp"
#include "http_client.hpp"
#include "record/log_open.hpp"

namespace ion::dashboard {
namespace {

using std::chrono::milliseconds;

// run.spikes of the last complete `model` event in an event stream (-1: none yet).
int64_t last_model_spikes(const std::string& stream) {
  const std::string tag = "event: model\ndata: ";
  const size_t at = stream.rfind(tag);
  if (at == std::string::npos) return -1;
  const size_t end = stream.find("\n\n", at);
  if (end == std::string::npos) return -1;
  Json j = Json::parse(stream.substr(at + tag.size(), end - at - tag.size()), nullptr, false);
  return j.is_discarded() ? -1 : j["run"]["spikes"].get<int64_t>();
}

TEST(DashboardLive, ASpikeAppendedToALogIsOnThePageWithin300ms) {
  const std::string dir = ion::testing::fresh_test_dir("dashboard", "latency");
  auto e = experiment::builtin_experiment();
  ASSERT_TRUE(e.is_ok());
  const auto& padova = *e->find_site("padova");
  auto log = record::open_log(dir + "/padova.ionlog",
                              record::LogHeader{record::kLogVersion, padova.id, padova.name, 1, 0}, {}, 0);
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  auto& w = *log->writer;
  ASSERT_TRUE(w.append(record::Note{0, record::NoteKind::experiment_name, "three-neuron"}).is_ok());
  ASSERT_TRUE(w.flush().is_ok());

  DashboardOptions o;
  o.address = "127.0.120.2:0";
  auto d = Dashboard::start(o, std::make_unique<LogTailSource>(*e, dir, std::vector<std::string>{"padova"}), [] {});
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  const std::string url = (*d)->url();
  const int port = std::stoi(url.substr(url.rfind(':') + 1));
  testing::Connection c("127.0.120.2", port);
  ASSERT_TRUE(c.send_all("GET /events HTTP/1.1\r\nHost: 127.0.120.2:" + std::to_string(port) + "\r\n\r\n"));
  ASSERT_TRUE(c.read_until([](const std::string& s) { return last_model_spikes(s) == 0; }, milliseconds(3000)))
      << c.received;
  std::this_thread::sleep_for(milliseconds(400));  // the model is idle: the next one is not held back
  ASSERT_TRUE(w.append(Spike{{padova.id, 0}, 1000, SpikeKind::spontaneous}).is_ok());
  ASSERT_TRUE(w.flush().is_ok());
  const auto appended = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.read_until([](const std::string& s) { return last_model_spikes(s) == 1; }, milliseconds(3000)))
      << c.received;
  const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - appended);
  std::printf("a spike appended to the log was on the page %lld ms later\n", static_cast<long long>(took.count()));
  EXPECT_LE(took.count(), 300) << "the new spike reached the page after " << took.count() << " ms";
  ASSERT_TRUE(w.close().is_ok());
}

}  // namespace
}  // namespace ion::dashboard
