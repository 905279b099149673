// SPDX-License-Identifier: Apache-2.0
#include "record/log_tail.hpp"

#include <algorithm>

#include "record/log_reader.hpp"

namespace ion::record {

LogTail::LogTail(std::string path, Storage& storage) : path_(std::move(path)), storage_(&storage) {}

Result<std::vector<uint8_t>> LogTail::read_from(uint64_t offset) {
  std::vector<uint8_t> bytes;
  constexpr size_t kChunk = 1 << 16;
  for (;;) {
    const size_t at = bytes.size();
    bytes.resize(at + kChunk);
    ION_TRY_ASSIGN(size_t n, file_->read_at(offset + at, std::span<uint8_t>(bytes).subspan(at)));
    bytes.resize(at + n);
    if (n < kChunk) return bytes;
  }
}

// The header is read once it is complete; until then the log counts as not started.
Status LogTail::open_and_read_header() {
  if (!file_) {
    ION_TRY_ASSIGN(auto info, storage_->stat(path_));
    if (!info.exists) return Status::ok();
    ION_TRY_ASSIGN(file_, storage_->open_read(path_));
  }
  ION_TRY_ASSIGN(auto head, read_from(0));
  if (head.size() < 12) return Status::ok();
  ION_TRY_ASSIGN(size_t len, peek_header_bytes(std::span<const uint8_t>(head).first(12), path_));
  if (head.size() < len) return Status::ok();
  ION_TRY_ASSIGN(header_, decode_header(std::span<const uint8_t>(head).first(len), path_));
  header_raw_.assign(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(len));
  header_bytes_ = offset_ = len;
  return Status::ok();
}

Result<size_t> LogTail::poll(std::vector<Record>& out) {
  if (!started()) {
    ION_TRY(open_and_read_header());
    if (!started()) return size_t{0};
  }
  ION_TRY_ASSIGN(auto fresh, read_from(offset_));
  if (fresh.empty()) return size_t{0};
  // LogReader validates the frames: the header again, then the new bytes. It stops at the first
  // frame that is incomplete or fails its CRC; everything before it is whole.
  std::vector<uint8_t> bytes = header_raw_;
  bytes.insert(bytes.end(), fresh.begin(), fresh.end());
  ION_TRY_ASSIGN(auto reader, LogReader::from_bytes(std::move(bytes), path_));
  size_t added = 0;
  while (auto rec = reader.next()) {
    out.push_back(std::move(*rec));
    ++added;
  }
  const uint64_t whole = reader.report().good_bytes - header_bytes_;
  offset_ += whole;
  records_ += reader.report().records;
  pending_ = fresh.size() - whole;
  return added;
}

namespace {

// merge_logs reads the logs one after the other in site order; the tails interleave them. Notes
// and sessions go back to site order (log order within a site), and what the notes say (first
// experiment name, seed, names) is taken again in that order.
void by_site_as_merge_logs(MergedRecording& m) {
  auto site_order = [](const auto& a, const auto& b) { return a.site < b.site; };
  std::stable_sort(m.sessions.begin(), m.sessions.end(), site_order);
  std::vector<NoteRow> notes = std::move(m.notes);
  std::stable_sort(notes.begin(), notes.end(), site_order);
  m.notes.clear();
  m.gaps.clear();
  m.experiment_name.clear();
  m.seed.clear();
  m.experiment_file.clear();
  m.site_names.clear();
  m.neuron_names.clear();
  m.synapse_names.clear();
  for (const auto& n : notes) add_note(m, n.site, Note{n.t, static_cast<NoteKind>(n.kind), n.text});
}

}  // namespace

LiveMerge::LiveMerge(const std::vector<std::string>& paths, Storage& storage) {
  for (const auto& p : paths) tails_.emplace_back(p, storage);
}

size_t LiveMerge::poll() {
  size_t added = 0;
  problem_.clear();
  std::vector<Record> fresh;
  for (auto& t : tails_) {
    fresh.clear();
    auto n = t.poll(fresh);
    if (!n) {
      if (problem_.empty()) problem_ = n.status().message();
      continue;
    }
    for (const auto& r : fresh) absorb_record(unsorted_, t.header().site_id, r);
    added += *n;
  }
  return added;
}

MergedRecording LiveMerge::snapshot() const {
  MergedRecording m = unsorted_;
  for (const auto& t : tails_) {
    if (!t.started()) continue;
    ScanReport r;
    r.file_bytes = r.good_bytes = t.consumed_bytes();
    r.records = t.records();
    m.sites.push_back({t.header().site_id, t.header().site_name, t.records(), r});
  }
  std::sort(m.sites.begin(), m.sites.end(), [](const SiteRow& a, const SiteRow& b) { return a.id < b.id; });
  by_site_as_merge_logs(m);
  sort_merged(m);
  return m;
}

}  // namespace ion::record
