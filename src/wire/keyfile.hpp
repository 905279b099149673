// SPDX-License-Identifier: Apache-2.0
#pragma once
// Pre-shared key files, one per site pair: "<lo>.<hi>.key" (site names sorted bytewise), mode 0600.
// Content (text, one line): "ion-psk-v1 <lo> <hi> <64 lowercase hex digits>\n".
// Loading refuses a file not owned by the user running ion, readable or writable by group/others,
// or in a directory that group/others may write (or that belongs to another user than this one
// or root), with a message naming the file and the fix. Key bytes never appear in any message.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "wire/crypto.hpp"

namespace ion::wire {

// A secret file (`what`: "key file", "epoch state"): a regular file owned by this user with no
// group/other access, whose directory passes check_secret_dir. Errors name the file and the fix.
Status check_secret_file(const std::filesystem::path& path, std::string_view what);
// The directory of secret files: owned by this user or root, not writable by group/others.
Status check_secret_dir(const std::filesystem::path& dir, std::string_view what);

// Site names allowed in key files: 1..64 of [A-Za-z0-9_-].
bool valid_site_name(std::string_view name);
// "<lo>.<hi>.key". REQUIRES: valid, different names.
std::string key_file_name(std::string_view site_a, std::string_view site_b);

// Creates the file with mode 0600 (O_EXCL unless force; with force an existing file is replaced).
Status write_key_file(const std::filesystem::path& path, std::string_view site_a, std::string_view site_b,
                      const Psk& psk, bool force);
// Loads and validates (permissions, format, that it names exactly sites a and b in any order).
Result<Psk> load_key_file(const std::filesystem::path& path, std::string_view site_a, std::string_view site_b);
// load_key_file(dir / key_file_name(a, b), a, b).
Result<Psk> load_pair_key(const std::filesystem::path& dir, std::string_view site_a, std::string_view site_b);

}  // namespace ion::wire
