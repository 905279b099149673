// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "record/event_log.hpp"
#include "record_test_util.hpp"

using namespace ion;
using namespace ion::record;
using namespace ion::record::testing;
using namespace ion::literals;

namespace {

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

LogHeader test_header() { return LogHeader{kLogVersion, 2, "hub", 7, 1'700'000'000'000'000'000}; }

// A log in memory with `n` random records of every kind; `offsets` gets each record's start.
struct MemLog {
  std::shared_ptr<std::vector<uint8_t>> bytes = std::make_shared<std::vector<uint8_t>>();
  std::vector<Record> written;  // including the SessionStart the writer adds first
};

MemLog make_log(uint64_t seed, int per_kind) {
  MemLog m;
  auto w = LogWriter::create(std::make_unique<MemoryFile>(m.bytes), test_header(), {}, 0);
  EXPECT_TRUE(w.is_ok()) << w.status().to_string();
  m.written.push_back(SessionStart{7, false, 0, test_header().start_wall_ns});
  Rng rng(seed);
  for (int i = 0; i < per_kind; ++i) {
    for (size_t k = 0; k < std::variant_size_v<Record>; ++k) {
      m.written.push_back(random_record(rng, k));
      EXPECT_TRUE((*w)->append(m.written.back()).is_ok());
    }
  }
  EXPECT_TRUE((*w)->close().is_ok());
  return m;
}

std::vector<Record> read_all(LogReader& r) {
  std::vector<Record> out;
  while (auto rec = r.next()) out.push_back(std::move(*rec));
  return out;
}

// Start offset of the last record of a log given as bytes.
uint64_t last_record_offset(const std::vector<uint8_t>& bytes) {
  auto r = LogReader::from_bytes(bytes);
  uint64_t last = 0;
  while (auto raw = r->next_raw()) last = raw->offset;
  return last;
}

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("ion_record_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST(Crc32c, StandardCheckValue) {
  EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c({}), 0u);
  // RFC 3720 B.4: 32 bytes of zeros → 0x8A9136AA, of 0xFF → 0x62A8AB43.
  std::vector<uint8_t> zeros(32, 0), ones(32, 0xFF);
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
}

TEST(Crc32c, SliceBy8MatchesBitwiseAndExtends) {
  Rng rng(11);
  std::vector<uint8_t> data(1000);
  for (auto& b : data) b = static_cast<uint8_t>(rng.below(256));
  for (size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 999u, 1000u}) {
    uint32_t c = 0xFFFFFFFFu;  // bitwise reference
    for (size_t i = 0; i < len; ++i) {
      c ^= data[i];
      for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    const auto part = std::span<const uint8_t>(data).first(len);
    EXPECT_EQ(crc32c(part), ~c) << "len " << len;
    const size_t cut = len / 3;
    EXPECT_EQ(crc32c_extend(crc32c(part.first(cut)), part.subspan(cut)), ~c) << "len " << len;
  }
}

TEST(EventLog, RoundTripOfEveryKindWithRandomValues) {
  MemLog m = make_log(42, 50);
  auto r = LogReader::from_bytes(*m.bytes);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->header().site_name, "hub");
  EXPECT_EQ(r->header().site_id, 2);
  EXPECT_EQ(r->header().session_epoch, 7u);
  EXPECT_EQ(r->header().start_wall_ns, test_header().start_wall_ns);
  auto got = read_all(*r);
  ASSERT_EQ(got.size(), m.written.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(same_record(got[i], m.written[i])) << "record " << i;
  EXPECT_EQ(r->report().state, TailState::clean);
  EXPECT_EQ(r->report().dropped_bytes, 0u);
  EXPECT_EQ(r->report().records, m.written.size());
}

