// SPDX-License-Identifier: Apache-2.0
#pragma once
// `ion bench hub --hub-threads 2`: the hub site on two threads, joined by a HubPipeline
// (node/hub_pipeline.hpp), each thread with a RealEnv and a Link of its own, so no Link is shared:
//   rx thread    Link to bio: recvmmsg, open (AEAD), decode, replay window; each received Spike
//                goes into the pipeline's ring, and once per loop pass (and every kRuleBatch
//                spikes) advance(t), as the 1-thread bench hub runs its rules, then publish().
//   logic thread Link to silicon, bound to a second port of the hub: woken by an eventfd, it runs
//                HubCore (forwarding lookup, rules, pulse_read) through run_ready() and sends the
//                forwarded inputs (encode, seal, sendmmsg).
// A push to a full ring waits for the logic thread and is counted; nothing is dropped.
#include <atomic>
#include <cstdint>
#include <string>

#include "bench/hub/bench_hub.hpp"
#include "core/status.hpp"
#include "env/real_env.hpp"
#include "wire/crypto.hpp"

namespace ion::hub::bench::detail {

struct MtHubPorts {
  std::string host;
  uint16_t bio = 0, hub_rx = 0, hub_tx = 0, sil = 0;  // hub_rx faces bio, hub_tx faces silicon
};

struct MtHubOutcome {
  Status status;
  double cpu_s = 0;  // CPU time of both threads while their loops ran
  uint64_t pulses = 0, device_errors = 0, auth_failures = 0, ring_full_waits = 0;
};

// Runs the two-thread hub: the rx part on the calling thread (env_rx, until env_rx.stop()), the
// logic part on a thread it starts and joins. `ready` is set once both Links completed their
// handshakes; `failed` after out.status holds an error that stops the hub before that.
void run_mt_hub(const BenchHubConfig& cfg, const MtHubPorts& p, const wire::Psk& psk_bio, const wire::Psk& psk_sil,
                RealEnv& env_rx, std::atomic<bool>& ready, std::atomic<bool>& failed, MtHubOutcome& out);

}  // namespace ion::hub::bench::detail
