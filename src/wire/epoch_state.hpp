// SPDX-License-Identifier: Apache-2.0
#pragma once
// Forward-only session epochs (docs/protocol.md §4.1, §4.3) and the small state that keeps them
// forward across runs: per site, the last epoch it used, and per peer and pre-shared key the
// newest epoch of that peer ever authenticated here. A replayed datagram of an earlier run
// carries an older epoch than both, so it is refused even before the live peer is heard.
//
// Persistence lives only here, behind EpochStore: DirEpochStore keeps "<dir>/<site>.epochs"
// beside the key files (through a Storage, env/storage.hpp);
// MemoryEpochStore serves tests and simulations (several simulated runs share one).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "env/storage.hpp"
#include "wire/crypto.hpp"

namespace ion::wire {

struct PeerEpoch {
  std::string peer;     // site name
  uint64_t key_id = 0;  // key_id() of the pre-shared key the epoch was authenticated under
  uint64_t epoch = 0;   // the peer's newest epoch authenticated under that key
  bool operator==(const PeerEpoch&) const = default;
};

struct EpochState {
  uint64_t self = 0;  // the last session epoch this site used (0: none yet)
  std::vector<PeerEpoch> peers;

  // The newest epoch known for `peer` under the key `key_id` (0: none; a new key starts afresh).
  uint64_t peer_floor(std::string_view peer, uint64_t key_id) const;
  // Raises it (never lowers); true if it changed.
  bool raise_peer(std::string_view peer, uint64_t key_id, uint64_t epoch);
  bool operator==(const EpochState&) const = default;
};

// A 64-bit name of a pre-shared key (BLAKE2b keyed by the key over a fixed label): tells whether
// a saved floor belongs to the key in use. Reveals nothing about the key.
uint64_t key_id(const Psk& psk);

// A start-time epoch that grows across restarts while the machine's wall clock does not go back
// (WireGuard's TAI64N idea): CLOCK_REALTIME in ns with the low 16 bits random, so two starts
// within the same 65 µs still differ. Never 0.
uint64_t clock_epoch();

// The epoch for this start: max(candidate, last + 1). Error when last is the largest u64.
Result<uint64_t> next_epoch(uint64_t candidate, uint64_t last);

// Text form (docs/protocol.md §4.3): "ion-epochs-v1 <site>\nself <u64>\npeer <name> <16 hex> <u64>\n"…
std::string format_epoch_state(std::string_view site, const EpochState& s);
// Errors name `where`:LINE and what was expected.
Result<EpochState> parse_epoch_state(std::string_view text, std::string_view site, const std::string& where);

class EpochStore {
 public:
  virtual ~EpochStore() = default;
  // The saved state of `site`; an empty state when none was saved yet.
  virtual Result<EpochState> load(const std::string& site) = 0;
  // Replaces the saved state; durable when it returns ok.
  virtual Status save(const std::string& site, const EpochState& s) = 0;
  // Where the state of `site` lives (for messages).
  virtual std::string where(const std::string& site) const = 0;
};

// "<dir>/<site>.epochs", mode 0600, written to a temporary file, synced and renamed over the old
// one (then the directory is synced). Loading refuses a file not owned by this user or
// accessible by group/others, like a key file.
class DirEpochStore final : public EpochStore {
 public:
  explicit DirEpochStore(std::string dir, Storage& storage = real_storage())
      : dir_(std::move(dir)), storage_(storage) {}
  Result<EpochState> load(const std::string& site) override;
  Status save(const std::string& site, const EpochState& s) override;
  std::string where(const std::string& site) const override;

 private:
  std::string dir_;
  Storage& storage_;
};

class MemoryEpochStore final : public EpochStore {
 public:
  Result<EpochState> load(const std::string& site) override;
  Status save(const std::string& site, const EpochState& s) override;
  std::string where(const std::string& site) const override { return "epoch state of " + site + " (memory)"; }
  uint64_t saves() const { return saves_; }

 private:
  std::map<std::string, EpochState> saved_;
  uint64_t saves_ = 0;
};

}  // namespace ion::wire