TEST(EventLog, RoundTripThroughPosixFile) {
  const std::string path = temp_path("posix_roundtrip.ionlog");
  std::filesystem::remove(path);
  auto opened = open_log(path, test_header(), {}, 5);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  EXPECT_FALSE(opened->resumed);
  Rng rng(3);
  std::vector<Record> written = {SessionStart{7, false, 5, test_header().start_wall_ns}};
  for (int i = 0; i < 2000; ++i) {
    written.push_back(random_record(rng, rng.below(8)));
    ASSERT_TRUE(opened->writer->append(written.back()).is_ok());
  }
  ASSERT_TRUE(opened->writer->close().is_ok());
  auto r = LogReader::open(path);
  ASSERT_TRUE(r.is_ok());
  auto got = read_all(*r);
  ASSERT_EQ(got.size(), written.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_TRUE(same_record(got[i], written[i])) << "record " << i;
  EXPECT_EQ(r->report().state, TailState::clean);
}

TEST(EventLog, TruncatedAtEveryByteOfTheLastRecord) {
  MemLog m = make_log(7, 3);
  const uint64_t last = last_record_offset(*m.bytes);
  const uint64_t end = m.bytes->size();
  ASSERT_GT(end - last, kRecordOverheadBytes);
  for (uint64_t cut = last; cut < end; ++cut) {
    std::vector<uint8_t> torn(m.bytes->begin(), m.bytes->begin() + static_cast<std::ptrdiff_t>(cut));
    auto r = LogReader::from_bytes(torn);
    ASSERT_TRUE(r.is_ok());
    auto got = read_all(*r);
    ASSERT_EQ(got.size(), m.written.size() - 1) << "cut at " << cut;
    EXPECT_TRUE(same_record(got.back(), m.written[m.written.size() - 2]));
    const ScanReport& rep = r->report();
    EXPECT_EQ(rep.good_bytes, last);
    EXPECT_EQ(rep.dropped_bytes, cut - last);
    if (cut == last) {
      EXPECT_EQ(rep.state, TailState::clean);
      EXPECT_EQ(rep.dropped_records, 0u);
    } else {
      EXPECT_EQ(rep.state, TailState::torn) << "cut at " << cut;
      EXPECT_EQ(rep.dropped_records, 1u);
      EXPECT_EQ(rep.problem_offset, last);
    }
  }
}

TEST(EventLog, FlippedByteInTheLastRecordDropsOnlyIt) {
  MemLog m = make_log(8, 2);
  const uint64_t last = last_record_offset(*m.bytes);
  for (uint64_t at = last; at < m.bytes->size(); ++at) {
    std::vector<uint8_t> bad = *m.bytes;
    bad[at] ^= 0x10;
    auto r = LogReader::from_bytes(bad);
    ASSERT_TRUE(r.is_ok());
    auto got = read_all(*r);
    ASSERT_EQ(got.size(), m.written.size() - 1) << "flip at " << at;
    const ScanReport& rep = r->report();
    EXPECT_NE(rep.state, TailState::clean);
    EXPECT_EQ(rep.good_bytes, last);
    EXPECT_EQ(rep.dropped_bytes, m.bytes->size() - last);
    EXPECT_EQ(rep.dropped_records, 1u);
    EXPECT_FALSE(rep.problem.empty());
  }
}

TEST(EventLog, TornFileIsRepairedOnDisk) {
  MemLog m = make_log(9, 2);
  const uint64_t last = last_record_offset(*m.bytes);
  const std::string path = temp_path("torn.ionlog");
  for (uint64_t cut = last + 1; cut < m.bytes->size(); cut += 5) {
    write_file(path, std::vector<uint8_t>(m.bytes->begin(), m.bytes->begin() + static_cast<std::ptrdiff_t>(cut)));
    auto rep = repair_log(path);
    ASSERT_TRUE(rep.is_ok()) << rep.status().to_string();
    EXPECT_EQ(rep->state, TailState::torn);
    EXPECT_EQ(rep->dropped_bytes, cut - last);
    EXPECT_EQ(std::filesystem::file_size(path), last);
    auto again = scan_log(path);
    ASSERT_TRUE(again.is_ok());
    EXPECT_EQ(again->state, TailState::clean);
    EXPECT_EQ(again->records, m.written.size() - 1);
  }
}

TEST(EventLog, CorruptionInTheMiddleStopsAndRepairRefuses) {
  MemLog m = make_log(10, 4);
  auto r0 = LogReader::from_bytes(*m.bytes);
  std::vector<uint64_t> offsets;
  while (auto raw = r0->next_raw()) offsets.push_back(raw->offset);
  const size_t victim = offsets.size() / 2;
  std::vector<uint8_t> bad = *m.bytes;
  bad[offsets[victim] + kRecordPrefixBytes] ^= 0x01;  // first payload byte
  auto r = LogReader::from_bytes(bad);
  EXPECT_EQ(read_all(*r).size(), victim);
  EXPECT_EQ(r->report().state, TailState::corrupt);
  EXPECT_FALSE(r->report().bad_record_is_last);
  EXPECT_EQ(r->report().problem_offset, offsets[victim]);
  EXPECT_NE(r->report().describe().find("middle"), std::string::npos);

  const std::string path = temp_path("middle.ionlog");
  write_file(path, bad);
  auto refused = repair_log(path);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), Errc::corrupt);
  EXPECT_NE(refused.status().message().find("damage in the middle"), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find("Nothing was changed"), std::string::npos);
  EXPECT_NE(refused.status().message().find("--force"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(path), bad.size());
  auto forced = repair_log(path, true);
  ASSERT_TRUE(forced.is_ok());
  EXPECT_EQ(std::filesystem::file_size(path), offsets[victim]);
}

