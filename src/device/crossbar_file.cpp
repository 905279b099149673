// SPDX-License-Identifier: Apache-2.0
// Persistence of SimulatedCrossbar: snapshot file + write-ahead log (<path>.wal).
// Snapshot (native little-endian): "IONXBAR1", config, seq, per-cell state, faults, optional
// per-cell parameters, then a 64-bit FNV-1a of all preceding bytes. Written to <path>.tmp,
// synced, renamed over <path>, directory synced (Storage::write_file_atomic).
// WAL record (40 bytes): u64 seq, u32 w, u32 b, f64 v, i64 width_ns, u64 FNV-1a of the first 32.
// All file access goes through the array's Storage; the WAL is locked before anything is touched.
#include <cstring>
#include <limits>
#include <string_view>

#include "device/sim_crossbar.hpp"

namespace ion::device {
namespace {

constexpr char kMagic[8] = {'I', 'O', 'N', 'X', 'B', 'A', 'R', '1'};
constexpr size_t kRecordBytes = 40;

uint64_t fnv(const char* p, size_t n) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(p[i])) * 0x100000001B3ULL;
  return h;
}

struct Writer {
  std::string buf;
  template <class T>
  void put(const T& v) { buf.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void str(const std::string& s) { put(uint32_t(s.size())); buf += s; }
  template <class T>
  void arr(const std::vector<T>& v) { buf.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)); }
};

struct Reader {
  std::string_view in;
  size_t pos = 0;
  bool ok = true;
  template <class T>
  T get() {
    T v{};
    if (pos + sizeof v > in.size()) { ok = false; return v; }
    std::memcpy(&v, in.data() + pos, sizeof v);
    pos += sizeof v;
    return v;
  }
  std::string str() {
    const uint32_t n = get<uint32_t>();
    if (!ok || n > 4096 || pos + n > in.size()) { ok = false; return {}; }
    std::string s(in.substr(pos, n));
    pos += n;
    return s;
  }
  template <class T>
  void arr(std::vector<T>& v, size_t n) {
    if (!ok || n > (in.size() - pos) / sizeof(T)) { ok = false; return; }
    v.resize(n);
    std::memcpy(v.data(), in.data() + pos, n * sizeof(T));
    pos += n * sizeof(T);
  }
};

// Both files are bounded by their own content checks (cell counts ≤ 4096 × 4096; the WAL is
// emptied at every checkpoint), not by a read limit.
constexpr uint64_t kNoReadLimit = std::numeric_limits<uint64_t>::max();

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

Status SimulatedCrossbar::write_snapshot() const {
  Writer w;
  w.buf.append(kMagic, 8);
  w.str(model_name_);
  w.put(uint32_t(base_.size()));
  w.arr(base_);
  w.put(words_), w.put(bits_), w.put(v_read_), w.put(uint8_t(half_select_)), w.put(seed_);
  w.put(uint32_t(var_.d2d.size()));
  for (const auto& s : var_.d2d) w.str(s.name), w.put(s.rel_sd);
  w.put(var_.c2c_rel_sd), w.put(var_.read_noise_rel), w.put(var_.p_stuck_low), w.put(var_.p_stuck_high);
  w.put(var_.levels), w.put(var_.level_lo), w.put(var_.level_hi);
  w.put(noise_key_), w.put(level_lo_), w.put(level_hi_), w.put(seq_);
  w.put(uint8_t(!dparams_.empty()));
  w.arr(state_), w.arr(fault_), w.arr(dparams_);
  w.put(fnv(w.buf.data(), w.buf.size()));
  return storage_->write_file_atomic(path_, bytes_of(w.buf));
}

Status SimulatedCrossbar::load_snapshot(const std::string& path) {
  auto data = storage_->read_file(path, kNoReadLimit);
  if (!data) return data.status();
  const std::string& d = *data;
  auto corrupt = [&](const char* what) { return error(Errc::corrupt, "crossbar snapshot '" + path + "': " + what); };
  if (d.size() < 16 || std::memcmp(d.data(), kMagic, 8) != 0) return corrupt("not an ion crossbar file (bad magic)");
  uint64_t sum;
  std::memcpy(&sum, d.data() + d.size() - 8, 8);
  if (sum != fnv(d.data(), d.size() - 8)) return corrupt("checksum mismatch (file damaged)");
  Reader r{std::string_view(d).substr(8, d.size() - 16)};
  model_name_ = r.str();
  model_ = find_model(model_name_);
  if (!model_) return corrupt("unknown model name");
  r.arr(base_, r.get<uint32_t>());
  if (base_.size() != model_->params().size()) return corrupt("parameter count does not match the model");
  words_ = r.get<uint32_t>(), bits_ = r.get<uint32_t>(), v_read_ = r.get<double>();
  half_select_ = r.get<uint8_t>() != 0, seed_ = r.get<uint64_t>();
  const uint32_t nd = r.get<uint32_t>();
  for (uint32_t i = 0; r.ok && i < nd && i < 64; ++i) {
    std::string name = r.str();
    var_.d2d.push_back({name, r.get<double>()});
  }
  var_.c2c_rel_sd = r.get<double>(), var_.read_noise_rel = r.get<double>();
  var_.p_stuck_low = r.get<double>(), var_.p_stuck_high = r.get<double>();
  var_.levels = r.get<uint32_t>(), var_.level_lo = r.get<double>(), var_.level_hi = r.get<double>();
  noise_key_ = r.get<uint64_t>(), level_lo_ = r.get<double>(), level_hi_ = r.get<double>(), seq_ = r.get<uint64_t>();
  const bool has_dp = r.get<uint8_t>() != 0;
  if (!r.ok || words_ == 0 || bits_ == 0 || words_ > 4096 || bits_ > 4096) return corrupt("bad header");
  const size_t n = size_t(words_) * bits_;
  r.arr(state_, n), r.arr(fault_, n);
  if (has_dp) r.arr(dparams_, n * base_.size());
  if (!r.ok || r.pos != r.in.size()) return corrupt("truncated or oversized cell data");
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
  if (!wal) return error(wal.status().code(), "cannot open the write-ahead log: " + wal.status().message());
  wal_ = std::move(*wal);
  return Status::ok();
}

