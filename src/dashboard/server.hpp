// SPDX-License-Identifier: Apache-2.0
#pragma once
// The dashboard's HTTP server (cpp-httplib 0.11.4, used only in server.cpp):
//   GET  /        the page (self-contained: report/report_html.hpp dashboard_page)
//   GET  /events  Server-Sent Events from a Broadcast: `model`, `status`, `ended`
//   POST /stop    header X-Ion-Token: calls on_stop once (the Ctrl-C path); 202, else 403
// Every request with a foreign Host header is refused (403, access.hpp host_allowed). On a
// non-loopback address a token is required, and GET / and /events need it too (?token=).
// At most Broadcast::max_clients event streams (503 beyond); a fixed pool of threads serves
// the requests, so a slow client costs one of them, never the run.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/status.hpp"
#include "dashboard/access.hpp"
#include "dashboard/broadcast.hpp"

namespace ion::dashboard {

struct ServerOptions {
  Endpoint at;
  std::string token;         // required (non-empty) on a non-loopback address
  bool stop_allowed = true;  // false: POST /stop is refused (a receive-only monitor)
  std::string page;          // the HTML of GET /
};

inline constexpr size_t kServerThreads = 8;  // ≥ 4 event streams + page, stop and refusals

class Server {
 public:
  // Binds and starts serving. Errors: a non-loopback address without a token
  // (invalid_argument), the address cannot be bound (unavailable).
  static Result<std::unique_ptr<Server>> start(ServerOptions o, Broadcast& events, std::function<void()> on_stop);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  const Endpoint& bound() const { return bound_; }
  // The address to open: http://HOST:PORT/ (with ?token=... when viewing needs it).
  std::string url() const;
  bool viewing_needs_token() const { return !is_loopback(bound_.host); }
  uint64_t stops() const { return stops_.load(); }      // accepted POST /stop
  uint64_t refused() const { return refused_.load(); }  // 403 answers
  void stop();                                          // closes every connection and joins the listener; idempotent

 private:
  struct Impl;
  Server(ServerOptions o, Broadcast& events, std::function<void()> on_stop);
  void add_routes();

  ServerOptions o_;
  Broadcast& events_;
  std::function<void()> on_stop_;
  Endpoint bound_;
  std::unique_ptr<Impl> impl_;
  std::thread listener_;
  std::atomic<uint64_t> stops_{0}, refused_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace ion::dashboard
