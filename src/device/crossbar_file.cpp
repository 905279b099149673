// SPDX-License-Identifier: Apache-2.0
// Persistence of SimulatedCrossbar: snapshot file + write-ahead log (<path>.wal).
// Snapshot (little-endian, core/bytes.hpp): "IONXBAR1", config, seq, per-cell state, faults,
// optional per-cell parameters, then a 64-bit FNV-1a of all preceding bytes. Written to
// <path>.tmp, synced, renamed over <path>, directory synced (Storage::write_file_atomic).
// WAL record (40 bytes): u64 seq, u32 w, u32 b, f64 v, i64 width_ns, u64 FNV-1a of the first 32.
// The bytes are frozen by tests/device/persist_format_test.cpp.
// All file access goes through the array's Storage; the WAL is locked before anything is touched.
#include <cstring>
#include <limits>
#include <string_view>

#include "core/bytes.hpp"
#include "device/sim_crossbar.hpp"

namespace ion::device {
namespace {

using bytes::ByteReader;
using bytes::ByteWriter;

constexpr char kMagic[8] = {'I', 'O', 'N', 'X', 'B', 'A', 'R', '1'};
constexpr size_t kRecordBytes = 40;
constexpr uint32_t kMaxNameBytes = 4096;

uint64_t fnv(std::span<const uint8_t> b) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (uint8_t c : b) h = (h ^ c) * 0x100000001B3ULL;
  return h;
}

// A string: u32 length, then its bytes.
void put_str(ByteWriter& w, const std::string& s) {
  w.u32(uint32_t(s.size()));
  w.text(s);
}
std::string get_str(ByteReader& r) {
  const uint32_t n = r.u32();
  if (n > kMaxNameBytes) r.fail();
  return r.text(n);
}

void put_f64s(ByteWriter& w, const std::vector<double>& v) {
  for (double x : v) w.f64(x);
}
// n values; fails the reader (reading nothing) when fewer than n remain.
void get_f64s(ByteReader& r, std::vector<double>& v, size_t n) {
  if (!r.ok() || n > r.remaining() / 8) return r.fail();
  v.resize(n);
  for (double& x : v) x = r.f64();
}
void get_u8s(ByteReader& r, std::vector<uint8_t>& v, size_t n) {
  if (!r.require(n)) return;
  v.resize(n);
  for (uint8_t& x : v) x = r.u8();
}

// Both files are bounded by their own content checks (cell counts ≤ 4096 × 4096; the WAL is
// emptied at every checkpoint), not by a read limit.
constexpr uint64_t kNoReadLimit = std::numeric_limits<uint64_t>::max();

}  // namespace

Status SimulatedCrossbar::write_snapshot() const {
  std::vector<uint8_t> buf;
  ByteWriter w(buf);
  w.text({kMagic, 8});
  put_str(w, model_name_);
  w.u32(uint32_t(base_.size()));
  put_f64s(w, base_);
  w.u32(words_), w.u32(bits_), w.f64(v_read_), w.u8(uint8_t(half_select_)), w.u64(seed_);
  w.u32(uint32_t(var_.d2d.size()));
  for (const auto& s : var_.d2d) put_str(w, s.name), w.f64(s.rel_sd);
  w.f64(var_.c2c_rel_sd), w.f64(var_.read_noise_rel), w.f64(var_.p_stuck_low), w.f64(var_.p_stuck_high);
  w.u32(var_.levels), w.f64(var_.level_lo), w.f64(var_.level_hi);
  w.u64(noise_key_), w.f64(level_lo_), w.f64(level_hi_), w.u64(seq_);
  w.u8(uint8_t(!dparams_.empty()));
  put_f64s(w, state_), w.bytes(fault_), put_f64s(w, dparams_);
  w.u64(fnv(buf));
  return storage_->write_file_atomic(path_, buf);
}

Status SimulatedCrossbar::load_snapshot(const std::string& path) {
  ION_TRY_ASSIGN(auto data, storage_->read_file(path, kNoReadLimit));
  const std::span<const uint8_t> d = bytes::as_bytes(data);
  auto corrupt = [&](const char* what) { return error(Errc::corrupt, "crossbar snapshot '" + path + "': " + what); };
  if (d.size() < 16 || std::memcmp(d.data(), kMagic, 8) != 0) return corrupt("not an ion crossbar file (bad magic)");
  if (bytes::get_u64(&d[d.size() - 8]) != fnv(d.first(d.size() - 8)))
    return corrupt("checksum mismatch (file damaged)");
  ByteReader r(d.subspan(8, d.size() - 16));
  model_name_ = get_str(r);
  model_ = find_model(model_name_);
  if (!model_) return corrupt("unknown model name");
  const uint32_t np = r.u32();
  get_f64s(r, base_, np);
  if (base_.size() != model_->params().size()) return corrupt("parameter count does not match the model");
  for (auto& e : pulse_cache_) e.used = false;  // its constants were of the old model and parameters
  words_ = r.u32(), bits_ = r.u32(), v_read_ = r.f64();
  half_select_ = r.u8() != 0, seed_ = r.u64();
  const uint32_t nd = r.u32();
  for (uint32_t i = 0; r.ok() && i < nd && i < 64; ++i) {
    std::string name = get_str(r);
    var_.d2d.push_back({name, r.f64()});
  }
  var_.c2c_rel_sd = r.f64(), var_.read_noise_rel = r.f64();
  var_.p_stuck_low = r.f64(), var_.p_stuck_high = r.f64();
  var_.levels = r.u32(), var_.level_lo = r.f64(), var_.level_hi = r.f64();
  noise_key_ = r.u64(), level_lo_ = r.f64(), level_hi_ = r.f64(), seq_ = r.u64();
  const bool has_dp = r.u8() != 0;
  if (!r.ok() || words_ == 0 || bits_ == 0 || words_ > 4096 || bits_ > 4096) return corrupt("bad header");
  const size_t n = size_t(words_) * bits_;
  get_f64s(r, state_, n), get_u8s(r, fault_, n);
  if (has_dp) get_f64s(r, dparams_, n * base_.size());
  if (!r.ok() || r.remaining() != 0) return corrupt("truncated or oversized cell data");
  read_rng_ = Rng::stream(seed_, "device.read");
  return Status::ok();
}