// Applies the logged pulses past the snapshot (kept in replayed_); a torn tail record (never
// acknowledged) is cut off.
Status SimulatedCrossbar::replay_wal() {
  const std::string wal = wal_->path();
  auto data = storage_->read_file(wal, kNoReadLimit);
  if (!data) return data.status();
  size_t off = 0;
  for (; off + kRecordBytes <= data->size(); off += kRecordBytes) {
    const char* rec = data->data() + off;
    uint64_t seq, sum;
    uint32_t w, b;
    double v;
    int64_t width;
    std::memcpy(&seq, rec, 8), std::memcpy(&w, rec + 8, 4), std::memcpy(&b, rec + 12, 4);
    std::memcpy(&v, rec + 16, 8), std::memcpy(&width, rec + 24, 8), std::memcpy(&sum, rec + 32, 8);
    if (sum != fnv(rec, 32)) break;  // torn tail: never acknowledged
    if (seq <= seq_) continue;       // already in the snapshot
    if (seq != seq_ + 1 || !check_cell(w, b, words_, bits_) || !check_pulse(v, width))
      return error(Errc::corrupt, "write-ahead log '" + wal + "': bad record at byte " + std::to_string(off));
    ++seq_;
    apply_pulse(w, b, v, to_seconds(width));
    const size_t c = size_t(w) * bits_ + b;
    replayed_.push_back({seq_, w, b, v, width, model_->read(cell_params(c), state_[c], v_read_).resistance_ohm});
  }
  if (off == data->size()) return Status::ok();
  ION_TRY(wal_->truncate(off));
  return wal_->sync();
}

// Logged and synced before the pulse is applied; on failure the log is cut back to its previous
// end (no half record left behind) and the pulse is not applied.
Status SimulatedCrossbar::log_pulse(uint32_t w, uint32_t b, double v, Duration width) {
  uint8_t rec[kRecordBytes];
  const uint64_t seq = seq_ + 1;
  std::memcpy(rec, &seq, 8), std::memcpy(rec + 8, &w, 4), std::memcpy(rec + 12, &b, 4);
  std::memcpy(rec + 16, &v, 8), std::memcpy(rec + 24, &width, 8);
  const uint64_t sum = fnv(reinterpret_cast<const char*>(rec), 32);
  std::memcpy(rec + 32, &sum, 8);
  const uint64_t end = wal_->size();
  Status st = wal_->append(rec);
  if (st) st = wal_->sync();
  if (st) return st;
  Status cut = wal_->truncate(end);
  return cut ? st : error(st.code(), st.message() + "; and " + cut.message());
}

Result<std::unique_ptr<SimulatedCrossbar>> SimulatedCrossbar::create_file(const CrossbarConfig& cfg,
                                                                          const std::string& path,
                                                                          Storage& storage) {
  auto info = storage.stat(path);
  if (!info) return info.status();
  if (info->exists)
    return error(Errc::already_exists, "crossbar file '" + path + "' already exists (use open to load it)");
  auto x = create(cfg);
  if (!x) return x.status();
  (*x)->path_ = path;
  (*x)->storage_ = &storage;
  ION_TRY((*x)->lock_wal());
  ION_TRY((*x)->wal_->truncate(0));  // a log left by an earlier array of that name
  ION_TRY((*x)->wal_->sync());
  ION_TRY((*x)->write_snapshot());
  return x;
}

Result<std::unique_ptr<SimulatedCrossbar>> SimulatedCrossbar::open(const std::string& path, Storage& storage) {
  auto info = storage.stat(path);
  if (!info) return info.status();
  if (!info->exists) return error(Errc::not_found, "crossbar file '" + path + "' does not exist");
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
