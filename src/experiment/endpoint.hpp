// SPDX-License-Identifier: Apache-2.0
#pragma once
// Numeric UDP endpoints as written in experiment files: "127.0.0.1:7201", "[::1]:7201".
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "experiment/model.hpp"

namespace ion::experiment {

// A numeric IP address (no port, no brackets); sets *loopback. Errors name the problem.
Result<std::string> parse_ip(std::string_view text, bool* loopback, bool* v6);
enum class PortRule { required, optional };
// "IP:port" / "[IPv6]:port" with port 1..65535; the unspecified address (0.0.0.0, ::) is refused.
// With PortRule::optional, "IP" / "[IPv6]" alone is accepted too: port 0, "auto" (a site's
// address; `ion run` chooses the port, docs/experiment.md).
Result<Endpoint> parse_endpoint(std::string_view text, PortRule rule = PortRule::required);
// "host:port" / "[host]:port": `e`'s address with `port`.
std::string endpoint_text(const Endpoint& e, uint16_t port);

}  // namespace ion::experiment