TEST(EventLog, ImpossibleLengthIsCorruption) {
  MemLog m = make_log(12, 1);
  const uint64_t last = last_record_offset(*m.bytes);
  std::vector<uint8_t> bad = *m.bytes;
  bad[last + 3] = 0x7F;  // length byte 3 → > 16 MiB
  auto r = LogReader::from_bytes(bad);
  read_all(*r);
  EXPECT_EQ(r->report().state, TailState::corrupt);
  EXPECT_NE(r->report().problem.find("impossible payload length"), std::string::npos);
}

TEST(EventLog, BadHeadersGivePreciseErrors) {
  MemLog m = make_log(13, 1);
  auto expect_error = [](std::vector<uint8_t> bytes, const std::string& needle) {
    auto r = LogReader::from_bytes(std::move(bytes), "x.ionlog");
    ASSERT_FALSE(r.is_ok()) << needle;
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("x.ionlog"), std::string::npos);
  };
  std::vector<uint8_t> b = *m.bytes;
  b[0] = 'X';
  expect_error(b, "not an ion event log");
  b = *m.bytes;
  b[8] = 9;
  expect_error(b, "version 9 is not supported");
  b = *m.bytes;
  b[20] ^= 1;
  expect_error(b, "header CRC mismatch");
  expect_error(std::vector<uint8_t>(m.bytes->begin(), m.bytes->begin() + 20), "header truncated");
  expect_error(std::vector<uint8_t>(m.bytes->begin(), m.bytes->begin() + 5), "too short");
  auto missing = LogReader::open(temp_path("does_not_exist.ionlog"));
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), Errc::not_found);
}

TEST(EventLog, UnknownKindsAndMalformedPayloadsAreSkippedAndCounted) {
  std::vector<uint8_t> bytes = encode_header(test_header());
  frame_record(Spike{{1, 2}, 100, SpikeKind::spike}, bytes);
  const std::vector<uint8_t> future = {1, 2, 3};
  frame_raw(999, future, bytes);
  frame_raw(999, future, bytes);
  std::vector<uint8_t> bad_spike(15, 0);
  bad_spike[14] = 9;  // kind 9
  frame_raw(static_cast<uint16_t>(RecordKind::spike), bad_spike, bytes);
  frame_raw(static_cast<uint16_t>(RecordKind::weight_update), future, bytes);  // too short
  frame_record(Spike{{1, 3}, 200, SpikeKind::evoked}, bytes);
  auto r = LogReader::from_bytes(bytes);
  auto got = read_all(*r);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(std::get<Spike>(got[1]).source.index, 3u);
  EXPECT_EQ(r->report().unknown_records, 2u);
  EXPECT_EQ(r->report().unknown_by_kind.at(999), 2u);
  EXPECT_EQ(r->report().malformed_records, 2u);
  EXPECT_NE(r->report().first_malformed.find("spike record: kind = 9, expected 0..3"), std::string::npos);
  EXPECT_EQ(r->report().state, TailState::clean);
  auto dec = decode_payload(static_cast<uint16_t>(RecordKind::weight_update), future);
  EXPECT_NE(dec.status().message().find("weight_update record: payload of"), std::string::npos);
}

