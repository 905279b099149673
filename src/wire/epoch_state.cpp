// SPDX-License-Identifier: Apache-2.0
#include "wire/epoch_state.hpp"

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "core/bytes.hpp"
#include "wire/keyfile.hpp"

namespace ion::wire {

namespace {

constexpr const char* kMagic = "ion-epochs-v1";
constexpr size_t kMaxStateBytes = 64 * 1024;  // a few hundred peers; anything larger is not ours

std::string hex16(uint64_t v) {
  char buf[17];
  for (int i = 15; i >= 0; --i, v >>= 4) buf[i] = "0123456789abcdef"[v & 15];
  buf[16] = '\0';
  return buf;
}

bool parse_u64(std::string_view s, uint64_t& out, int base = 10) {
  if (s.empty() || s.size() > 20) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> w;
  size_t i = 0;
  while (i < line.size()) {
    const size_t j = line.find(' ', i);
    w.push_back(line.substr(i, (j == std::string_view::npos ? line.size() : j) - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return w;
}

// One "peer <name> <key id> <epoch>" line.
Status parse_peer(const std::vector<std::string_view>& w, EpochState& s, const std::string& at) {
  PeerEpoch p;
  if (w.size() != 4 || !valid_site_name(w[1]) || w[2].size() != 16 || !parse_u64(w[2], p.key_id, 16) ||
      !parse_u64(w[3], p.epoch))
    return error(Errc::invalid_argument, at + ": expected 'peer <site> <16 hex digits> <epoch>'");
  p.peer = std::string(w[1]);
  if (s.peer_floor(p.peer, p.key_id) != 0)
    return error(Errc::invalid_argument, at + ": peer '" + p.peer + "' is listed twice for one key");
  s.peers.push_back(std::move(p));
  return Status::ok();
}

}  // namespace

uint64_t EpochState::peer_floor(std::string_view peer, uint64_t key) const {
  for (const auto& p : peers)
    if (p.peer == peer && p.key_id == key) return p.epoch;
  return 0;
}

bool EpochState::raise_peer(std::string_view peer, uint64_t key, uint64_t epoch) {
  for (auto& p : peers) {
    if (p.peer != peer || p.key_id != key) continue;
    if (epoch <= p.epoch) return false;
    p.epoch = epoch;
    return true;
  }
  peers.push_back({std::string(peer), key, epoch});
  return true;
}

uint64_t key_id(const Psk& psk) {
  static constexpr char kLabel[] = "ion key id v1";
  uint8_t out[8];
  crypto_generichash(out, sizeof out, reinterpret_cast<const uint8_t*>(kLabel), sizeof kLabel - 1, psk.bytes.data(),
                     psk.bytes.size());
  return bytes::get_u64(out);
}

uint64_t clock_epoch() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  const uint64_t ns = static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
  const uint64_t e = (ns & ~uint64_t{0xFFFF}) | (random_epoch() & 0xFFFF);
  return e ? e : 1;
}

Result<uint64_t> next_epoch(uint64_t candidate, uint64_t last) {
  if (last == UINT64_MAX)
    return error(Errc::out_of_range, "the last session epoch is the largest possible; no newer epoch exists");
  return std::max({candidate, last + 1, uint64_t{1}});
}

std::string format_epoch_state(std::string_view site, const EpochState& s) {
  std::ostringstream o;
  o << kMagic << ' ' << site << "\nself " << s.self << '\n';
  for (const auto& p : s.peers) o << "peer " << p.peer << ' ' << hex16(p.key_id) << ' ' << p.epoch << '\n';
  return o.str();
}

Result<EpochState> parse_epoch_state(std::string_view text, std::string_view site, const std::string& where) {
  EpochState s;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string at = where + ":" + std::to_string(n);
    const auto w = words(line);
    if (n == 1) {
      if (w.size() != 2 || w[0] != kMagic || w[1] != site)
        return error(Errc::invalid_argument, at + ": expected '" + std::string(kMagic) + " " + std::string(site) + "'");
    } else if (!w.empty() && w[0] == "self") {
      if (w.size() != 2 || !parse_u64(w[1], s.self))
        return error(Errc::invalid_argument, at + ": expected 'self <epoch>'");
    } else if (!w.empty() && w[0] == "peer") {
      ION_TRY(parse_peer(w, s, at));
    } else {
      return error(Errc::invalid_argument, at + ": expected 'self <epoch>' or 'peer <site> <key id> <epoch>'");
    }
  }
  if (text.empty())
    return error(Errc::invalid_argument,
                 where + ":1: empty file; expected '" + std::string(kMagic) + " " + std::string(site) + "'");
  return s;
}

// ---------------------------------------------------------------- DirEpochStore

std::string DirEpochStore::where(const std::string& site) const {
  return (std::filesystem::path(dir_) / (site + ".epochs")).string();
}

// Read and written through the Storage (env/storage.hpp), like every persisted file of ion.
Result<EpochState> DirEpochStore::load(const std::string& site) {
  const std::string path = where(site);
  ION_TRY_ASSIGN(auto info, storage_.stat(path));
  if (!info.exists) {
    ION_TRY(check_secret_dir(dir_, "epoch state"));
    return EpochState{};
  }
  ION_TRY(check_secret_file(path, "epoch state"));
  auto text = storage_.read_file(path, kMaxStateBytes);
  if (!text && text.status().code() == Errc::out_of_range)
    return error(Errc::invalid_argument,
                 "epoch state " + path + " is larger than " + std::to_string(kMaxStateBytes) + " bytes");
  if (!text) return error(Errc::io_error, "cannot read epoch state: " + text.status().message());
  return parse_epoch_state(*text, site, path);
}

// Mode 0600 exactly, written to "<path>.tmp" (created exclusively: a planted file or symlink there
// is removed first, never followed), synced, renamed over the old state, directory synced; the
// temporary file is removed on failure. The directory is not created: it is the key directory.
Status DirEpochStore::save(const std::string& site, const EpochState& s) {
  const std::string path = where(site);
  ION_TRY_ASSIGN(auto dir, storage_.stat(dir_.empty() ? "." : dir_));
  if (!dir.directory) return storage_error(StorageOp::open, path + ".tmp", ENOENT);
  const std::string text = format_epoch_state(site, s);
  return storage_.write_file_atomic(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()}, 0600);
}

// ---------------------------------------------------------------- MemoryEpochStore

Result<EpochState> MemoryEpochStore::load(const std::string& site) {
  auto it = saved_.find(site);
  return it == saved_.end() ? EpochState{} : it->second;
}

Status MemoryEpochStore::save(const std::string& site, const EpochState& s) {
  saved_[site] = s;
  ++saves_;
  return Status::ok();
}

}  // namespace ion::wire