// Opens (creating) and locks <path>.wal; nothing is read or written before the lock is held.
Status SimulatedCrossbar::lock_wal() {
  AppendOptions o;
  o.lock = true;  // one writer per array; released when the object goes or its process dies
  auto wal = storage_->open_append(path_ + ".wal", o);
  if (!wal && wal.status().code() == Errc::unavailable)
    return error(Errc::unavailable, "crossbar '" + path_ + "' is already open in another process or object (" +
                                        wal.status().message() + ")");
  if (!wal) return wal.status().prefixed("cannot open the write-ahead log: ");
  wal_ = std::move(*wal);
  return Status::ok();
}

// Applies the logged pulses past the snapshot (kept in replayed_); a torn tail record (never
// acknowledged) is cut off.
Status SimulatedCrossbar::replay_wal() {
  const std::string wal = wal_->path();
  ION_TRY_ASSIGN(auto data, storage_->read_file(wal, kNoReadLimit));
  size_t off = 0;
  for (; off + kRecordBytes <= data.size(); off += kRecordBytes) {
    const std::span<const uint8_t> rec = bytes::as_bytes(data).subspan(off, kRecordBytes);
    ByteReader r(rec);
    const uint64_t seq = r.u64();
    const uint32_t w = r.u32(), b = r.u32();
    const double v = r.f64();
    const int64_t width = r.i64();
    if (r.u64() != fnv(rec.first(32))) break;  // torn tail: never acknowledged
    if (seq <= seq_) continue;                 // already in the snapshot
    if (seq != seq_ + 1 || !check_cell(w, b, words_, bits_) || !check_pulse(v, width))
      return error(Errc::corrupt, "write-ahead log '" + wal + "': bad record at byte " + std::to_string(off));
    ++seq_;
    apply_pulse(w, b, v, to_seconds(width));
    const size_t c = size_t(w) * bits_ + b;
    replayed_.push_back({seq_, w, b, v, width, model_->read(cell_params(c), state_[c], v_read_).resistance_ohm});
  }
  if (off == data.size()) return Status::ok();
  ION_TRY(wal_->truncate(off));
  return wal_->sync();
}

// Logged and synced before the pulse is applied; on failure the log is cut back to its previous
// end (no half record left behind) and the pulse is not applied.
Status SimulatedCrossbar::log_pulse(uint32_t w, uint32_t b, double v, Duration width) {
  std::vector<uint8_t> rec;
  rec.reserve(kRecordBytes);
  ByteWriter out(rec);
  out.u64(seq_ + 1), out.u32(w), out.u32(b), out.f64(v), out.i64(width);
  out.u64(fnv(rec));
  const uint64_t end = wal_->size();
  Status st = wal_->append(rec);
  if (st) st = wal_->sync();
  if (st) return st;
  Status cut = wal_->truncate(end);
  return cut ? st : error(st.code(), st.message() + "; and " + cut.message());
}

Result<std::unique_ptr<SimulatedCrossbar>> SimulatedCrossbar::create_file(const CrossbarConfig& cfg,
                                                                          const std::string& path, Storage& storage) {
  ION_TRY_ASSIGN(auto info, storage.stat(path));
  if (info.exists)
    return error(Errc::already_exists, "crossbar file '" + path + "' already exists (use open to load it)");
  ION_TRY_ASSIGN(auto x, create(cfg));
  x->path_ = path;
  x->storage_ = &storage;
  ION_TRY(x->lock_wal());
  ION_TRY(x->wal_->truncate(0));  // a log left by an earlier array of that name
  ION_TRY(x->wal_->sync());
  ION_TRY(x->write_snapshot());
  return x;
}

Result<std::unique_ptr<SimulatedCrossbar>> SimulatedCrossbar::open(const std::string& path, Storage& storage) {
  ION_TRY_ASSIGN(auto info, storage.stat(path));
  if (!info.exists) return error(Errc::not_found, "crossbar file '" + path + "' does not exist");
  std::unique_ptr<SimulatedCrossbar> x(new SimulatedCrossbar());
  x->path_ = path;
  x->storage_ = &storage;
  ION_TRY(x->lock_wal());
  ION_TRY(x->load_snapshot(path));
  ION_TRY(x->replay_wal());
  return x;
}

Status SimulatedCrossbar::checkpoint() {
  if (!wal_) return Status::ok();
  ION_TRY(write_snapshot());
  ION_TRY(wal_->truncate(0));
  return wal_->sync();
}

}  // namespace ion::device