TEST(EventLog, FlushesWhenTheIntervalPassesOnTheFakeClock) {
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  auto file = std::make_unique<MemoryFile>(bytes);
  WriterOptions opt;
  opt.buffer_bytes = 1 << 20;
  opt.flush_interval_ns = 100_ms;
  auto w = LogWriter::create(std::move(file), test_header(), opt, 1_s);
  ASSERT_TRUE(w.is_ok());
  const size_t after_create = bytes->size();
  EXPECT_EQ((*w)->buffered_bytes(), 0u);
  ASSERT_TRUE((*w)->append(Spike{{0, 1}, 1_s, SpikeKind::spike}).is_ok());
  ASSERT_TRUE((*w)->maybe_flush(1_s + 50_ms).is_ok());
  ASSERT_TRUE((*w)->maybe_flush(1_s + 99_ms).is_ok());
  EXPECT_EQ(bytes->size(), after_create) << "flushed before the interval";
  ASSERT_TRUE((*w)->maybe_flush(1_s + 100_ms).is_ok());
  EXPECT_GT(bytes->size(), after_create);
  const size_t after_first = bytes->size();
  ASSERT_TRUE((*w)->append(Spike{{0, 1}, 1_s + 120_ms, SpikeKind::spike}).is_ok());
  ASSERT_TRUE((*w)->maybe_flush(1_s + 199_ms).is_ok());
  EXPECT_EQ(bytes->size(), after_first);
  ASSERT_TRUE((*w)->maybe_flush(1_s + 200_ms).is_ok());
  EXPECT_GT(bytes->size(), after_first);
  auto r = LogReader::from_bytes(*bytes);
  EXPECT_EQ(read_all(*r).size(), 3u);  // session start + 2 spikes
}

TEST(EventLog, FlushesWhenTheBufferFillsAndOnClose) {
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  auto file = std::make_unique<MemoryFile>(bytes);
  MemoryFile* raw = file.get();
  WriterOptions opt;
  opt.buffer_bytes = 270;  // 10 spike records of 27 bytes
  opt.fsync = FsyncPolicy::on_flush;
  auto w = LogWriter::create(std::move(file), test_header(), opt, 0);
  ASSERT_TRUE(w.is_ok());
  const size_t base = bytes->size();
  const int syncs0 = raw->syncs;
  for (int i = 0; i < 9; ++i) ASSERT_TRUE((*w)->append(Spike{{0, 1}, i, SpikeKind::spike}).is_ok());
  EXPECT_EQ(bytes->size(), base);
  ASSERT_TRUE((*w)->append(Spike{{0, 1}, 9, SpikeKind::spike}).is_ok());
  EXPECT_EQ(bytes->size(), base + 270);
  EXPECT_EQ(raw->syncs, syncs0 + 1);
  ASSERT_TRUE((*w)->append(Spike{{0, 1}, 10, SpikeKind::spike}).is_ok());
  ASSERT_TRUE((*w)->close().is_ok());
  EXPECT_EQ(bytes->size(), base + 297);
  EXPECT_FALSE((*w)->append(Spike{}).is_ok()) << "append after close";
}

TEST(EventLog, IoErrorIsStickyAndCounted) {
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  auto file = std::make_unique<MemoryFile>(bytes);
  MemoryFile* raw = file.get();
  auto w = LogWriter::create(std::move(file), test_header(), {}, 0);
  ASSERT_TRUE(w.is_ok());
  raw->fail = true;
  ASSERT_TRUE((*w)->append(Spike{}).is_ok());  // buffered
  Status s = (*w)->flush();
  EXPECT_EQ(s.code(), Errc::io_error);
  raw->fail = false;
  EXPECT_EQ((*w)->append(Spike{}).code(), Errc::io_error);
  EXPECT_EQ((*w)->stats().failed_records, 2u) << "the buffered record that never reached the file, and the refused one";
}

