// SPDX-License-Identifier: Apache-2.0
#pragma once
// The hub's connectivity index: neuron key (NeuronAddr::key) → the synapses it is the pre of and
// the synapses it is the post of, each list in synapse order. One open-addressing lookup per
// spike (a power-of-two table, multiplicative hash, linear probing) instead of two or three
// std::unordered_map lookups; the lists live in two flat arrays. Built once, then read-only.
#include <cstdint>
#include <span>
#include <vector>

namespace ion::hub {

class NeuronRoutes {
 public:
  struct Entry {
    uint64_t key = 0;
    uint32_t pre_begin = 0, pre_end = 0;    // into pre_syn_
    uint32_t post_begin = 0, post_end = 0;  // into post_syn_
  };
  NeuronRoutes() = default;
  // pre_keys[i], post_keys[i]: the pre and post neuron keys of synapse i.
  NeuronRoutes(const std::vector<uint64_t>& pre_keys, const std::vector<uint64_t>& post_keys);

  // The neuron's entry, or nullptr when it is neither pre nor post of any synapse.
  const Entry* find(uint64_t key) const {
    if (slots_.empty()) return nullptr;
    for (size_t s = slot_of(key);; s = (s + 1) & mask_) {
      const uint32_t e = slots_[s];
      if (e == 0) return nullptr;
      if (entries_[e - 1].key == key) return &entries_[e - 1];
    }
  }
  // An entry's number (for carrying a route with a queued spike) and the entry of a number.
  uint32_t number(const Entry& e) const { return static_cast<uint32_t>(&e - entries_.data()); }
  const Entry& entry(uint32_t number) const { return entries_[number]; }
  std::span<const uint32_t> pre(const Entry& e) const {
    return {pre_syn_.data() + e.pre_begin, e.pre_end - e.pre_begin};
  }
  std::span<const uint32_t> post(const Entry& e) const {
    return {post_syn_.data() + e.post_begin, e.post_end - e.post_begin};
  }

 private:
  size_t slot_of(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_) & mask_; }
  uint32_t entry_for(uint64_t key);  // builds: finds or appends
  static void fill(const std::vector<uint64_t>& keys, std::vector<uint32_t>& syn, std::vector<Entry>& entries,
                   const std::vector<uint32_t>& entry_of, bool pre);

  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;  // entry index + 1; 0 = empty
  size_t mask_ = 0;
  unsigned shift_ = 0;
  std::vector<uint32_t> pre_syn_, post_syn_;
};

}  // namespace ion::hub
