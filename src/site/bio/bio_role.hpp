// SPDX-License-Identifier: Apache-2.0
#pragma once
// The bio site's Role for the node runtime (site/role.hpp).
//   advance(now): pulls samples up to experiment time `now` from the signal source (the culture
//     emulator or a recording), runs the online detector block by block, and emits every detected
//     spike as Spike{ {site, channel}, t_peak } — kind `evoked` when it follows a delivered
//     stimulus on that electrode within evoked_window, else `spontaneous`.
//   on_input(in): the SynapticInput for bio neuron `in.post.index` (= electrode) goes through the
//     safety interlock; every decision is recorded (host.record_stimulus) and stamped with the
//     role's current time, which the runtime has advanced to the input's arrival (site/role.hpp):
//     a stimulus is never stamped before the spike that caused it; approved pulses go to the
//     stimulator (emulated: into the culture, from the next sample on).
// Convention: bio neuron index i of the experiment ⇔ electrode / channel i.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "site/bio/culture.hpp"
#include "site/bio/detector.hpp"
#include "site/bio/interlock.hpp"
#include "site/bio/signal_recorder.hpp"
#include "site/bio/sources.hpp"
#include "site/role.hpp"

namespace ion::bio {

struct BioRoleConfig {
  SiteId site = 0;
  // Exactly one of: an emulated culture (seeded from host.rng("bio.culture") when seed == 0) …
  std::optional<CultureConfig> culture;
  // … or an opened recording (played once; the site falls silent at its end).
  std::unique_ptr<SignalSource> recording;
  double threshold_k = 4.35;
  Polarity polarity = Polarity::negative;
  double block_s = 1e-3;  // detector block
  StimLimits limits;      // electrode_count is set to the channel count
  StimMapping mapping;
  Duration evoked_window_ns = 20'000'000;
  // Set: the raw rows the site processes and its delivered stimuli are recorded as an Open Ephys
  // session (site/bio/signal_recorder.hpp); a failed write stops the site (host.fail_site).
  std::optional<SignalRecordingConfig> signal;
};

class BioRole final : public site::Role {
 public:
  static Result<std::unique_ptr<BioRole>> create(BioRoleConfig config, site::RoleHost& host);
  // Completes the signal session of a run that ended without finish() (interrupted or failed).
  ~BioRole() override;

  void advance(Time now) override;
  void on_input(const SynapticInput& in) override;
  void finish(Time end) override;
  void status(site::RoleStatus& out) const override;

  const InterlockCounters& interlock_counters() const { return interlock_->counters(); }
  uint64_t spikes_emitted() const { return spikes_; }
  const Culture* culture() const { return culture_ ? &*culture_ : nullptr; }

 private:
  BioRole(site::RoleHost& host) : host_(host) {}
  void process_rows(size_t rows);
  Status open_signal(const SignalRecordingConfig& cfg);
  void check_signal(const Status& s);

  site::RoleHost& host_;
  SiteId site_ = 0;
  double rate_hz_ = 0;
  uint32_t channels_ = 0;
  size_t block_rows_ = 1;
  std::optional<Culture> culture_;
  std::unique_ptr<SignalSource> recording_;
  std::optional<Detector> detector_;
  std::optional<Interlock> interlock_;
  std::unique_ptr<EmulatedStimulator> stimulator_;
  std::optional<SignalRecorder> signal_;
  std::vector<int16_t> buf_;
  std::vector<DetectedSpike> found_;
  std::vector<Time> last_stim_ns_;
  Duration evoked_window_ns_ = 0;
  int64_t rows_ = 0;
  Time now_ns_ = 0;
  bool ended_ = false;
  uint64_t spikes_ = 0;
};

}  // namespace ion::bio
