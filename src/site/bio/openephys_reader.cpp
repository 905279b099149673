// SPDX-License-Identifier: Apache-2.0
// Open Ephys binary reader: finds the recording a path designates (session root, Record Node,
// experiment, recording, structure.oebin or continuous.dat) and opens its continuous stream.
// Layouts read: GUI 0.6.x (sample_numbers.npy) and 0.5.x (timestamps.npy of int64 sample numbers);
// folder naming as neo's explore_folder expects (docs/recording.md "Open Ephys session").
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "site/bio/npy.hpp"
#include "site/bio/openephys.hpp"

namespace ion::bio {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Candidate {
  fs::path dir;  // holds structure.oebin
  int node = -1;
  int experiment = 0;
  int recording = 0;
  std::string label() const {
    return fmt::format("{}experiment{}/recording{}", node >= 0 ? fmt::format("Record Node {}/", node) : "", experiment,
                       recording);
  }
};

// "recording12" with prefix "recording" → 12; -1 when the name is not prefix + a positive integer.
int numbered(const std::string& name, std::string_view prefix) {
  if (!name.starts_with(prefix) || name.size() == prefix.size() || name.size() > prefix.size() + 9) return -1;
  int v = 0;
  for (char c : std::string_view(name).substr(prefix.size())) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? v : -1;
}

Status bad_name(const fs::path& dir, const char* expected) {
  return error(Errc::invalid_argument,
               fmt::format("{}: folder name '{}' is not {} (the Open Ephys GUI names them so; neo and ion parse "
                           "the number)",
                           dir.string(), dir.filename().string(), expected));
}

// Checks the names of the folders above a structure.oebin at `rec`.
Result<Candidate> candidate(const fs::path& rec) {
  Candidate c{rec};
  c.recording = numbered(rec.filename().string(), "recording");
  if (c.recording < 0) return bad_name(rec, "recording<N> (N = 1, 2, ...)");
  const fs::path exp = rec.parent_path();
  c.experiment = numbered(exp.filename().string(), "experiment");
  if (c.experiment < 0) return bad_name(exp, "experiment<N> (N = 1, 2, ...)");
  const std::string node = exp.parent_path().filename().string();
  if (node.starts_with("Record")) {
    c.node = numbered(node, "Record Node ");
    if (c.node < 0) return bad_name(exp.parent_path(), "'Record Node <id>' (id an integer, e.g. 101)");
  }
  return c;
}

// Every structure.oebin at most three folders below `root`, in name order.
Result<std::vector<Candidate>> candidates_under(const fs::path& root) {
  std::vector<Candidate> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() >= 3) it.disable_recursion_pending();
    if (it->path().filename() != "structure.oebin") continue;
    auto c = candidate(it->path().parent_path());
    if (!c) return c.status();
    out.push_back(std::move(*c));
  }
  if (ec) return error(Errc::io_error, fmt::format("{}: cannot list the folder ({})", root.string(), ec.message()));
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.node, a.experiment, a.recording) < std::tie(b.node, b.experiment, b.recording);
  });
  return out;
}

std::string listing(const std::vector<Candidate>& cs) {
  std::string out;
  for (const auto& c : cs) out += (out.empty() ? "" : ", ") + c.label();
  return out;
}

Result<std::string> choose(const fs::path& root, const std::vector<Candidate>& all, const OeSelect& sel) {
  if (all.empty())
    return error(Errc::not_found, fmt::format("{}: no structure.oebin found (expected an Open Ephys session: "
                                              "<session>/Record Node <id>/experiment<N>/recording<M>/structure.oebin)",
                                              root.string()));
  std::vector<Candidate> left;
  for (const auto& c : all)
    if ((sel.experiment == 0 || c.experiment == sel.experiment) && (sel.recording == 0 || c.recording == sel.recording))
      left.push_back(c);
  if (left.empty())
    return error(Errc::not_found,
                 fmt::format("{}: no {}{} (the session holds {})", root.string(),
                             sel.experiment ? fmt::format("experiment{}/", sel.experiment) : "",
                             sel.recording ? fmt::format("recording{}", sel.recording) : "", listing(all)));
  if (left.size() > 1)
    return error(Errc::invalid_argument,
                 fmt::format("{}: holds {} recordings ({}); choose one with --experiment N / --recording N "
                             "(experiment keys source.experiment / source.recording) or give its folder",
                             root.string(), left.size(), listing(left)));
  return left.front().dir.string();
}

Status field_error(const std::string& oebin, const std::string& where, const char* key, const char* expected) {
  return error(Errc::invalid_argument,
               fmt::format("{}: {} has no valid \"{}\" (expected {})", oebin, where, key, expected));
}

Result<json> load_oebin(const std::string& oebin) {
  std::ifstream in(oebin);
  if (!in)
    return error(Errc::not_found, fmt::format("{}: cannot open (expected an Open Ephys structure.oebin)", oebin));
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return error(Errc::invalid_argument,
                 fmt::format("{}: not valid JSON (expected an Open Ephys structure.oebin object)", oebin));
  if (!j.contains("continuous") || !j["continuous"].is_array() || j["continuous"].empty())
    return field_error(oebin, "the top level", "continuous", "a non-empty array of streams");
  return j;
}

