// SPDX-License-Identifier: Apache-2.0
#include "dashboard/broadcast.hpp"

namespace ion::dashboard {

std::string sse_event(const std::string& name, const std::string& text) {
  return "event: " + name + "\ndata: " + text + "\n\n";
}

void Broadcast::publish_model(std::string json) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    model_ = std::make_shared<const std::string>(std::move(json));
    ++model_version_;
  }
  cv_.notify_all();
}

void Broadcast::publish_status(std::string json) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = std::make_shared<const std::string>(std::move(json));
    ++status_version_;
  }
  cv_.notify_all();
}

void Broadcast::publish_ended(std::string json) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = std::make_shared<const std::string>(std::move(json));
  }
  cv_.notify_all();
}

void Broadcast::close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

std::optional<Cursor> Broadcast::join() {
  std::lock_guard<std::mutex> lock(mu_);
  if (clients_ >= max_clients_ || closed_) return std::nullopt;
  ++clients_;
  return Cursor{};
}

void Broadcast::leave() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --clients_;
  }
  cv_.notify_all();
}

bool Broadcast::news(const Cursor& c) const {
  return closed_ || c.model < model_version_ || c.status < status_version_ || (ended_ && !c.ended);
}

std::string Broadcast::next(Cursor& c, std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, wait, [&] { return news(c); });
  std::string out;
  // A version that moved on by more than one while this client was busy: the ones between were
  // never sent to it.
  if (c.model < model_version_) {
    if (c.model != 0) dropped_ += model_version_ - c.model - 1;
    c.model = model_version_;
    out += sse_event("model", *model_);
  }
  if (c.status < status_version_) {
    if (c.status != 0) dropped_ += status_version_ - c.status - 1;
    c.status = status_version_;
    out += sse_event("status", *status_);
  }
  if (ended_ && !c.ended) {
    c.ended = true;
    out += sse_event("ended", *ended_);
  }
  return out;
}

bool Broadcast::wait_all_left(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, wait, [&] { return clients_ == 0; });
}

bool Broadcast::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

uint64_t Broadcast::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

size_t Broadcast::clients() const {
  std::lock_guard<std::mutex> lock(mu_);
  return clients_;
}

}  // namespace ion::dashboard
