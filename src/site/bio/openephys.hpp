// SPDX-License-Identifier: Apache-2.0
#pragma once
// Open Ephys binary sessions (GUI 0.6 layout, docs/recording.md "Open Ephys session"):
//   <session>/Record Node 101/settings.xml
//   <session>/Record Node 101/experiment<E>/recording<R>/structure.oebin, sync_messages.txt
//     continuous/<proc>-100.<stream>/{continuous.dat, sample_numbers.npy, timestamps.npy}
//     events/<proc>-100.<stream>/TTL/{states, sample_numbers, timestamps, full_words}.npy
// The writer goes through the Storage facet; the reader accepts any level of that tree.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "env/storage.hpp"
#include "site/bio/sources.hpp"

namespace ion::bio {

inline constexpr const char* kOeGuiVersion = "0.6.7";  // the GUI version whose layout we write

struct OeStreamSpec {
  uint32_t channels = 0;
  double sample_rate_hz = 0;
  double bit_volts_uv = 0;                // µV per int16 unit, every channel
  std::string processor = "ion culture";  // source processor (folder: spaces → '_')
  std::string stream = "mea";
  int processor_id = 100;
  int record_node_id = 101;
  int experiment = 1;
  int recording = 1;
  int64_t start_wall_ms = 0;  // software time of the first sample (sync_messages.txt); 0 in simulation
};

class OpenEphysWriter {
 public:
  // Creates the folders and opens continuous.dat (an existing one is truncated).
  static Result<OpenEphysWriter> create(Storage& storage, const std::string& session, const OeStreamSpec& spec);
  OpenEphysWriter(OpenEphysWriter&&) noexcept = default;
  OpenEphysWriter& operator=(OpenEphysWriter&&) noexcept = default;
  ~OpenEphysWriter() = default;
  // Appends whole rows. A failed append cuts the data file back to the rows written before it,
  // so close() still gives a readable session of rows() rows.
  Status write(std::span<const int16_t> rows);
  int64_t rows() const { return rows_; }
  // A TTL edge on `line` (1..64) at sample `sample` (rising when `high`). Samples must not go back.
  Status ttl(int64_t sample, int line, bool high);
  // Syncs continuous.dat and writes the .npy files, structure.oebin, settings.xml and
  // sync_messages.txt (each atomically). The session is complete only after close().
  Status close();

  const std::string& recording_dir() const { return rec_dir_; }
  std::string data_path() const;
  // "<session>/Record Node <id>/experiment<E>/recording<R>"
  static std::string recording_dir(const std::string& session, const OeStreamSpec& spec);
  static std::string folder_name(const OeStreamSpec& spec);  // "<proc>-<id>.<stream>"

 private:
  OpenEphysWriter() = default;
  Status write_continuous_npys();
  Status write_events();
  Status write_metadata();

  Storage* storage_ = nullptr;
  std::string session_, rec_dir_;
  OeStreamSpec spec_;
  std::unique_ptr<OutputFile> dat_;
  int64_t rows_ = 0;
  uint64_t word_ = 0;  // current state of the 64 TTL lines
  std::vector<int16_t> states_;
  std::vector<int64_t> ttl_samples_;
  std::vector<uint64_t> full_words_;
};

// settings.xml of a session written by OpenEphysWriter (oe_settings_xml.cpp).
std::string oe_settings_xml(const OeStreamSpec& spec);

// Which experiment / recording to read when a session holds several (0: the only one).
struct OeSelect {
  int experiment = 0;
  int recording = 0;
};

// The recording folder (the one holding structure.oebin) that `path` designates: a session root,
// a Record Node, an experiment or recording folder, a structure.oebin or a continuous.dat.
Result<std::string> find_oe_recording(const std::string& path, const OeSelect& sel = {});

// Opens continuous stream `stream` of the recording `path` designates (see find_oe_recording).
Result<std::unique_ptr<SignalSource>> open_openephys(const std::string& path, const OeSelect& sel = {},
                                                     size_t stream = 0);

}  // namespace ion::bio
