// SPDX-License-Identifier: Apache-2.0
// The NWB export (export/nwb_export.hpp) on a hand-made recording of the built-in experiment:
// every typed object carries neurodata_type, namespace and a UUID-shaped, unique object_id; units
// are ragged with neurons that never spiked kept as empty rows; the same recording gives the same
// bytes; a full or failing disk leaves neither the file nor its temporary copy.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "../common/test_files.hpp"
#include "env/sim_storage.hpp"
#include "experiment/builtin.hpp"
#include "experiment/load.hpp"
#include "export/nwb_export.hpp"
#include "report/describe.hpp"

using namespace ion;

namespace {

std::string test_dir(const std::string& name) { return ion::testing::fresh_test_dir("test-out/export_nwb", name); }

experiment::Experiment builtin() {
  auto e = experiment::builtin_experiment();
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  return std::move(e).value();
}

// Spikes only for the LAST described neuron (the others stay at 0 spikes), one weight trace,
// two stimuli and one link record.
record::MergedRecording recording(const experiment::Experiment& e, int spikes = 5) {
  record::MergedRecording m;
  m.seed = "1";
  m.experiment_file = e.source_text;
  const auto d = report::describe_recording(e);
  const auto& last = d.neurons.back();
  for (int i = 0; i < spikes; ++i) m.spikes.push_back({Time(i) * 1'000'000'007, last.site, last.index, 0, last.site});
  const uint32_t syn = d.synapses.front().id;
  m.synapses[syn] = {{100, 1e4f, 0.5f, 1, 0}, {200, 2e4f, 0.25f, -1, 0}};
  m.stimuli.push_back({50, 0, 3, 1.0f, 2e-4f, 1e-9f, syn, 0, 1});
  m.stimuli.push_back({90, 0, 4, 1.0f, 2e-4f, 1e-9f, syn, 2, 1});
  LinkStats l;
  l.t = 10;
  l.sent = 3;
  m.links[{0, 1}] = {l};
  return m;
}

nwb::NwbOptions options() {
  nwb::NwbOptions o;
  o.runner_start_wall_ns = 1'700'000'000'000'000'000;
  o.file_create_wall_ns = 1'700'000'100'000'000'000;
  return o;
}

std::string written(const std::string& dir, const record::MergedRecording& m, const experiment::Experiment& e) {
  const std::string path = dir + "/out.nwb";
  const Status s = nwb::write_nwb(m, e, path, options());
  EXPECT_TRUE(s.is_ok()) << s.message();
  return path;
}

std::string attr_text(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return "";
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  hid_t t = H5Aget_type(a);
  std::string out;
  if (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0) {
    char* p = nullptr;
    hid_t mem = H5Tget_native_type(t, H5T_DIR_ASCEND);
    if (H5Aread(a, mem, &p) >= 0 && p) out = p;
    H5free_memory(p);
    H5Tclose(mem);
  }
  H5Tclose(t);
  H5Aclose(a);
  return out;
}

struct Typed {
  std::string path, type, ns, id;
};

herr_t collect(hid_t root, const char* name, const H5O_info_t*, void* out) {
  hid_t o = H5Oopen(root, name, H5P_DEFAULT);
  static_cast<std::vector<Typed>*>(out)->push_back(
      {name, attr_text(o, "neurodata_type"), attr_text(o, "namespace"), attr_text(o, "object_id")});
  H5Oclose(o);
  return 0;
}

std::vector<Typed> objects_of(const std::string& path) {
  std::vector<Typed> out;
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0) << path;
  H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, collect, &out, H5O_INFO_BASIC);
  H5Fclose(f);
  return out;
}

bool uuid4_shaped(const std::string& s) {
  if (s.size() != 36 || s[14] != '4' || std::string("89ab").find(s[19]) == std::string::npos) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-') || (!dash && !std::isxdigit(static_cast<unsigned char>(s[i])))) return false;
  }
  return true;
}

