// SPDX-License-Identifier: Apache-2.0
// Persistence of SimulatedCrossbar: snapshot file + write-ahead log (<path>.wal).
// Snapshot (native little-endian): "IONXBAR1", config, seq, per-cell state, faults, optional
// per-cell parameters, then a 64-bit FNV-1a of all preceding bytes. Written to <path>.tmp,
// fsync'd, renamed over <path>, directory fsync'd.
// WAL record (40 bytes): u64 seq, u32 w, u32 b, f64 v, i64 width_ns, u64 FNV-1a of the first 32.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "device/sim_crossbar.hpp"

namespace ion::device {
namespace {

constexpr char kMagic[8] = {'I', 'O', 'N', 'X', 'B', 'A', 'R', '1'};
constexpr size_t kRecordBytes = 40;

Status os_error(const std::string& what, const std::string& path) {
  return error(Errc::io_error, what + " '" + path + "': " + std::strerror(errno));
}

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

Status write_all(int fd, const char* p, size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t k = ::write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return os_error("cannot write", path);
    p += k, n -= size_t(k);
  }
  return Status::ok();
}

Status write_file_durably(const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return os_error("cannot create", tmp);
  Status st = write_all(fd, data.data(), data.size(), tmp);
  if (st && ::fsync(fd) != 0) st = os_error("cannot fsync", tmp);
  ::close(fd);
  if (!st) return st;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return os_error("cannot rename onto", path);
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) { ::fsync(dfd); ::close(dfd); }
  return Status::ok();
}

Result<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error("cannot open", path);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const ssize_t k = ::read(fd, buf, sizeof buf);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) { Status s = os_error("cannot read", path); ::close(fd); return s; }
    if (k == 0) break;
    out.append(buf, size_t(k));
  }
  ::close(fd);
  return out;
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
  return write_file_durably(path_, w.buf);
}

Status SimulatedCrossbar::load_snapshot(const std::string& path) {
  auto data = read_file(path);
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

Status SimulatedCrossbar::open_wal(bool replay) {
  const std::string wal = path_ + ".wal";
  wal_fd_ = ::open(wal.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | (replay ? 0 : O_TRUNC), 0644);
  if (wal_fd_ < 0) return os_error("cannot open write-ahead log", wal);
  if (::flock(wal_fd_, LOCK_EX | LOCK_NB) != 0)  // one writer per array; released on process death
    return error(Errc::unavailable, "crossbar '" + path_ + "' is already open in another process or object");
  if (!replay) return ::fsync(wal_fd_) == 0 ? Status::ok() : os_error("cannot fsync", wal);
  auto data = read_file(wal);
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
  }
  if (off != data->size() && (::ftruncate(wal_fd_, off_t(off)) != 0 || ::fsync(wal_fd_) != 0))
    return os_error("cannot truncate torn tail of", wal);
  return Status::ok();
}

Status SimulatedCrossbar::log_pulse(uint32_t w, uint32_t b, double v, Duration width) {
  char rec[kRecordBytes];
  const uint64_t seq = seq_ + 1;
  std::memcpy(rec, &seq, 8), std::memcpy(rec + 8, &w, 4), std::memcpy(rec + 12, &b, 4);
  std::memcpy(rec + 16, &v, 8), std::memcpy(rec + 24, &width, 8);
  const uint64_t sum = fnv(rec, 32);
  std::memcpy(rec + 32, &sum, 8);
  const off_t end = ::lseek(wal_fd_, 0, SEEK_END);
  const std::string wal = path_ + ".wal";
  Status st = write_all(wal_fd_, rec, sizeof rec, wal);
  if (st && ::fdatasync(wal_fd_) != 0) st = os_error("cannot fdatasync", wal);
  if (!st && end >= 0) (void)!::ftruncate(wal_fd_, end);  // leave no half record behind
  return st;
}

Result<std::unique_ptr<SimulatedCrossbar>> SimulatedCrossbar::create_file(const CrossbarConfig& cfg,
                                                                          const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0)
    return error(Errc::already_exists, "crossbar file '" + path + "' already exists (use open to load it)");
  auto x = create(cfg);
  if (!x) return x.status();
  (*x)->path_ = path;
  ION_TRY((*x)->write_snapshot());
  ION_TRY((*x)->open_wal(false));
  return x;
}

Result<std::unique_ptr<SimulatedCrossbar>> SimulatedCrossbar::open(const std::string& path) {
  std::unique_ptr<SimulatedCrossbar> x(new SimulatedCrossbar());
  x->path_ = path;
  ION_TRY(x->load_snapshot(path));
  ION_TRY(x->open_wal(true));
  return x;
}

Status SimulatedCrossbar::checkpoint() {
  if (wal_fd_ < 0) return Status::ok();
  ION_TRY(write_snapshot());
  if (::ftruncate(wal_fd_, 0) != 0 || ::fsync(wal_fd_) != 0) return os_error("cannot truncate", path_ + ".wal");
  return Status::ok();
}

}  // namespace ion::device
