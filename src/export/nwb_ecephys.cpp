// SPDX-License-Identifier: Apache-2.0
// Electrodes, ElectrodeGroup, Device and the raw ElectricalSeries of recorded bio signals
// (nwb_ecephys.hpp; schema: NWB core 2.7.0 nwb.ecephys.yaml, nwb.file.yaml general/extracellular_ephys).
#include "export/nwb_ecephys.hpp"

#include <filesystem>

#include "export/nwb_hdmf.hpp"
#include "site/bio/openephys.hpp"

namespace ion::nwb {
namespace h5 = record::h5;
namespace {

constexpr const char* kElectrodes = "/general/extracellular_ephys/electrodes";

struct SiteSignal {
  std::string site, source;  // site name, what it recorded (culture emulator / replayed recording)
  bio::SignalInfo info;
  std::vector<int16_t> rows;  // [row][channel]
};

Result<SiteSignal> read_session(const std::string& path, const experiment::Site& site) {
  auto src = bio::open_openephys(path);
  if (!src) return src.status().prefixed("the signal session of site " + site.name + ": ");
  SiteSignal s{site.name, "", (*src)->info(), {}};
  const bool culture = site.source && site.source->kind == experiment::SourceKind::culture;
  s.source = culture ? "the culture emulator" : "a replayed recording";
  s.rows.resize(static_cast<size_t>(s.info.total_rows) * s.info.channels);
  ION_TRY_ASSIGN(auto got, (*src)->read(s.rows));
  if (static_cast<int64_t>(got) != s.info.total_rows)
    return error(Errc::corrupt,
                 path + ": read " + std::to_string(got) + " of " + std::to_string(s.info.total_rows) + " rows");
  return s;
}

// The sessions of the bio sites that recorded their signal, in site order.
Result<std::vector<SiteSignal>> signals(const Context& c, const std::string& run_dir) {
  std::vector<SiteSignal> out;
  if (run_dir.empty()) return out;
  for (const auto& site : c.e.sites) {
    const std::string path = run_dir + "/" + site.name + ".openephys";
    if (site.role != experiment::Role::bio || !std::filesystem::exists(path)) continue;
    ION_TRY_ASSIGN(auto s, read_session(path, site));
    out.push_back(std::move(s));
  }
  return out;
}

Status device_and_group(const Builder& b, hid_t devices, hid_t ephys, const SiteSignal& s) {
  ION_TRY_ASSIGN(auto dev, b.typed_group(devices, s.site, "Device", kCore));
  ION_TRY(h5::attr_string(dev.get(), "description",
                          "multi-electrode array of bio site " + s.site + " (" + std::to_string(s.info.channels) +
                              " electrodes), signal from " + s.source));
  ION_TRY_ASSIGN(auto g, b.typed_group(ephys, s.site, "ElectrodeGroup", kCore));
  ION_TRY(h5::attr_string(g.get(), "description", "the electrodes of bio site " + s.site));
  ION_TRY(h5::attr_string(g.get(), "location", "in vitro culture on the MEA of site " + s.site));
  if (H5Lcreate_soft(("/general/devices/" + s.site).c_str(), g.get(), "device", H5P_DEFAULT, H5P_DEFAULT) < 0)
    return h5::error_status("link the electrode group of " + s.site + " to its device");
  return Status::ok();
}

// One row per (site, channel), sites in order; `group` references each row's ElectrodeGroup.
Status electrodes_table(const Builder& b, hid_t ephys, const std::vector<SiteSignal>& sigs) {
  std::vector<std::string> location, group_name, channel, groups;
  for (const auto& s : sigs)
    for (uint32_t ch = 0; ch < s.info.channels; ++ch) {
      location.push_back("MEA electrode " + std::to_string(ch) + " of site " + s.site);
      group_name.push_back(s.site);
      groups.push_back("/general/extracellular_ephys/" + s.site);
      channel.push_back("CH" + std::to_string(ch + 1));
    }
  ION_TRY_ASSIGN(auto g, b.typed_group(ephys, "electrodes", "DynamicTable", kCommon));
  Table t(b, g.get(), location.size());
  ION_TRY(t.text_column("location", "the location of channel within the subject e.g. brain region", location));
  ION_TRY(t.reference_column("group", "a reference to the ElectrodeGroup this electrode is a part of", groups));
  ION_TRY(t.text_column("group_name", "the name of the ElectrodeGroup this electrode is a part of", group_name));
  ION_TRY(t.text_column("channel_name", "the channel's name in the Open Ephys session (structure.oebin)", channel));
  return t.finish("metadata about extracellular electrodes");
}

Status samples(hid_t series, const SiteSignal& s) {
  const hsize_t dims[2] = {static_cast<hsize_t>(s.info.total_rows), s.info.channels};
  Id space(H5Screate_simple(2, dims, nullptr));
  Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_obj_track_times(dcpl.get(), false);  // the same logs and sessions give the same bytes
  Id ds(H5Dcreate2(series, "data", H5T_STD_I16LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
  if (!ds.ok() ||
      (!s.rows.empty() && H5Dwrite(ds.get(), H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.rows.data()) < 0))
    return h5::error_status("write the samples of site " + s.site);
  const float volts = s.info.gain_v.empty() ? 1.0f : s.info.gain_v.front();
  ION_TRY(h5::attr_string(ds.get(), "unit", "volts"));
  ION_TRY(h5::attr<float>(ds.get(), "conversion", volts));
  ION_TRY(h5::attr<float>(ds.get(), "offset", 0.0f));
  return h5::attr<float>(ds.get(), "resolution", volts);
}

// starting_time: the session's sample 0 is experiment time 0 (site/bio/signal_recorder.hpp).
Status starting_time(hid_t series, double rate_hz) {
  Id space(H5Screate(H5S_SCALAR));
  Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_obj_track_times(dcpl.get(), false);
  Id ds(H5Dcreate2(series, "starting_time", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
  const double zero = 0;
  if (!ds.ok() || H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &zero) < 0)
    return h5::error_status("write starting_time");
  ION_TRY(h5::attr<float>(ds.get(), "rate", static_cast<float>(rate_hz)));
  return h5::attr_string(ds.get(), "unit", "seconds");
}

Status electrical_series(const Builder& b, hid_t acquisition, const SiteSignal& s, int64_t first_row) {
  ION_TRY_ASSIGN(auto g, b.typed_group(acquisition, "ElectricalSeries_" + s.site, "ElectricalSeries", kCore));
  ION_TRY(h5::attr_string(g.get(), "description",
                          "raw MEA signal of bio site " + s.site + " from " + s.source +
                              ", as the site processed it ([recording] signal = true)"));
  ION_TRY(h5::attr_string(g.get(), "comments", "the same samples as " + s.site + ".openephys in the run directory"));
  ION_TRY(h5::attr_string(g.get(), "filtering", "none (raw samples, before the site's detection filter)"));
  ION_TRY(samples(g.get(), s));
  ION_TRY(starting_time(g.get(), s.info.sample_rate_hz));
  std::vector<int64_t> rows(s.info.channels);
  for (uint32_t ch = 0; ch < s.info.channels; ++ch) rows[ch] = first_row + ch;
  ION_TRY(b.numbers(g.get(), "electrodes", rows));
  ION_TRY_ASSIGN(auto region, b.open(g.get(), "electrodes"));
  ION_TRY(b.mark(region.get(), "DynamicTableRegion", kCommon));
  ION_TRY(h5::attr_string(region.get(), "description", "the electrodes of site " + s.site + ", one per channel"));
  return reference_attr(region.get(), "table", g.get(), kElectrodes);
}

}  // namespace

Status write_ecephys(hid_t file, const Context& c, const std::string& run_dir) {
  ION_TRY_ASSIGN(auto sigs, signals(c, run_dir));
  if (sigs.empty()) return Status::ok();
  ION_TRY_ASSIGN(auto general, c.b.open(file, "general"));
  ION_TRY_ASSIGN(auto devices, c.b.group(general.get(), "devices"));
  ION_TRY_ASSIGN(auto ephys, c.b.group(general.get(), "extracellular_ephys"));
  for (const auto& s : sigs) ION_TRY(device_and_group(c.b, devices.get(), ephys.get(), s));
  ION_TRY(electrodes_table(c.b, ephys.get(), sigs));
  ION_TRY_ASSIGN(auto acquisition, c.b.open(file, "acquisition"));
  int64_t first_row = 0;
  for (const auto& s : sigs) {
    ION_TRY(electrical_series(c.b, acquisition.get(), s, first_row));
    first_row += s.info.channels;
  }
  return Status::ok();
}

}  // namespace ion::nwb
