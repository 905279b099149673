// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Env's storage facet: every file ion persists (event logs, crossbar state and its
// write-ahead log, clock origins, key files, the HDF5 export) is opened, written, synced,
// renamed, read and removed through a Storage, never with raw system calls elsewhere.
//
// Two implementations: PosixStorage (env/posix_storage.hpp; the real file system) and SimStorage
// (env/sim_storage.hpp; real files plus injected ENOSPC / EIO / fsync failures at a chosen byte
// count, call or file), so that every storage failure path can be tested deterministically.
//
// Failure contract, the same for both:
// - every error names the operation and the path and carries the OS reason, e.g.
//   "cannot write /runs/1/hub.ionlog: No space left on device";
// - codes: not_found (no such file), already_exists (exclusive create of an existing file),
//   unavailable (a lock held by someone else), out_of_range (file over a caller's size limit),
//   io_error (everything else);
// - a failed append keeps the bytes that did reach the file (size() counts them, as a short
//   write on a full disk would); the caller decides whether to truncate them away;
// - after a failed sync the data written since the last good sync may not be on stable storage,
//   whatever a later sync says (Linux reports a writeback error once): callers treat it as final.
// Threading: a Storage and its files are used by one thread at a time.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/status.hpp"

namespace ion {

enum class StorageOp : uint8_t { open, write, sync, truncate, read, rename, remove, mkdir, lock, stat };
const char* storage_op_name(StorageOp op);

// The error for `op` on `path` failing with errno `err` (message and code as described above).
Status storage_error(StorageOp op, const std::string& path, int err);

struct FileInfo {
  bool exists = false;
  bool regular = false;
  bool directory = false;
  uint64_t size = 0;
  uint32_t mode = 0;  // permission bits (st_mode & 07777)
  uint32_t uid = 0;   // owner
};

struct AppendOptions {
  // Hold an exclusive advisory lock (flock) while the file is open. Taken before anything is
  // written; refused with Errc::unavailable when another open file holds it (another process,
  // or another open of the same file in this process). Released when the file is destroyed or
  // its process dies.
  bool lock = false;
  bool exclusive = false;  // fail with already_exists if the file exists (O_EXCL)
  uint32_t mode = 0644;    // permissions of a new file (applied exactly, independent of umask)
};

// A file opened for appending. Missing parent directories are created by open_append.
class OutputFile {
 public:
  virtual ~OutputFile() = default;
  // Writes every byte (short writes and EINTR are retried). On error the bytes that did reach
  // the file stay there and size() counts them.
  virtual Status append(std::span<const uint8_t> bytes) = 0;
  virtual Status sync() = 0;                   // fdatasync: data to stable storage
  virtual Status truncate(uint64_t size) = 0;  // cut the file to `size` bytes (not synced)
  virtual uint64_t size() const = 0;           // bytes in the file
  virtual const std::string& path() const = 0;
};

// A file opened for reading (positional reads; the file may grow while it is open).
class InputFile {
 public:
  virtual ~InputFile() = default;
  // Reads up to into.size() bytes at `offset`; fewer only at the end of the file.
  virtual Result<size_t> read_at(uint64_t offset, std::span<uint8_t> into) = 0;
  virtual const FileInfo& info() const = 0;  // as when opened (fstat of the open file)
  virtual const std::string& path() const = 0;
};

// Whether an atomic replacement is made durable (fsync of the file and its directory).
enum class Sync : uint8_t { durable, none };

class Storage {
 public:
  virtual ~Storage() = default;

  // Opens `path` for appending, creating it (and its parent directories) if missing.
  virtual Result<std::unique_ptr<OutputFile>> open_append(const std::string& path, const AppendOptions& o) = 0;
  Result<std::unique_ptr<OutputFile>> open_append(const std::string& path) { return open_append(path, {}); }
  virtual Result<std::unique_ptr<InputFile>> open_read(const std::string& path) = 0;
  // exists == false for a missing path (not an error).
  virtual Result<FileInfo> stat(const std::string& path) = 0;
  // Atomically replaces `to` with `from`.
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  // Removes a file; a missing file is not an error.
  virtual Status remove(const std::string& path) = 0;
  virtual Status make_dirs(const std::string& dir) = 0;  // mkdir -p
  virtual Status sync_dir(const std::string& dir) = 0;   // makes renames and creations in dir durable

  // Helpers built only on the operations above, so SimStorage's faults reach them too.

  // The whole file; out_of_range when it is larger than max_bytes.
  Result<std::string> read_file(const std::string& path, uint64_t max_bytes);
  // Replaces `path` atomically: writes <path>.tmp, syncs it, renames it over `path`, syncs the
  // directory. On any failure the temporary file is removed and `path` is unchanged. With
  // Sync::none nothing is synced: readers still see the old or the new content, never a mix, but
  // a power cut may lose the change (for ephemeral files such as a site's status).
  Status write_file_atomic(const std::string& path, std::span<const uint8_t> bytes, uint32_t mode = 0644,
                           Sync sync = Sync::durable);
  // Creates `path` (already_exists if present), writes and syncs it; removed again on failure.
  Status write_new_file(const std::string& path, std::span<const uint8_t> bytes, uint32_t mode = 0644);
};

// The process's real file system (relative paths from the working directory). Tools and code
// running without an Env use it; nodes use their Env's storage().
Storage& real_storage();

// Failure `s` with the failure of its clean-up `r` (e.g. removing a partial temporary file) added
// to its message, so neither is lost: both matter to the user. `s` unchanged when `r` is ok.
Status with_cleanup(Status s, const Status& r);

// Directory part of `path` ("." when it has none).
std::string parent_dir(const std::string& path);

}  // namespace ion
