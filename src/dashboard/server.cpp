// SPDX-License-Identifier: Apache-2.0
// The one file that includes cpp-httplib (its header is large: compile time).
#include "dashboard/server.hpp"

#include <httplib.h>

namespace ion::dashboard {

struct Server::Impl {
  httplib::Server http;
};

namespace {

void refuse(httplib::Response& res, int code, const std::string& why) {
  res.status = code;
  res.set_content(why + "\n", "text/plain; charset=utf-8");
}

}  // namespace

Server::Server(ServerOptions o, Broadcast& events, std::function<void()> on_stop)
    : o_(std::move(o)), events_(events), on_stop_(std::move(on_stop)), impl_(std::make_unique<Impl>()) {}

Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::start(ServerOptions o, Broadcast& events, std::function<void()> on_stop) {
  if (!is_loopback(o.at.host) && o.token.empty())
    return error(Errc::invalid_argument,
                 "dashboard on " + o.at.host + ": a dashboard on a non-loopback address needs a token (none given)");
  std::unique_ptr<Server> s(new Server(std::move(o), events, std::move(on_stop)));
  s->impl_->http.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  s->impl_->http.set_write_timeout(2, 0);  // a client that takes no data for 2 s is dropped
  // One request per connection: a browser's idle keep-alive connection would otherwise hold a
  // pool thread, and stop() waits for every thread.
  s->impl_->http.set_keep_alive_max_count(1);
  s->add_routes();
  s->bound_ = s->o_.at;
  if (s->o_.at.port == 0) s->bound_.port = s->impl_->http.bind_to_any_port(s->o_.at.host);
  else if (!s->impl_->http.bind_to_port(s->o_.at.host, s->o_.at.port)) s->bound_.port = -1;
  if (s->bound_.port <= 0)
    return error(Errc::unavailable, "dashboard: cannot listen on " + s->o_.at.host + ":" +
                                        std::to_string(s->o_.at.port) + " (address in use or not on this machine?)");
  s->listener_ = std::thread([srv = s.get()] { srv->impl_->http.listen_after_bind(); });
  return s;
}

std::string Server::url() const {
  const std::string host = bound_.host.find(':') != std::string::npos ? "[" + bound_.host + "]" : bound_.host;
  std::string u = "http://" + host + ":" + std::to_string(bound_.port) + "/";
  return viewing_needs_token() ? u + "?token=" + o_.token : u;
}

void Server::stop() {
  if (stopped_.exchange(true)) return;
  events_.close();
  impl_->http.stop();
  if (listener_.joinable()) listener_.join();
}

void Server::add_routes() {
  auto& http = impl_->http;
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!host_allowed(req.get_header_value("Host"), bound_)) {
      ++refused_;
      refuse(res, 403, "forbidden: this dashboard answers only to its own address (Host header)");
      return httplib::Server::HandlerResponse::Handled;
    }
    const bool viewing = req.method == "GET";
    if (viewing && viewing_needs_token() && !same_token(req.get_param_value("token"), o_.token)) {
      ++refused_;
      refuse(res, 403, "forbidden: this dashboard needs its token (?token=..., printed when it started)");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(o_.page, "text/html; charset=utf-8");
  });
  // Browsers ask for an icon; none (204) rather than a 404 in their console.
  http.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  http.Get("/events", [this](const httplib::Request&, httplib::Response& res) {
    auto cursor = events_.join();
    if (!cursor) return refuse(res, 503, "too many event streams open; close another dashboard tab");
    res.set_header("Cache-Control", "no-store");
    auto c = std::make_shared<Cursor>(*cursor);
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, c](size_t, httplib::DataSink& sink) {
          const std::string text = events_.next(*c, std::chrono::milliseconds(250));
          if (!text.empty() && !sink.write(text.data(), text.size())) return false;
          if (c->ended || events_.closed()) sink.done();
          return true;
        },
        [this](bool) { events_.leave(); });
  });
  http.Post("/stop", [this](const httplib::Request& req, httplib::Response& res) {
    if (!o_.stop_allowed) return refuse(res, 403, "forbidden: this dashboard cannot stop the experiment");
    if (!same_token(req.get_header_value("X-Ion-Token"), o_.token)) {
      ++refused_;
      return refuse(res, 403, "forbidden: POST /stop needs the header X-Ion-Token");
    }
    if (stops_.fetch_add(1) == 0 && on_stop_) on_stop_();
    res.status = 202;
    res.set_content("stopping\n", "text/plain; charset=utf-8");
  });
}

}  // namespace ion::dashboard