TEST(EventLog, CreateRefusesANonEmptyFile) {
  auto bytes = std::make_shared<std::vector<uint8_t>>(std::vector<uint8_t>{1, 2, 3});
  auto w = LogWriter::create(std::make_unique<MemoryFile>(bytes), test_header(), {}, 0);
  ASSERT_FALSE(w.is_ok());
  EXPECT_EQ(w.status().code(), Errc::already_exists);
}

TEST(EventLog, ResumeAppendsAfterTheLastGoodRecord) {
  const std::string path = temp_path("resume.ionlog");
  std::filesystem::remove(path);
  Rng rng(21);
  std::vector<Record> first;
  {
    auto o = open_log(path, test_header(), {}, 0);
    ASSERT_TRUE(o.is_ok());
    for (int i = 0; i < 20; ++i) {
      first.push_back(random_record(rng, rng.below(6)));
      ASSERT_TRUE(o->writer->append(first.back()).is_ok());
    }
  }  // destructor flushes
  const uint64_t good = std::filesystem::file_size(path);
  {
    std::ofstream f(path, std::ios::binary | std::ios::app);
    f.write("\x30\x00\x00\x00\x01\x00", 6);  // a torn record prefix
  }
  LogHeader h2 = test_header();
  h2.session_epoch = 8;
  auto o = open_log(path, h2, {}, 500);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_TRUE(o->resumed);
  EXPECT_EQ(o->recovered.state, TailState::torn);
  EXPECT_EQ(o->recovered.dropped_bytes, 6u);
  ASSERT_TRUE(o->writer->append(Spike{{2, 5}, 600, SpikeKind::spike}).is_ok());
  ASSERT_TRUE(o->writer->close().is_ok());
  EXPECT_GT(std::filesystem::file_size(path), good);

  auto r = LogReader::open(path);
  ASSERT_TRUE(r.is_ok());
  auto got = read_all(*r);
  EXPECT_EQ(r->report().state, TailState::clean);
  ASSERT_EQ(got.size(), 1 + first.size() + 3);  // session, first, session, gap note, spike
  for (size_t i = 0; i < first.size(); ++i) EXPECT_TRUE(same_record(got[1 + i], first[i]));
  const auto& resumed = std::get<SessionStart>(got[1 + first.size()]);
  EXPECT_TRUE(resumed.resumed);
  EXPECT_EQ(resumed.epoch, 8u);
  EXPECT_EQ(resumed.local_ns, 500);
  const auto& gap = std::get<Note>(got[2 + first.size()]);
  EXPECT_EQ(gap.kind, NoteKind::gap);
  EXPECT_NE(gap.text.find("dropped 6 bytes"), std::string::npos) << gap.text;
  EXPECT_EQ(std::get<Spike>(got.back()).source.index, 5u);
}

TEST(EventLog, ResumeRefusesAnotherSitesLogAndMiddleCorruption) {
  const std::string path = temp_path("other.ionlog");
  std::filesystem::remove(path);
  {
    auto o = open_log(path, test_header(), {}, 0);
    ASSERT_TRUE(o.is_ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(o->writer->append(Spike{{2, 1}, i, SpikeKind::spike}).is_ok());
  }
  LogHeader other = test_header();
  other.site_name = "bio";
  other.site_id = 0;
  auto o = open_log(path, other, {}, 0);
  ASSERT_FALSE(o.is_ok());
  EXPECT_NE(o.status().message().find("is the log of site 'hub'"), std::string::npos) << o.status().message();

  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  bytes[encode_header(test_header()).size() + 10] ^= 0xFF;  // inside the first record
  write_file(path, bytes);
  auto o2 = open_log(path, test_header(), {}, 0);
  ASSERT_FALSE(o2.is_ok());
  EXPECT_EQ(o2.status().code(), Errc::corrupt);
  EXPECT_EQ(std::filesystem::file_size(path), bytes.size()) << "nothing may be discarded";
}

namespace {
// Removes this process's temporary directories after all tests of the binary ran.
class TempCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    const auto tmp = std::filesystem::temp_directory_path();
    const auto pid = std::to_string(::getpid());
    std::error_code ec;
    std::filesystem::remove_all(tmp / ("ion_record_test_" + pid), ec);
    std::filesystem::remove_all(tmp / ("ion_merge_test_" + pid), ec);
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new TempCleanup);
}  // namespace