Status check_stream_fields(const std::string& oebin, const std::string& where, const json& s) {
  if (!s.is_object()) return field_error(oebin, where, "(object)", "an object");
  if (!s.contains("folder_name") || !s["folder_name"].is_string())
    return field_error(oebin, where, "folder_name", "a string");
  const fs::path folder(s["folder_name"].get<std::string>());
  if (folder.is_absolute() || std::any_of(folder.begin(), folder.end(), [](const fs::path& p) { return p == ".."; }))
    return field_error(oebin, where, "folder_name", "a folder inside continuous/ (no '..', not absolute)");
  if (!s.contains("sample_rate") || !s["sample_rate"].is_number() || !(s["sample_rate"].get<double>() > 0))
    return field_error(oebin, where, "sample_rate", "a positive number, e.g. 30000.0");
  if (!s.contains("num_channels") || !s["num_channels"].is_number_integer() || s["num_channels"].get<int64_t>() <= 0 ||
      s["num_channels"].get<int64_t>() > 65536)
    return field_error(oebin, where, "num_channels", "an integer 1..65536");
  if (!s.contains("channels") || !s["channels"].is_array()) return field_error(oebin, where, "channels", "an array");
  if (s["channels"].size() != s["num_channels"].get<uint32_t>())
    return error(Errc::invalid_argument,
                 fmt::format("{}: {} channel count mismatch: num_channels = {} but the channels array lists {}", oebin,
                             where, s["num_channels"].get<uint32_t>(), s["channels"].size()));
  return Status::ok();
}

Status read_gains(const std::string& oebin, const std::string& where, const json& chans, SignalInfo& info) {
  for (size_t c = 0; c < chans.size(); ++c) {
    const auto& ch = chans[c];
    if (!ch.is_object() || !ch.contains("bit_volts") || !ch["bit_volts"].is_number() ||
        !(ch["bit_volts"].get<double>() > 0))
      return field_error(oebin, fmt::format("{}.channels[{}]", where, c), "bit_volts",
                         "a positive number (µV per bit)");
    double scale = 1e-6;  // Open Ephys data channels are in µV ("units" "uV" or "", as GUI 0.6.7 writes)
    if (ch.contains("units") && ch["units"].is_string()) {
      const auto u = ch["units"].get<std::string>();
      if (u == "mV") scale = 1e-3;
      else if (u == "V") scale = 1.0;
    }
    info.gain_v.push_back(static_cast<float>(ch["bit_volts"].get<double>() * scale));
  }
  return Status::ok();
}

// Parses stream `stream` of structure.oebin into info + data folder name.
Status parse_oebin(const std::string& oebin, size_t stream, SignalInfo& info, std::string& folder) {
  auto j = load_oebin(oebin);
  ION_TRY(j.status());
  const auto& streams = (*j)["continuous"];
  if (stream >= streams.size())
    return error(Errc::out_of_range,
                 fmt::format("{}: stream {} requested, file has {}", oebin, stream, streams.size()));
  const auto& s = streams[stream];
  const std::string where = fmt::format("continuous[{}]", stream);
  ION_TRY(check_stream_fields(oebin, where, s));
  info.channels = s["num_channels"].get<uint32_t>();
  info.sample_rate_hz = s["sample_rate"].get<double>();
  ION_TRY(read_gains(oebin, where, s["channels"], info));
  folder = s["folder_name"].get<std::string>();
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  info.description = fmt::format("Open Ephys {} ({} '{}')", oebin, where, folder);
  return Status::ok();
}

// GUI 0.6: sample_numbers.npy (int64, one per row); GUI 0.5: timestamps.npy held those int64s.
Status check_sample_numbers(const fs::path& stream_dir, int64_t rows) {
  const fs::path sn = stream_dir / "sample_numbers.npy", ts = stream_dir / "timestamps.npy";
  std::error_code ec;
  if (fs::exists(sn, ec)) return read_npy_header(sn.string(), NpyType::i8, rows).status();
  if (fs::exists(ts, ec) && read_npy_header(ts.string(), NpyType::i8, rows)) return Status::ok();
  return error(Errc::not_found,
               fmt::format("{}: missing (expected one int64 sample number per row of continuous.dat, {} rows; "
                           "GUI 0.5 sessions have them in timestamps.npy instead)",
                           sn.string(), rows));
}
}  // namespace

Result<std::string> find_oe_recording(const std::string& path, const OeSelect& sel) {
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_directory(p, ec)) {
    if (fs::exists(p / "structure.oebin", ec)) return p.string();
    auto all = candidates_under(p);
    if (!all) return all.status();
    return choose(p, *all, sel);
  }
  if (p.extension() == ".oebin") return p.parent_path().string();
  if (p.filename() == "continuous.dat") return p.parent_path().parent_path().parent_path().string();
  if (!fs::exists(p, ec)) return error(Errc::not_found, fmt::format("{}: no such file or directory", path));
  return error(Errc::invalid_argument,
               fmt::format("{}: not an Open Ephys recording (expected a session folder, a structure.oebin or a "
                           "continuous.dat)",
                           path));
}

Result<std::unique_ptr<SignalSource>> open_openephys(const std::string& path, const OeSelect& sel, size_t stream) {
  auto rec = find_oe_recording(path, sel);
  if (!rec) return rec.status();
  const fs::path dir(*rec);
  SignalInfo info;
  std::string folder;
  ION_TRY(parse_oebin((dir / "structure.oebin").string(), stream, info, folder));
  const fs::path stream_dir = dir / "continuous" / folder;
  auto src = open_int16_frames((stream_dir / "continuous.dat").string(), std::move(info));
  if (!src) return src;
  ION_TRY(check_sample_numbers(stream_dir, (*src)->info().total_rows));
  return src;
}

}  // namespace ion::bio
