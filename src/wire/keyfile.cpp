// SPDX-License-Identifier: Apache-2.0
#include "wire/keyfile.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "env/storage.hpp"

namespace ion::wire {

namespace {

constexpr const char* kMagic = "ion-psk-v1";
constexpr size_t kMaxFileBytes = 512;

std::string errno_text() { return std::strerror(errno); }

std::string mode_text(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

// Splits on single spaces; the line must end in exactly one '\n'.
std::vector<std::string> split_line(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  std::string p;
  while (in >> p) parts.push_back(p);
  return parts;
}

// Key files are read and written through the process's Storage (env/storage.hpp), like every
// persisted file of ion. One read into one buffer: the caller wipes it, no other copy is made.
Result<std::string> read_small(const std::filesystem::path& path) {
  auto f = real_storage().open_read(path.string());
  if (!f) return error(Errc::io_error, "cannot read key file: " + f.status().message());
  std::string text(kMaxFileBytes + 1, '\0');
  auto n = (*f)->read_at(0, {reinterpret_cast<uint8_t*>(text.data()), text.size()});
  if (!n) {
    sodium_memzero(text.data(), text.size());
    return error(Errc::io_error, "cannot read key file: " + n.status().message());
  }
  if (*n > kMaxFileBytes) {
    sodium_memzero(text.data(), text.size());
    return error(Errc::invalid_argument, "key file " + path.string() + " is larger than " +
                                             std::to_string(kMaxFileBytes) + " bytes; expected one line");
  }
  text.resize(*n);
  return text;
}

std::string uid_text(uid_t u) { return "uid " + std::to_string(u); }

}  // namespace

Status check_secret_dir(const std::filesystem::path& dir, std::string_view what) {
  const std::filesystem::path d = dir.empty() ? std::filesystem::path(".") : dir;
  struct stat st {};
  if (::stat(d.c_str(), &st) != 0)
    return error(Errc::io_error, "cannot stat " + std::string(what) + " directory " + d.string() + ": " + errno_text());
  const uid_t me = ::geteuid();
  if (st.st_uid != me && st.st_uid != 0)
    return error(Errc::invalid_argument,
                 std::string(what) + " directory " + d.string() + " is owned by " + uid_text(st.st_uid) +
                     ", who could replace its files; expected a directory of this user (" + uid_text(me) + ") or root");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return error(Errc::invalid_argument,
                 std::string(what) + " directory " + d.string() + " has mode " + mode_text(st.st_mode) +
                     " (group or others may write, and so replace its files); expected no group/other write "
                     "— run: chmod go-w " +
                     d.string());
  return Status::ok();
}

Status check_secret_file(const std::filesystem::path& path, std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return error(Errc::io_error, "cannot stat " + std::string(what) + " " + path.string() + ": " + errno_text());
  if (!S_ISREG(st.st_mode))
    return error(Errc::invalid_argument, std::string(what) + " " + path.string() + " is not a regular file");
  const uid_t me = ::geteuid();
  if (st.st_uid != me)
    return error(Errc::invalid_argument, std::string(what) + " " + path.string() + " is owned by " +
                                             uid_text(st.st_uid) + ", but ion runs as " + uid_text(me) +
                                             "; expected a file of this user (copy it as this "
                                             "user, then chmod 600 it)");
  if ((st.st_mode & 077) != 0)
    return error(Errc::invalid_argument,
                 std::string(what) + " " + path.string() + " has mode " + mode_text(st.st_mode) +
                     " (accessible by group or others); expected 0600 — run: chmod 600 " + path.string());
  return check_secret_dir(path.parent_path(), what);
}

bool valid_site_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string key_file_name(std::string_view a, std::string_view b) {
  const bool swap = b < a;
  return std::string(swap ? b : a) + "." + std::string(swap ? a : b) + ".key";
}

Status write_key_file(const std::filesystem::path& path, std::string_view a, std::string_view b, const Psk& psk,
                      bool force) {
  if (!valid_site_name(a) || !valid_site_name(b) || a == b)
    return error(Errc::invalid_argument,
                 "key file sites must be two different names of 1..64 "
                 "characters [A-Za-z0-9_-], got '" +
                     std::string(a) + "' and '" + std::string(b) + "'");
  const bool swap = b < a;
  char hex[2 * kKeyBytes + 1];
  sodium_bin2hex(hex, sizeof hex, psk.bytes.data(), psk.bytes.size());
  std::string line = std::string(kMagic) + " " + std::string(swap ? b : a) + " " + std::string(swap ? a : b) + " " +
                     hex + "\n";
  sodium_memzero(hex, sizeof hex);
  // Mode 0600 exactly (independent of umask), synced; nothing is left behind on failure.
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(line.data()), line.size());
  Status s = force ? real_storage().write_file_atomic(path.string(), bytes, 0600)
                   : real_storage().write_new_file(path.string(), bytes, 0600);
  sodium_memzero(line.data(), line.size());
  if (s.code() == Errc::already_exists)
    return error(Errc::already_exists, "key file " + path.string() + " already exists (use --force to overwrite)");
  return s;
}

Result<Psk> load_key_file(const std::filesystem::path& path, std::string_view a, std::string_view b) {
  ION_TRY(check_secret_file(path, "key file"));
  ION_TRY_ASSIGN(auto text, read_small(path));
  std::vector<std::string> parts = split_line(text);
  sodium_memzero(text.data(), text.size());
  const std::string where = "key file " + path.string();
  if (parts.size() != 4 || parts[0] != kMagic)
    return error(Errc::invalid_argument,
                 where + ": expected one line '" + std::string(kMagic) + " <site> <site> <64 hex digits>'");
  const bool match = (parts[1] == a && parts[2] == b) || (parts[1] == b && parts[2] == a);
  if (!match)
    return error(Errc::invalid_argument, where + " is for sites '" + parts[1] + "' and '" + parts[2] + "', expected '" +
                                             std::string(a) + "' and '" + std::string(b) + "'");
  Psk psk;
  size_t bin_len = 0;
  const int rc = sodium_hex2bin(psk.bytes.data(), psk.bytes.size(), parts[3].data(), parts[3].size(), nullptr, &bin_len,
                                nullptr);
  const bool ok = rc == 0 && bin_len == kKeyBytes && parts[3].size() == 2 * kKeyBytes;
  sodium_memzero(parts[3].data(), parts[3].size());
  if (!ok) return error(Errc::invalid_argument, where + ": key must be exactly 64 hex digits");
  return psk;
}

Result<Psk> load_pair_key(const std::filesystem::path& dir, std::string_view a, std::string_view b) {
  return load_key_file(dir / key_file_name(a, b), a, b);
}

}  // namespace ion::wire