// A scalar or one-element text dataset ("" when missing).
std::string read_text(const std::string& file, const std::string& path) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  std::string out;
  if (H5Lexists(f, path.c_str(), H5P_DEFAULT) > 0) {
    hid_t d = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
    hid_t t = H5Dget_type(d);
    char* p = nullptr;
    if (H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) >= 0 && p) out = p;
    H5free_memory(p);
    H5Tclose(t);
    H5Dclose(d);
  }
  H5Fclose(f);
  return out;
}

template <class T>
std::vector<T> read_vector(const std::string& file, const std::string& path, hid_t mem) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  hid_t s = H5Dget_space(d);
  std::vector<T> v(static_cast<size_t>(H5Sget_simple_extent_npoints(s)));
  if (!v.empty()) H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(s);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

}  // namespace

TEST(NwbExport, EveryTypedObjectHasTypeNamespaceAndAUniqueUuidShapedId) {
  const auto e = builtin();
  const auto objects = objects_of(written(test_dir("typed"), recording(e), e));
  std::set<std::string> ids, typed;
  for (const auto& o : objects) {
    if (o.type.empty() && o.ns.empty() && o.id.empty()) continue;
    SCOPED_TRACE(o.path);
    EXPECT_FALSE(o.type.empty());
    EXPECT_TRUE(o.ns == "core" || o.ns == "hdmf-common") << o.ns;
    EXPECT_TRUE(uuid4_shaped(o.id)) << o.id;
    EXPECT_TRUE(ids.insert(o.id).second) << "duplicate object_id " << o.id;
    typed.insert(o.path + "=" + o.type);
  }
  for (const char* want :
       {"units=Units", "units/spike_times=VectorData", "units/spike_times_index=VectorIndex",
        "units/id=ElementIdentifiers", "processing/plasticity=ProcessingModule",
        "processing/plasticity/synapses=DynamicTable", "processing/plasticity/synapses/pre_unit=DynamicTableRegion",
        "stimulus/presentation/stimulation=TimeSeries", "stimulus/presentation/stimulation_pulses=IntervalSeries",
        "processing/network/link_stats=DynamicTable"})
    EXPECT_TRUE(typed.count(want)) << want;
  // Every dataset of a table is typed (the validator rejects an untyped column).
  for (const auto& o : objects) {
    if (o.path.rfind("units/", 0) == 0 || o.path.rfind("processing/plasticity/synapses/", 0) == 0) {
      EXPECT_FALSE(o.type.empty()) << o.path;
    }
  }
}

TEST(NwbExport, UnitsAreRaggedAndKeepNeuronsThatNeverSpiked) {
  const auto e = builtin();
  const auto m = recording(e, 5);
  const std::string path = written(test_dir("ragged"), m, e);
  const auto ends = read_vector<uint64_t>(path, "/units/spike_times_index", H5T_NATIVE_UINT64);
  const auto times = read_vector<double>(path, "/units/spike_times", H5T_NATIVE_DOUBLE);
  const auto ids = read_vector<int64_t>(path, "/units/id", H5T_NATIVE_INT64);
  ASSERT_EQ(ends.size(), e.neurons.size()) << "one row per neuron, spiking or not";
  ASSERT_EQ(ids.size(), ends.size());
  for (size_t i = 0; i + 1 < ends.size(); ++i) EXPECT_EQ(ends[i], 0u) << "row " << i << " never spiked";
  EXPECT_EQ(ends.back(), 5u);
  ASSERT_EQ(times.size(), m.spikes.size());
  for (size_t i = 0; i < times.size(); ++i) EXPECT_EQ(std::llround(times[i] * 1e9), m.spikes[i].t);
}

