// SPDX-License-Identifier: Apache-2.0
#pragma once
// Numeric UDP endpoints as written in experiment files: "127.0.0.1:7201", "[::1]:7201".
#include <string_view>

#include "core/status.hpp"
#include "experiment/model.hpp"

namespace ion::experiment {

// A numeric IP address (no port, no brackets); sets *loopback. Errors name the problem.
Result<std::string> parse_ip(std::string_view text, bool* loopback, bool* v6);
// "IP:port" / "[IPv6]:port" with port 1..65535; the unspecified address (0.0.0.0, ::) is refused.
Result<Endpoint> parse_endpoint(std::string_view text);

}  // namespace ion::experiment
