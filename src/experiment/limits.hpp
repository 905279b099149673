// SPDX-License-Identifier: Apache-2.0
#pragma once
// Every bound the loader enforces beyond the TOML types, in one place. Two kinds:
//  - input bounds: what the loader itself can take without exhausting memory or the stack;
//  - run bounds: ranges that a site checks when it starts (each names the check it mirrors), so
//    that `ion validate` refuses, with FILE:LINE:COL, every file a run would refuse later.
// tests/experiment/bounds_test.cpp checks each run bound against the run's own code at its edge
// (the edge value is accepted by the site, the next value is refused by the loader).
#include <cstddef>
#include <cstdint>

#include "core/time.hpp"

namespace ion::experiment::limits {

// ---- input (checked on the raw text, before the TOML parser sees it) -------------------------
inline constexpr size_t kMaxFileBytes = size_t{1} << 20;  // 1 MiB; experiment files are KBs
inline constexpr int kMaxNesting = 16;                    // arrays and inline tables nested in one another
inline constexpr int kMaxKeyParts = 16;                   // dotted parts of one key or table header (a.b.c = 3)
inline constexpr size_t kMaxDiagnostics = 200;            // further problems are counted, not listed

// ---- model size (before anything is expanded) ----------------------------------------------
inline constexpr int64_t kMaxNeurons = 300'000;   // after expanding `count`; a full 1024-core chip holds 262 144
inline constexpr int64_t kMaxSynapses = 262'144;  // after expanding populations: a 512x512 block

// ---- resources (experiment/resources.hpp) ----------------------------------------------------
// Events a run may be expected to record (spikes, inputs, stimuli, weight updates). The merge
// after a run holds every event in memory (~24 bytes each, twice while tables grow) and the logs
// take ~30 bytes per event on disk: 2·10⁷ events ≈ 1 GB of memory, 0.6 GB of logs.
inline constexpr double kMaxEvents = 2e7;
inline constexpr double kLogBytesPerEvent = 30;     // a spike record is 27 bytes (docs/recording.md)
inline constexpr double kMemoryBytesPerEvent = 48;  // merged row (24 B) × vector growth

// ---- hub instrument ----------------------------------------------------------------------------
// Read voltage: device/sim_crossbar.cpp (SimulatedCrossbar::init_cells) and device/arc_one.cpp
// (ArcOne::set_read) accept |v_read| <= 5 V.
inline constexpr double kMaxReadVoltageV = 5.0;

// ---- bio: emulated culture (site/bio/culture.cpp, CultureConfig::validate and calibrate_drive;
// the experiment → culture mapping is site/bio/experiment_config.cpp, culture_from) -------------
inline constexpr int kCultureMaxElectrodes = 4096;
inline constexpr double kCultureMinRateHz = 10e3;
inline constexpr double kCultureMaxRateHz = 30e3;
// neurons are spread `neurons / electrodes` per electrode (the rest, fewer than one per
// electrode, are background neurons); at most 16 per electrode.
inline constexpr int kCultureMaxNeuronsPerElectrode = 16;
inline constexpr double kCultureMaxSpontaneousHz = 200;  // exclusive: (0, 200) Hz

// ---- bio: raw recordings: the spike detector (site/bio/detector.cpp, DetectorConfig::validate)
// takes 1 kHz..1 MHz and its 300–3000 Hz band must lie below Nyquist: rate > 6 kHz ------------
inline constexpr double kRawMinRateHz = 6e3;  // exclusive
inline constexpr double kRawMaxRateHz = 1e6;

// ---- bio: stimulator (site/bio/stim_limits.cpp, StimLimits::validate, voltage mode; mapped in
// site/bio/experiment_config.cpp, limits_from) ---------------------------------------------------
inline constexpr double kMinElectrodeAreaM2 = 1e-12;  // 1 µm²
inline constexpr double kMaxElectrodeAreaM2 = 1e-6;   // 1 mm²
inline constexpr double kMaxStimAmplitudeV = 10;
inline constexpr double kMaxStimChargeC = 100e-9;
inline constexpr double kMaxStimRateHz = 1000;
// pulse_width becomes the interlock's min_width = min(20 µs, w) >= 1 µs and
// max_width = max(400 µs, w) <= 1 ms.
inline constexpr Duration kMinPulseWidth = kMicrosecond;
inline constexpr Duration kMaxPulseWidth = kMillisecond;
inline constexpr double kMaxShannonK = 1.85;  // exclusive; k must also be > 0

// ---- silicon: emulated chip (site/silicon/silicon_role.cpp, make_silicon_role) ----------------
inline constexpr int kChipNeuronsPerCore = 256;
inline constexpr const char* kChipNeuronModel = "dpi";

// ---- simulated links: clock sync keeps a probe's reply only within 200 ms of the wave's last
// probe (link/clock_sync.hpp, ClockSyncConfig::reply_timeout_ns), so the round trip must fit in
// about 200 ms. Above a mean one-way latency of 100 ms no site ever synchronises and every run
// fails after the 15 s sync timeout (measured: 100 ms synchronises, 150 ms never does). Jitter
// is not bounded: the simulator floors negative excursions, so the fastest probes still fit.
inline constexpr Duration kMaxLinkLatency = 100 * kMillisecond;

}  // namespace ion::experiment::limits
