// SPDX-License-Identifier: Apache-2.0
#pragma once
// A minimal HTTP/1.1 client over a raw loopback socket for the dashboard tests: requests are
// written as given (any Host header, any method), so the tests control every byte the server
// sees; no HTTP library is shared with the server under test.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>

namespace ion::dashboard::testing {

class Connection {
 public:
  Connection(const std::string& host, int port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  bool send_all(const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
      const ssize_t n = ::send(fd_, s.data() + done, s.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }
  // Reads until `until(received)` holds, the peer closes, or `timeout` passes; returns whether
  // `until` held.
  bool read_until(const std::function<bool(const std::string&)>& until, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!until(received)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return until(received);
      received.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  std::string received;

 private:
  int fd_ = -1;
};

struct Reply {
  int status = 0;
  std::string text;  // status line, headers and body
};

// One request on a fresh connection (Connection: close), the whole reply.
inline Reply request(const std::string& host, int port, const std::string& method, const std::string& path,
                     const std::string& host_header, const std::string& extra_headers = "") {
  Connection c(host, port);
  Reply r;
  if (!c.ok()) return r;
  c.send_all(method + " " + path + " HTTP/1.1\r\nHost: " + host_header + "\r\nConnection: close\r\n" + extra_headers +
             (method == "POST" ? "Content-Length: 0\r\n" : "") + "\r\n");
  c.read_until([](const std::string&) { return false; }, std::chrono::milliseconds(3000));
  r.text = c.received;
  if (r.text.rfind("HTTP/1.1 ", 0) == 0) r.status = std::stoi(r.text.substr(9, 3));
  return r;
}

}  // namespace ion::dashboard::testing
