// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to wire/: encoding of event records and control payloads (layout: docs/protocol.md §3).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wire/codec.hpp"

namespace ion::wire::records {

inline constexpr size_t kMaxRecordBytes = 40;  // largest record: stimulus, 1+3+5+12+10 = 31
inline constexpr size_t kMinRecordBytes = 4;   // smallest: spike with 1-byte fields

// Record tags (high nibble = record type, low bits = small enum fields).
inline constexpr uint8_t kTagSpike = 0x10;  // | kind (0..3)
inline constexpr uint8_t kTagInput = 0x20;
inline constexpr uint8_t kTagStimulus = 0x30;  // | outcome (0..2) | 0x04 if cathodic first
inline constexpr uint8_t kTagWeight = 0x40;    // | action + 1 (0..2)

inline constexpr size_t kHelloBytes = 4;
inline constexpr size_t kProbeBytes = 16;
inline constexpr size_t kReplyBytes = 32;
inline constexpr size_t kHeartbeatBytes = 115;
inline constexpr size_t kGoodbyeBytes = 1;

bool valid(const Spike& s);
bool valid(const SynapticInput& s);
bool valid(const Stimulus& s);
bool valid(const WeightUpdate& w);

// Each writes one record into out (>= kMaxRecordBytes) and returns its size. REQUIRES: valid().
size_t encode(const Spike& s, Time base_ns, uint8_t* out);
size_t encode(const SynapticInput& s, Time base_ns, uint8_t* out);
size_t encode(const Stimulus& s, Time base_ns, uint8_t* out);
size_t encode(const WeightUpdate& w, Time base_ns, uint8_t* out);
// The size encode() would return, without writing.
size_t size(const Spike& s, Time base_ns);
size_t size(const SynapticInput& s, Time base_ns);
size_t size(const Stimulus& s, Time base_ns);
size_t size(const WeightUpdate& w, Time base_ns);
// Writes a control payload; returns its size (<= kHeartbeatBytes). REQUIRES: c not monostate.
size_t encode_control(const Control& c, uint8_t* out);

// Events payload: `h.count` records, then zero padding only (its length in padding_bytes).
WireResult<bool> decode_events(const Header& h, std::span<const uint8_t> payload, std::vector<Event>& out,
                               size_t& padding_bytes);
WireResult<bool> decode_control(MsgType type, std::span<const uint8_t> payload, Control& out);

}  // namespace ion::wire::records
