// SPDX-License-Identifier: Apache-2.0
#pragma once
// The newest snapshot, handed to at most max_clients Server-Sent-Events clients without ever
// making the publisher wait for them. The publisher replaces the latest `model` / `status` text
// and bumps its version; each client thread takes whatever is newest when it is ready. A client
// slower than the publisher skips the versions it missed: each skipped one is counted as a
// dropped snapshot (dropped()). Event format (docs/dashboard.md): "event: NAME\ndata: JSON\n\n".
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace ion::dashboard {

// What one client has been sent so far.
struct Cursor {
  uint64_t model = 0, status = 0;
  bool ended = false;
};

class Broadcast {
 public:
  explicit Broadcast(size_t max_clients = 4) : max_clients_(max_clients) {}

  void publish_model(std::string json);
  void publish_status(std::string json);
  // The last event: sent once to every client after their last model and status.
  void publish_ended(std::string json);
  // Wakes every waiting client for good (the server is stopping).
  void close();

  // A new client, or nullopt when max_clients are connected.
  std::optional<Cursor> join();
  void leave();
  // Waits up to `wait` for something newer than `c` and returns the SSE text to send (empty:
  // nothing new). Advances `c`.
  std::string next(Cursor& c, std::chrono::milliseconds wait);
  // Waits up to `wait` until every client has left (each leaves after writing `ended`).
  bool wait_all_left(std::chrono::milliseconds wait);

  bool closed() const;
  uint64_t dropped() const;
  size_t clients() const;

 private:
  bool news(const Cursor& c) const;

  const size_t max_clients_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const std::string> model_, status_, ended_;
  uint64_t model_version_ = 0, status_version_ = 0;
  size_t clients_ = 0;
  uint64_t dropped_ = 0;
  bool closed_ = false;
};

// One SSE event: "event: NAME\ndata: TEXT\n\n" (TEXT must hold no newline; JSON dumps hold none).
std::string sse_event(const std::string& name, const std::string& text);

}  // namespace ion::dashboard
