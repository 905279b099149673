// SPDX-License-Identifier: Apache-2.0
#include "env/storage.hpp"

#include <cerrno>
#include <cstring>

namespace ion {

const char* storage_op_name(StorageOp op) {
  switch (op) {
    case StorageOp::open:
      return "open";
    case StorageOp::write:
      return "write";
    case StorageOp::sync:
      return "sync";
    case StorageOp::truncate:
      return "truncate";
    case StorageOp::read:
      return "read";
    case StorageOp::rename:
      return "rename";
    case StorageOp::remove:
      return "remove";
    case StorageOp::mkdir:
      return "create directory";
    case StorageOp::lock:
      return "lock";
    case StorageOp::stat:
      return "stat";
  }
  return "?";
}

Status storage_error(StorageOp op, const std::string& path, int err) {
  if (op == StorageOp::lock && (err == EWOULDBLOCK || err == EAGAIN))
    return error(Errc::unavailable, path + " is in use: another process (or another open of it) holds its lock");
  Errc code = Errc::io_error;
  if (err == ENOENT) code = Errc::not_found;
  if (err == EEXIST) code = Errc::already_exists;
  return error(code, std::string("cannot ") + storage_op_name(op) + " " + path + ": " + std::strerror(err));
}

std::string parent_dir(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Result<std::string> Storage::read_file(const std::string& path, uint64_t max_bytes) {
  ION_TRY_ASSIGN(auto f, open_read(path));
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    ION_TRY_ASSIGN(auto n, f->read_at(out.size(), std::span<uint8_t>(reinterpret_cast<uint8_t*>(buf), sizeof buf)));
    if (n == 0) break;
    out.append(buf, n);
    if (out.size() > max_bytes)
      return error(Errc::out_of_range, path + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  return out;
}

namespace {

// Writes and syncs `file`, then closes it (whatever happened).
Status write_and_sync(std::unique_ptr<OutputFile> file, std::span<const uint8_t> bytes, Sync sync = Sync::durable) {
  ION_TRY(file->append(bytes));
  return sync == Sync::durable ? file->sync() : Status::ok();
}

AppendOptions new_file(uint32_t mode) {
  AppendOptions o;
  o.exclusive = true;
  o.mode = mode;
  return o;
}

}  // namespace

Status with_cleanup(Status s, const Status& r) {
  if (r) return s;
  return error(s.code(), s.message() + "; and " + r.message());
}

Status Storage::write_new_file(const std::string& path, std::span<const uint8_t> bytes, uint32_t mode) {
  ION_TRY_ASSIGN(auto f, open_append(path, new_file(mode)));  // open_append leaves nothing behind when it fails
  Status s = write_and_sync(std::move(f), bytes);
  if (s) s = sync_dir(parent_dir(path));
  return s ? s : with_cleanup(s, remove(path));
}

Status Storage::write_file_atomic(const std::string& path, std::span<const uint8_t> bytes, uint32_t mode, Sync sync) {
  const std::string tmp = path + ".tmp";
  ION_TRY(remove(tmp));                                      // a stale temporary file left by a crash
  ION_TRY_ASSIGN(auto f, open_append(tmp, new_file(mode)));  // open_append leaves nothing behind when it fails
  Status s = write_and_sync(std::move(f), bytes, sync);
  if (s) s = rename(tmp, path);
  if (s) return sync == Sync::durable ? sync_dir(parent_dir(path)) : Status::ok();
  return with_cleanup(s, remove(tmp));
}

}  // namespace ion
