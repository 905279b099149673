// SPDX-License-Identifier: Apache-2.0
#include "site/hub/neuron_routes.hpp"

namespace ion::hub {

NeuronRoutes::NeuronRoutes(const std::vector<uint64_t>& pre_keys, const std::vector<uint64_t>& post_keys) {
  size_t cap = 16;
  while (cap < 2 * (pre_keys.size() + post_keys.size())) cap *= 2;  // load factor <= 1/2
  slots_.assign(cap, 0);
  mask_ = cap - 1;
  shift_ = 64;
  for (size_t c = cap; c > 1; c /= 2) --shift_;  // the top log2(cap) bits of the product
  std::vector<uint32_t> pre_entry(pre_keys.size()), post_entry(post_keys.size());
  for (size_t i = 0; i < pre_keys.size(); ++i) pre_entry[i] = entry_for(pre_keys[i]);
  for (size_t i = 0; i < post_keys.size(); ++i) post_entry[i] = entry_for(post_keys[i]);
  fill(pre_keys, pre_syn_, entries_, pre_entry, true);
  fill(post_keys, post_syn_, entries_, post_entry, false);
}

uint32_t NeuronRoutes::entry_for(uint64_t key) {
  size_t s = slot_of(key);
  for (; slots_[s] != 0; s = (s + 1) & mask_)
    if (entries_[slots_[s] - 1].key == key) return slots_[s] - 1;
  entries_.push_back(Entry{key});
  slots_[s] = static_cast<uint32_t>(entries_.size());
  return slots_[s] - 1;
}

// Counting sort of synapse indices by entry, stable: each neuron's list keeps synapse order.
void NeuronRoutes::fill(const std::vector<uint64_t>& keys, std::vector<uint32_t>& syn, std::vector<Entry>& entries,
                        const std::vector<uint32_t>& entry_of, bool pre) {
  std::vector<uint32_t> count(entries.size() + 1, 0);
  for (uint32_t e : entry_of) ++count[e + 1];
  for (size_t e = 0; e < entries.size(); ++e) {
    count[e + 1] += count[e];
    (pre ? entries[e].pre_begin : entries[e].post_begin) = count[e];
    (pre ? entries[e].pre_end : entries[e].post_end) = count[e + 1];
  }
  syn.resize(keys.size());
  for (uint32_t i = 0; i < keys.size(); ++i) syn[count[entry_of[i]]++] = i;
}

}  // namespace ion::hub