TEST(EventLogFormat, PayloadSizesMatchTheDocumentedLayout) {
  const std::vector<std::pair<Record, size_t>> cases = {
      {Spike{}, 15},      {SynapticInput{}, 30}, {Stimulus{}, 28},     {WeightUpdate{}, 21},
      {LinkStats{}, 115}, {ClockSample{}, 32},   {SessionStart{}, 25}, {Note{0, NoteKind::text, "abc"}, 13}};
  for (const auto& [rec, size] : cases) {
    std::vector<uint8_t> payload;
    encode_payload(rec, payload);
    EXPECT_EQ(payload.size(), size) << kind_name(static_cast<uint16_t>(kind_of(rec)));
  }
}

// The arrival time was appended to synaptic_input: a 22-byte payload of an older writer still
// decodes (arrival not known), a 30-byte one keeps it.
TEST(EventLogFormat, SynapticInputArrivalIsOptional) {
  std::vector<uint8_t> payload;
  encode_payload(SynapticInput{{2, 1}, 1, 0.5f, 1000, 1700}, payload);
  ASSERT_EQ(payload.size(), 30u);
  auto full = decode_payload(static_cast<uint16_t>(RecordKind::synaptic_input), payload);
  ASSERT_TRUE(full.is_ok());
  EXPECT_EQ(std::get<SynapticInput>(*full).t, 1000);
  EXPECT_EQ(std::get<SynapticInput>(*full).arrival_ns, 1700);
  payload.resize(22);
  auto old = decode_payload(static_cast<uint16_t>(RecordKind::synaptic_input), payload);
  ASSERT_TRUE(old.is_ok());
  EXPECT_EQ(std::get<SynapticInput>(*old).t, 1000);
  EXPECT_EQ(std::get<SynapticInput>(*old).arrival_ns, kNoArrival);
  payload.resize(21);
  EXPECT_FALSE(decode_payload(static_cast<uint16_t>(RecordKind::synaptic_input), payload).is_ok());
}

TEST(EventLogFormat, GoldenBytesOfASpikeRecordAndAHeader) {
  std::vector<uint8_t> rec;
  frame_record(Spike{{0x0102, 0x03040506}, 0x1122334455667788, SpikeKind::evoked}, rec);
  const std::vector<uint8_t> expect_prefix = {
      15,   0,    0,    0,    1,    0,    0,    0,  // length 15, kind 1, flags 0
      0x02, 0x01, 0x06, 0x05, 0x04, 0x03,           // site, index
      0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 2};
  ASSERT_EQ(rec.size(), 27u);
  EXPECT_TRUE(std::equal(expect_prefix.begin(), expect_prefix.end(), rec.begin()));
  const uint32_t crc = crc32c(std::span<const uint8_t>(rec).first(23));
  EXPECT_EQ(rec[23] | rec[24] << 8 | rec[25] << 16 | static_cast<uint32_t>(rec[26]) << 24, crc);

  const auto h = encode_header(LogHeader{kLogVersion, 3, "ab", 0x0807060504030201, -1});
  const std::vector<uint8_t> expect_header = {'I',  'O',  'N',  'L',  'O',  'G',  '1',  0,    1,   0,  38, 0,
                                              3,    0,    2,    0,    1,    2,    3,    4,    5,   6,  7,  8,
                                              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 'a', 'b'};
  ASSERT_EQ(h.size(), 38u);
  EXPECT_TRUE(std::equal(expect_header.begin(), expect_header.end(), h.begin()));
}