TEST(NwbExport, TheSameLogsGiveTheSameBytesAndOtherLogsOtherIds) {
  const auto e = builtin();
  auto a = nwb::build_nwb(recording(e), e, options());
  auto b = nwb::build_nwb(recording(e), e, options());
  auto c = nwb::build_nwb(recording(e, 6), e, options());
  ASSERT_TRUE(a.is_ok() && b.is_ok() && c.is_ok());
  EXPECT_TRUE(*a == *b) << "two exports of the same recording differ";
  const std::string dir = test_dir("ids");
  const std::string pa = written(dir, recording(e), e), pc = dir + "/other.nwb";
  ASSERT_TRUE(nwb::write_nwb(recording(e, 6), e, pc, options()).is_ok());
  const auto oa = objects_of(pa), oc = objects_of(pc);
  ASSERT_EQ(oa.size(), oc.size());
  for (size_t i = 0; i < oa.size(); ++i) {
    if (!oa[i].id.empty()) {
      EXPECT_NE(oa[i].id, oc[i].id) << oa[i].path << ": ids must depend on the recording";
    }
  }
}

TEST(NwbExport, AFailingDiskLeavesNoFileAndNoTemporaryFile) {
  const auto e = builtin();
  const auto m = recording(e);
  const std::string out = test_dir("enospc") + "/recording.nwb";
  for (const StorageFault& f : {StorageFault{StorageOp::write, "recording.nwb.tmp", 0, ENOSPC},
                                StorageFault{StorageOp::write, "recording.nwb.tmp", 4000, ENOSPC},
                                StorageFault{StorageOp::sync, "recording.nwb.tmp", 0, EIO},
                                StorageFault{StorageOp::rename, "recording.nwb", 0, EIO}}) {
    SCOPED_TRACE(std::string(storage_op_name(f.op)) + " " + f.path_suffix + " after " + std::to_string(f.budget));
    SimStorage disk;
    disk.inject(f);
    const Status s = nwb::write_nwb(m, e, out, options(), disk);
    ASSERT_FALSE(s.is_ok());
    EXPECT_NE(s.message().find(out), std::string::npos) << s.message();
    EXPECT_EQ(disk.faults_fired(), 1u);
    EXPECT_FALSE(std::filesystem::exists(out + ".tmp")) << "temporary file left behind";
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  SimStorage disk;
  EXPECT_TRUE(nwb::write_nwb(m, e, out, options(), disk).is_ok());
  EXPECT_TRUE(std::filesystem::exists(out));
}

TEST(NwbExport, ExperimenterLabAndInstitutionComeFromTheExperimentSection) {
  std::string text = builtin().source_text;
  const size_t at = text.find("[experiment]\n");
  ASSERT_NE(at, std::string::npos);
  text.insert(at + 13, "experimenter = \"Ada Lovelace\"\nlab = \"Neuro Lab\"\ninstitution = \"Univ\"\n");
  auto e = experiment::load_experiment_text(text, "meta.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  const std::string path = written(test_dir("meta"), recording(*e), *e);
  EXPECT_EQ(read_text(path, "/general/experimenter"), "Ada Lovelace");
  EXPECT_EQ(read_text(path, "/general/lab"), "Neuro Lab");
  EXPECT_EQ(read_text(path, "/general/institution"), "Univ");
  EXPECT_EQ(read_text(path, "/general/protocol"), text) << "the experiment file is stored verbatim";
  EXPECT_EQ(read_text(path, "/session_start_time"), "2023-11-14T22:13:20.000000+00:00") << "the runner's start";
  const std::string plain = written(test_dir("meta-none"), recording(builtin()), builtin());
  EXPECT_EQ(read_text(plain, "/general/lab"), "") << "no lab key, no dataset";
}

namespace {

// The shape of one cached schema document: a scalar variable-length UTF-8 string (what hdmf's
// H5SpecWriter writes; its reader also accepts other shapes, pynwb and MatNWB write this one).
bool scalar_utf8_vlen(hid_t file, const std::string& path) {
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return false;
  hid_t d = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  hid_t t = H5Dget_type(d);
  hid_t s = H5Dget_space(d);
  const bool ok = H5Sget_simple_extent_type(s) == H5S_SCALAR && H5Tget_class(t) == H5T_STRING &&
                  H5Tis_variable_str(t) > 0 && H5Tget_cset(t) == H5T_CSET_UTF8;
  H5Sclose(s);
  H5Tclose(t);
  H5Dclose(d);
  return ok;
}

// The HDF5 path of the object the root attribute `name` references ("" if none).
std::string referenced_path(hid_t file, const char* name) {
  if (H5Aexists(file, name) <= 0) return "";
  hid_t a = H5Aopen(file, name, H5P_DEFAULT);
  hid_t t = H5Aget_type(a);
  hobj_ref_t ref{};
  std::string out;
  if (H5Tequal(t, H5T_STD_REF_OBJ) > 0 && H5Aread(a, H5T_STD_REF_OBJ, &ref) >= 0) {
    hid_t o = H5Rdereference2(file, H5P_DEFAULT, H5R_OBJECT, &ref);
    char buf[256] = {};
    if (o >= 0 && H5Iget_name(o, buf, sizeof buf) > 0) out = buf;
    if (o >= 0) H5Oclose(o);
  }
  H5Tclose(t);
  H5Aclose(a);
  return out;
}

}  // namespace

TEST(NwbExport, CachesCoreAndHdmfCommonUnderSpecificationsPointedAtBySpecloc) {
  const auto e = builtin();
  const std::string path = written(test_dir("spec"), recording(e), e);
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(referenced_path(f, ".specloc"), "/specifications");
  hsize_t namespaces = 0;
  if (H5Lexists(f, "/specifications", H5P_DEFAULT) > 0) {
    hid_t g = H5Gopen2(f, "/specifications", H5P_DEFAULT);
    H5G_info_t info{};
    if (H5Gget_info(g, &info) >= 0) namespaces = info.nlinks;
    H5Gclose(g);
  }
  EXPECT_EQ(namespaces, 2u) << "core and hdmf-common, nothing else";
  std::vector<std::string> docs{"/specifications/hdmf-common/1.5.1/namespace", "/specifications/hdmf-common/1.5.1/base",
                                "/specifications/hdmf-common/1.5.1/table", "/specifications/hdmf-common/1.5.1/sparse",
                                "/specifications/core/2.7.0/namespace"};
  for (const char* s : {"base", "device", "epoch", "image", "file", "misc", "behavior", "ecephys", "icephys", "ogen",
                        "ophys", "retinotopy"})
    docs.push_back(std::string("/specifications/core/2.7.0/nwb.") + s);
  for (const auto& d : docs) EXPECT_TRUE(scalar_utf8_vlen(f, d)) << d;
  H5Fclose(f);
  const std::string ns = read_text(path, "/specifications/core/2.7.0/namespace");
  EXPECT_EQ(ns.rfind("{\"namespaces\":[{\"name\":\"core\"", 0), 0u) << ns.substr(0, 80);
  EXPECT_NE(ns.find("{\"namespace\":\"hdmf-common\"}"), std::string::npos) << "core includes hdmf-common";
  EXPECT_NE(ns.find("\"source\":\"nwb.file\""), std::string::npos) << "sources named as the datasets";
  EXPECT_NE(ns.find("\"version\":\"2.7.0\""), std::string::npos);
  const std::string file = read_text(path, "/specifications/core/2.7.0/nwb.file");
  EXPECT_NE(file.find("\"neurodata_type_def\":\"NWBFile\""), std::string::npos);
  EXPECT_EQ(file.back(), '}') << "the whole document, not a prefix";
  EXPECT_NE(read_text(path, "/specifications/hdmf-common/1.5.1/table").find("\"data_type_def\":\"DynamicTable\""),
            std::string::npos);
}
