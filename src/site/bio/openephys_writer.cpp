// SPDX-License-Identifier: Apache-2.0
// Open Ephys binary writer (GUI 0.6.7 layout; docs/recording.md "Open Ephys session").
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "site/bio/npy.hpp"
#include "site/bio/openephys.hpp"

namespace ion::bio {

using nlohmann::json;

namespace {
std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string underscored(std::string s) {
  std::replace(s.begin(), s.end(), ' ', '_');
  return s;
}

// Writes a 1-D NPY of `count` items produced block by block by `fill(first, out)` (through a
// temporary file renamed into place), so long recordings never hold a whole column in memory.
template <typename T, typename Fill>
Status write_npy_column(Storage& st, const std::string& path, NpyType type, int64_t count, Fill fill) {
  const std::string tmp = path + ".tmp";
  ION_TRY(st.remove(tmp));
  auto f = st.open_append(tmp, AppendOptions{.exclusive = true});
  if (!f) return f.status();
  Status s = (*f)->append(as_bytes(npy_header(type, static_cast<uint64_t>(count))));
  std::vector<T> block(65536);
  for (int64_t first = 0; s && first < count; first += static_cast<int64_t>(block.size())) {
    const auto n = static_cast<size_t>(std::min<int64_t>(count - first, static_cast<int64_t>(block.size())));
    for (size_t i = 0; i < n; ++i) block[i] = fill(first + static_cast<int64_t>(i));
    s = (*f)->append({reinterpret_cast<const uint8_t*>(block.data()), n * sizeof(T)});
  }
  if (s) s = (*f)->sync();
  if (s) s = st.rename(tmp, path);
  if (!s) return with_cleanup(s, st.remove(tmp));  // the partial copy goes; a failure to remove it is said too
  return st.sync_dir(parent_dir(path));
}

template <typename T>
Status write_npy(Storage& st, const std::string& path, NpyType type, const std::vector<T>& v) {
  return st.write_file_atomic(path, as_bytes(npy_file(type, v.data(), v.size())));
}

json channels_json(const OeStreamSpec& s) {
  json chans = json::array();
  for (uint32_t c = 0; c < s.channels; ++c)
    chans.push_back({{"channel_name", fmt::format("CH{}", c + 1)},
                     {"description", "extracellular electrode"},
                     {"identifier", "genericdata.continuous"},
                     {"history", fmt::format("{} -> Record Node", s.processor)},
                     {"bit_volts", s.bit_volts_uv},
                     {"units", "uV"},
                     {"source_processor_index", c},
                     {"recorded_processor_index", c}});
  return chans;
}

json oebin_json(const OeStreamSpec& s, const std::string& folder) {
  json cont = {{"folder_name", folder + "/"},
               {"sample_rate", s.sample_rate_hz},
               {"source_processor_name", s.processor},
               {"source_processor_id", s.processor_id},
               {"stream_name", s.stream},
               {"recorded_processor", "Record Node"},
               {"recorded_processor_id", s.record_node_id},
               {"num_channels", s.channels},
               {"channels", channels_json(s)}};
  json ttl = {{"folder_name", folder + "/TTL/"},
              {"channel_name", "Stimulation TTL"},
              {"description", "Stimulus onsets (rising) and offsets (falling), line = electrode + 1"},
              {"identifier", "ion.stimulation.ttl"},
              {"sample_rate", s.sample_rate_hz},
              {"type", "int16"},
              {"source_processor", s.processor},
              {"stream_name", s.stream},
              {"initial_state", 0}};
  return {{"GUI version", kOeGuiVersion},
          {"continuous", json::array({cont})},
          {"events", json::array({ttl})},
          {"spikes", json::array()}};
}
}  // namespace

std::string OpenEphysWriter::folder_name(const OeStreamSpec& s) {
  return fmt::format("{}-{}.{}", underscored(s.processor), s.processor_id, underscored(s.stream));
}

std::string OpenEphysWriter::recording_dir(const std::string& session, const OeStreamSpec& s) {
  return fmt::format("{}/Record Node {}/experiment{}/recording{}", session, s.record_node_id, s.experiment,
                     s.recording);
}

std::string OpenEphysWriter::data_path() const {
  return fmt::format("{}/continuous/{}/continuous.dat", rec_dir_, folder_name(spec_));
}

Result<OpenEphysWriter> OpenEphysWriter::create(Storage& st, const std::string& session, const OeStreamSpec& spec) {
  if (spec.channels == 0 || spec.channels > 65536 || !(spec.sample_rate_hz > 0) || !(spec.bit_volts_uv > 0))
    return error(Errc::invalid_argument,
                 fmt::format("{}: an Open Ephys stream needs 1..65536 channels, a positive sample rate and "
                             "bit_volts (got {}, {} Hz, {} µV)",
                             session, spec.channels, spec.sample_rate_hz, spec.bit_volts_uv));
  OpenEphysWriter w;
  w.storage_ = &st;
  w.session_ = session;
  w.spec_ = spec;
  w.rec_dir_ = recording_dir(session, spec);
  ION_TRY(st.make_dirs(fmt::format("{}/events/{}/TTL", w.rec_dir_, folder_name(spec))));
  auto dat = st.open_append(w.data_path());
  if (!dat) return dat.status();
  ION_TRY((*dat)->truncate(0));
  w.dat_ = std::move(*dat);
  return w;
}

Status OpenEphysWriter::write(std::span<const int16_t> rows) {
  if (!dat_) return error(Errc::invalid_argument, "Open Ephys writer is closed");
  if (rows.size() % spec_.channels != 0)
    return error(Errc::invalid_argument, fmt::format("{}: block of {} samples is not whole {}-channel rows",
                                                     data_path(), rows.size(), spec_.channels));
  if (Status s = dat_->append({reinterpret_cast<const uint8_t*>(rows.data()), rows.size_bytes()}); !s) {
    const auto whole = static_cast<uint64_t>(rows_) * spec_.channels * sizeof(int16_t);
    return with_cleanup(s, dat_->truncate(whole));  // a torn block must not be read as data
  }
  rows_ += static_cast<int64_t>(rows.size() / spec_.channels);
  return Status::ok();
}

Status OpenEphysWriter::ttl(int64_t sample, int line, bool high) {
  if (line < 1 || line > 64) return error(Errc::invalid_argument, fmt::format("TTL line {} (expected 1..64)", line));
  if (sample < 0 || (!ttl_samples_.empty() && sample < ttl_samples_.back()))
    return error(Errc::invalid_argument, fmt::format("TTL edge at sample {} goes back in time (last at {})", sample,
                                                     ttl_samples_.empty() ? 0 : ttl_samples_.back()));
  const uint64_t bit = uint64_t{1} << (line - 1);
  word_ = high ? (word_ | bit) : (word_ & ~bit);
  states_.push_back(static_cast<int16_t>(high ? line : -line));
  ttl_samples_.push_back(sample);
  full_words_.push_back(word_);
  return Status::ok();
}

Status OpenEphysWriter::write_continuous_npys() {
  const std::string dir = fmt::format("{}/continuous/{}", rec_dir_, folder_name(spec_));
  ION_TRY(write_npy_column<int64_t>(*storage_, dir + "/sample_numbers.npy", NpyType::i8, rows_,
                                    [](int64_t i) { return i; }));
  const double rate = spec_.sample_rate_hz;
  return write_npy_column<double>(*storage_, dir + "/timestamps.npy", NpyType::f8, rows_,
                                  [rate](int64_t i) { return static_cast<double>(i) / rate; });
}

Status OpenEphysWriter::write_events() {
  const std::string dir = fmt::format("{}/events/{}/TTL", rec_dir_, folder_name(spec_));
  std::vector<double> seconds(ttl_samples_.size());
  for (size_t i = 0; i < seconds.size(); ++i) seconds[i] = static_cast<double>(ttl_samples_[i]) / spec_.sample_rate_hz;
  ION_TRY(write_npy(*storage_, dir + "/states.npy", NpyType::i2, states_));
  ION_TRY(write_npy(*storage_, dir + "/sample_numbers.npy", NpyType::i8, ttl_samples_));
  ION_TRY(write_npy(*storage_, dir + "/timestamps.npy", NpyType::f8, seconds));
  return write_npy(*storage_, dir + "/full_words.npy", NpyType::u8, full_words_);
}

Status OpenEphysWriter::write_metadata() {
  const std::string sync = fmt::format(
      "Software Time (milliseconds since midnight Jan 1st 1970 UTC): {}\n"
      "Start Time for {} ({}) - {} @ {} Hz: 0\n",
      spec_.start_wall_ms, spec_.processor, spec_.processor_id, spec_.stream, std::lround(spec_.sample_rate_hz));
  ION_TRY(storage_->write_file_atomic(rec_dir_ + "/sync_messages.txt", as_bytes(sync)));
  const std::string node = fmt::format("{}/Record Node {}", session_, spec_.record_node_id);
  const std::string settings = spec_.experiment == 1 ? "/settings.xml"
                                                     : fmt::format("/settings_{}.xml", spec_.experiment);
  ION_TRY(storage_->write_file_atomic(node + settings, as_bytes(oe_settings_xml(spec_))));
  // structure.oebin last: a session is readable only once everything it lists exists.
  const std::string oebin = oebin_json(spec_, folder_name(spec_)).dump(2) + "\n";
  return storage_->write_file_atomic(rec_dir_ + "/structure.oebin", as_bytes(oebin));
}

Status OpenEphysWriter::close() {
  if (!dat_) return Status::ok();
  auto dat = std::move(dat_);
  ION_TRY(dat->sync());
  dat.reset();
  ION_TRY(write_continuous_npys());
  ION_TRY(write_events());
  return write_metadata();
}

}  // namespace ion::bio
