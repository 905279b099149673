// SPDX-License-Identifier: Apache-2.0
#pragma once
// The persisted clock origin of a site (<out>/<site>.origin), so that a site restarted with
// --resume continues its node clock — and, on the time master, experiment time — instead of
// restarting it at 0.
//
// The origin is a reading of the inner Env's clock (RealEnv: CLOCK_MONOTONIC, ns since boot).
// CLOCK_MONOTONIC is only meaningful on the same machine during the same boot, so the file also
// holds the kernel's boot id (/proc/sys/kernel/random/boot_id, when readable) and a resume under
// another boot id is refused with a clear message.
#include <string>

#include "core/status.hpp"
#include "core/time.hpp"
#include "env/storage.hpp"

namespace ion::site {

struct ClockOrigin {
  Time origin_ns = 0;
  std::string boot_id;  // empty when the kernel does not expose it
};

// The current boot id, or "" when unavailable.
std::string current_boot_id();

// Writes `o` to `path` (text: "origin_ns=<n>\nboot_id=<id>\n"), replacing the file atomically
// (temporary file, sync, rename, directory sync; nothing left behind on failure).
Status save_clock_origin(Storage& storage, const std::string& path, const ClockOrigin& o);

// Reads `path`. Errors: missing or malformed file (names the path and the bad line), a boot id
// that differs from `boot_id` (the monotonic clock restarted: experiment time cannot continue).
Result<ClockOrigin> load_clock_origin(Storage& storage, const std::string& path, const std::string& boot_id);

}  // namespace ion::site
