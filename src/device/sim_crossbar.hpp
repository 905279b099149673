// SPDX-License-Identifier: Apache-2.0
#pragma once
// A simulated memristor crossbar: one model, per-device parameters (with device-to-device
// spread), a contiguous state array (structure of arrays), faults, noise and optional V/2
// half-select disturbance. Optionally persistent: a snapshot file plus a write-ahead log
// (<path>.wal). pulse() appends the pulse to the log and fdatasync()s it BEFORE applying and
// returning (acknowledging) it; open() replays logged pulses past the snapshot, so an
// acknowledged pulse is never lost nor applied twice across a crash. A pulse in flight when the
// process died (logged, not yet acknowledged) may be applied on recovery; nothing else is.
// A pulse whose log write or sync fails is not applied (the error names the file), so the array
// never runs ahead of its log. Files go through a Storage (env/storage.hpp).
// One writer per file: the log is locked (flock) before the snapshot or the log is written or
// read, and stays locked while an object has it open; a second writer is refused untouched.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/prng.hpp"
#include "device/crossbar.hpp"
#include "device/model.hpp"
#include "device/variability.hpp"
#include "env/storage.hpp"

namespace ion::device {

// An initial resistance for one cell, as measured at the array's read voltage.
struct InitialResistance {
  uint32_t w, b;  // 0-based
  double r_ohm;
};

// A pulse that open() re-applied from the write-ahead log, and the cell's resistance right after
// it (noise-free, at v_read). The owner's own record of these pulses may be missing: a process
// killed after the log write and before it recorded the pulse elsewhere (site/hub/hub_recovery.hpp).
struct ReplayedPulse {
  uint64_t seq = 0;  // the array's pulse number (1 = its first pulse ever)
  uint32_t w = 0, b = 0;
  double v = 0;
  Duration width_ns = 0;
  double r_ohm = 0;
};

struct CrossbarConfig {
  std::string model = "compact";
  std::string preset;                                  // "" = the model's first preset
  std::vector<std::pair<std::string, double>> params;  // overrides of the preset
  uint32_t words = 32, bits = 32;                      // up to 4096 × 4096
  double v_read = 0.5;                                 // V
  bool half_select = false;                            // unselected cells on the lines see V/2
  Variability var;
  uint64_t seed = 1;
  std::vector<InitialResistance> initial;  // per-cell starting points (else preset)
};

class SimulatedCrossbar final : public Crossbar {
 public:
  // In-memory array. Errors: unknown model/preset/parameter, bad sizes, bad variability.
  static Result<std::unique_ptr<SimulatedCrossbar>> create(const CrossbarConfig& cfg);
  // New persistent array at `path` (fails if the file exists), snapshot written immediately.
  // `storage` must outlive the array.
  static Result<std::unique_ptr<SimulatedCrossbar>> create_file(const CrossbarConfig& cfg, const std::string& path,
                                                                Storage& storage = real_storage());
  // Loads the snapshot and replays the write-ahead log; a torn tail record is discarded.
  static Result<std::unique_ptr<SimulatedCrossbar>> open(const std::string& path, Storage& storage = real_storage());
  ~SimulatedCrossbar() override;

  uint32_t words() const override { return words_; }
  uint32_t bits() const override { return bits_; }
  Result<double> read(uint32_t w, uint32_t b) override;
  Status pulse(uint32_t w, uint32_t b, double v, Duration width) override;
  Result<double> pulse_read(uint32_t w, uint32_t b, double v, Duration width) override;
  Result<std::vector<double>> read_all() override;

  // Writes a new snapshot atomically and empties the log. No-op for in-memory arrays.
  Status checkpoint();
  // Applies one pulse to many cells (flat indices w·bits + b) without logging, noise or
  // half-select: the bulk path for benchmarks and whole-array programming. REQUIRES: indices valid.
  void pulse_cells_unlogged(const uint32_t* cells, size_t n, double v, double width_s);

  // Sets one cell's state (flat index w·bits + b); out-of-range index or state → error. Not logged:
  // for tests and benchmarks that start from chosen states.
  Status set_cell_state(size_t cell, double s);

  const Model& model() const { return *model_; }
  const std::vector<double>& base_params() const { return base_; }
  // Parameter block of one cell (shared block when there is no device-to-device spread).
  const double* cell_params(size_t cell) const {
    return dparams_.empty() ? base_.data() : dparams_.data() + cell * base_.size();
  }
  double state(uint32_t w, uint32_t b) const { return state_[size_t(w) * bits_ + b]; }
  const std::vector<double>& states() const { return state_; }
  uint8_t fault(uint32_t w, uint32_t b) const { return fault_[size_t(w) * bits_ + b]; }
  uint64_t pulses_applied() const { return seq_; }
  // The pulses open() re-applied from the write-ahead log (past the snapshot), in order.
  const std::vector<ReplayedPulse>& replayed() const { return replayed_; }
  double v_read() const { return v_read_; }

  enum : uint8_t { kHealthy = 0, kStuckLow = 1, kStuckHigh = 2 };

 private:
  SimulatedCrossbar() = default;
  Status init_cells(const CrossbarConfig& cfg);
  Status set_initial(const InitialResistance& ir);
  void apply_cell(size_t cell, double v, double width_s);
  void apply_pulse(uint32_t w, uint32_t b, double v, double width_s);
  double read_cell(size_t cell);
  // One shared parameter block and nothing that apply_cell / read_cell add to the model: no
  // half-select, cycle-to-cycle noise, quantised levels or read noise.
  bool plain() const {
    return dparams_.empty() && !half_select_ && !(var_.c2c_rel_sd > 0) && var_.levels < 2 && !(var_.read_noise_rel > 0);
  }
  // The constants of pulse (v, width_s) on the shared parameter block, computed once per pulse
  // shape: a hub sends the same ±V pulses again and again (docs/benchmarks.md, "Per plastic event").
  const PreparedPulse& prepared(double v, double width_s);
  // Persistence (crossbar_file.cpp).
  Status write_snapshot() const;
  Status load_snapshot(const std::string& path);
  Status lock_wal();
  Status replay_wal();
  Status log_pulse(uint32_t w, uint32_t b, double v, Duration width);

  const Model* model_ = nullptr;
  std::string model_name_;
  std::vector<double> base_;
  uint32_t words_ = 0, bits_ = 0;
  double v_read_ = 0.5;
  bool half_select_ = false;
  Variability var_;
  uint64_t seed_ = 1;
  uint64_t noise_key_ = 0;
  double level_lo_ = 0, level_hi_ = 0;

  std::vector<double> state_;    // one per cell, word-major
  std::vector<double> dparams_;  // cells × np when there is d2d spread, else empty
  std::vector<uint8_t> fault_;
  uint64_t seq_ = 0;  // pulses applied so far (the next pulse gets seq_ + 1)
  Rng read_rng_{0};
  struct PulseCacheEntry {
    bool used = false;
    double v = 0, width_s = 0;
    PreparedPulse k{};
  };
  PulseCacheEntry pulse_cache_[2];  // shared parameter block only (no d2d spread)
  unsigned pulse_cache_next_ = 0;   // the entry replaced on a miss
  std::vector<ReplayedPulse> replayed_;

  std::string path_;
  Storage* storage_ = nullptr;
  std::unique_ptr<OutputFile> wal_;  // open and locked while persistent
};

}  // namespace ion::device
