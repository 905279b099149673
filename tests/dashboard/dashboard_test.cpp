// SPDX-License-Identifier: Apache-2.0
// The live dashboard over loopback (src/dashboard/): who may view and stop, the page, the event
// streams' limits. Every server binds 127.0.120.1 (this file's address) on a free port.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "dashboard/dashboard.hpp"
#include "http_client.hpp"
#include "report/report_html.hpp"

namespace ion::dashboard {
namespace {

using std::chrono::milliseconds;
using testing::Connection;
using testing::request;

constexpr const char* kAddr = "127.0.120.1";

// A source that reports one site and counts its polls.
class FakeSource : public LiveSource {
 public:
  LiveSnapshot poll(bool want_model) override {
    LiveSnapshot s;
    s.sites.push_back(Json{{"site", "padova"}, {"state", "running"}});
    if (want_model && !sent_) s.model = Json{{"model", "ion-report"}, {"n", 1}};
    sent_ = sent_ || want_model;
    return s;
  }

 private:
  bool sent_ = false;
};

struct Running {
  std::unique_ptr<Dashboard> d;
  std::atomic<int> stops{0};
  int port = 0;
  std::string host() const { return std::string(kAddr) + ":" + std::to_string(port); }
};

std::unique_ptr<Running> start_dashboard(bool stop_allowed = true) {
  auto r = std::make_unique<Running>();
  DashboardOptions o;
  o.address = std::string(kAddr) + ":0";
  o.stop_allowed = stop_allowed;
  auto d = Dashboard::start(o, std::make_unique<FakeSource>(), [p = r.get()] { ++p->stops; });
  EXPECT_TRUE(d.is_ok()) << d.status().to_string();
  if (!d) return nullptr;
  r->d = std::move(*d);
  const std::string url = r->d->url();  // http://127.0.120.1:PORT/
  r->port = std::stoi(url.substr(url.rfind(':') + 1));
  return r;
}

TEST(DashboardAccess, EndpointsParseAndBadOnesSayWhatIsExpected) {
  auto def = parse_endpoint("");
  ASSERT_TRUE(def.is_ok());
  EXPECT_EQ(def->host, "127.0.0.1");
  EXPECT_EQ(def->port, 0);
  auto v4 = parse_endpoint("127.0.120.2:8080");
  ASSERT_TRUE(v4.is_ok());
  EXPECT_EQ(v4->host, "127.0.120.2");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = parse_endpoint("[::1]:9000");
  ASSERT_TRUE(v6.is_ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
  for (const char* bad : {"127.0.0.1:99999", "127.0.0.1:http", "example.org:80", "[::1", "experiment.toml"}) {
    auto r = parse_endpoint(bad);
    ASSERT_FALSE(r.is_ok()) << bad;
    EXPECT_NE(r.status().message().find(bad), std::string::npos) << r.status().message();
  }
}

TEST(DashboardAccess, OnlyTheDashboardsOwnHostNamesAreAccepted) {
  const Endpoint at{"127.0.120.1", 4321};
  EXPECT_TRUE(host_allowed("127.0.120.1:4321", at));
  EXPECT_TRUE(host_allowed("localhost:4321", at));
  EXPECT_TRUE(host_allowed("127.0.0.1:4321", at));
  EXPECT_FALSE(host_allowed("evil.example:4321", at));  // a DNS rebinding page keeps its own name
  EXPECT_FALSE(host_allowed("127.0.120.1:4322", at));
  EXPECT_FALSE(host_allowed("", at));
  EXPECT_TRUE(same_token("abc", "abc"));
  EXPECT_FALSE(same_token("abd", "abc"));
  EXPECT_FALSE(same_token("", ""));
  EXPECT_NE(random_token(), random_token());
  EXPECT_EQ(random_token().size(), 32u);
}

// Every src= and href= value of the page; none may leave the page (no http:, https:, //).
TEST(DashboardPage, IsSelfContained) {
  const std::string page = report::dashboard_page(Json{{"title", "t"}, {"stop_allowed", true}, {"token", "x"}}, "t");
  ASSERT_NE(page.find("IonLive.start"), std::string::npos);
  ASSERT_NE(page.find("IonReport"), std::string::npos);
  size_t refs = 0;
  for (const std::string attr : {"src=", "href="}) {
    for (size_t at = page.find(attr); at != std::string::npos; at = page.find(attr, at + 1)) {
      std::string value = page.substr(at + attr.size(), 12);
      if (!value.empty() && (value[0] == '"' || value[0] == '\'')) value.erase(0, 1);
      ++refs;
      EXPECT_NE(value.rfind("http:", 0), 0u) << value;
      EXPECT_NE(value.rfind("https:", 0), 0u) << value;
      EXPECT_NE(value.rfind("//", 0), 0u) << value;
    }
  }
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  auto r = start_dashboard();
  ASSERT_TRUE(r);
  auto got = request(kAddr, r->port, "GET", "/", r->host());
  EXPECT_EQ(got.status, 200) << got.text;
  EXPECT_NE(got.text.find("IonLive.start"), std::string::npos);
  EXPECT_NE(got.text.find(r->d->token()), std::string::npos);  // loopback: the page may stop the run
}

TEST(DashboardServer, AForeignHostHeaderIsRefused) {
  auto r = start_dashboard();
  ASSERT_TRUE(r);
  EXPECT_EQ(request(kAddr, r->port, "GET", "/", "evil.example:" + std::to_string(r->port)).status, 403);
  EXPECT_EQ(request(kAddr, r->port, "GET", "/events", "evil.example").status, 403);
  EXPECT_EQ(request(kAddr, r->port, "POST", "/stop", "evil.example", "X-Ion-Token: " + r->d->token() + "\r\n").status,
            403);
  EXPECT_EQ(r->stops.load(), 0);
  EXPECT_EQ(request(kAddr, r->port, "GET", "/", r->host()).status, 200);
}

TEST(DashboardServer, StopNeedsTheTokenAndStopsExactlyOnce) {
  auto r = start_dashboard();
  ASSERT_TRUE(r);
  EXPECT_EQ(request(kAddr, r->port, "POST", "/stop", r->host()).status, 403);
  EXPECT_EQ(request(kAddr, r->port, "POST", "/stop", r->host(), "X-Ion-Token: 0123\r\n").status, 403);
  std::string wrong = r->d->token();
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(request(kAddr, r->port, "POST", "/stop", r->host(), "X-Ion-Token: " + wrong + "\r\n").status, 403);
  EXPECT_EQ(request(kAddr, r->port, "GET", "/stop", r->host(), "X-Ion-Token: " + r->d->token() + "\r\n").status, 404);
  EXPECT_EQ(r->stops.load(), 0);
  const std::string good = "X-Ion-Token: " + r->d->token() + "\r\n";
  EXPECT_EQ(request(kAddr, r->port, "POST", "/stop", r->host(), good).status, 202);
  EXPECT_EQ(request(kAddr, r->port, "POST", "/stop", r->host(), good).status, 202);
  EXPECT_EQ(r->stops.load(), 1);
}

TEST(DashboardServer, AReceiveOnlyDashboardNeverStops) {
  auto r = start_dashboard(false);
  ASSERT_TRUE(r);
  auto page = request(kAddr, r->port, "GET", "/", r->host());
  EXPECT_EQ(page.text.find(r->d->token()), std::string::npos);  // the page never gets the token
  EXPECT_EQ(request(kAddr, r->port, "POST", "/stop", r->host(), "X-Ion-Token: " + r->d->token() + "\r\n").status, 403);
  EXPECT_EQ(r->stops.load(), 0);
}

TEST(DashboardServer, ANonLoopbackAddressWithoutATokenIsRefused) {
  Broadcast b;
  ServerOptions o;
  o.at = Endpoint{"192.0.2.1", 0};  // TEST-NET-1: never bound, the refusal comes first
  auto s = Server::start(o, b, [] {});
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Errc::invalid_argument);
  EXPECT_NE(s.status().message().find("token"), std::string::npos) << s.status().message();
}

std::string sse_request(const Running& r) { return "GET /events HTTP/1.1\r\nHost: " + r.host() + "\r\n\r\n"; }

TEST(DashboardServer, EventStreamsSendModelAndStatusAndAFifthIsRefused) {
  auto r = start_dashboard();
  ASSERT_TRUE(r);
  std::vector<std::unique_ptr<Connection>> streams;
  for (int i = 0; i < 4; ++i) {
    streams.push_back(std::make_unique<Connection>(kAddr, r->port));
    ASSERT_TRUE(streams.back()->send_all(sse_request(*r)));
    EXPECT_TRUE(streams.back()->read_until(
        [](const std::string& s) {
          return s.find("event: model\ndata: {") != std::string::npos &&
                 s.find("event: status\ndata: {") != std::string::npos;
        },
        milliseconds(3000)))
        << streams.back()->received;
    EXPECT_NE(streams.back()->received.find("text/event-stream"), std::string::npos);
  }
  EXPECT_EQ(request(kAddr, r->port, "GET", "/events", r->host()).status, 503);
  // The end: every open stream gets `ended`, then the server closes it.
  std::thread finisher([&] { r->d->finish({record::RunStatus::interrupted, 5, "SIGINT"}); });
  for (auto& s : streams)
    EXPECT_TRUE(s->read_until([](const std::string& t) { return t.find("event: ended\ndata: {") != std::string::npos; },
                              milliseconds(3000)))
        << s->received;
  finisher.join();
  EXPECT_NE(streams[0]->received.find("\"outcome\":\"interrupted\""), std::string::npos);
}

TEST(DashboardBroadcast, ASlowClientSkipsSnapshotsCountedAndNeverBlocksThePublisher) {
  Broadcast b(4);
  auto slow = b.join();
  ASSERT_TRUE(slow);
  std::string first = b.next(*slow, milliseconds(0));
  EXPECT_EQ(first, "");
  for (int i = 1; i <= 1000; ++i) b.publish_status("{\"i\":" + std::to_string(i) + "}");  // nobody reads
  b.publish_model("{}");
  const std::string got = b.next(*slow, milliseconds(0));
  EXPECT_NE(got.find("{\"i\":1000}"), std::string::npos);  // only the newest
  EXPECT_EQ(got.find("{\"i\":999}"), std::string::npos);
  EXPECT_EQ(b.dropped(), 0u);  // the first snapshot a client sees is never a drop
  for (int i = 1; i <= 10; ++i) b.publish_status("{}");
  b.next(*slow, milliseconds(0));
  EXPECT_EQ(b.dropped(), 9u);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(b.join());
  EXPECT_FALSE(b.join());  // a fifth
}

}  // namespace
}  // namespace ion::dashboard
