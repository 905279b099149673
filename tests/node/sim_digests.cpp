// SPDX-License-Identifier: Apache-2.0
#include "sim_digests.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "node/launch/sim_runner.hpp"
#include "record/hdf5_export.hpp"

namespace ion::test {

Digests sim_digests(const experiment::Experiment& e, const std::string& name) {
  site::SimRunOptions o;
  o.out_dir = std::string(ION_BINARY_DIR) + "/test-runs/" + name;
  std::filesystem::remove_all(o.out_dir);
  auto r = site::run_sim(e, o);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  if (!r.is_ok()) return {};
  auto h5 = record::export_logs_to_hdf5(r->logs, o.out_dir + "/recording.h5");
  EXPECT_TRUE(h5.is_ok()) << h5.status().message();
  return {r->digest, h5.is_ok() ? h5->digest : ""};
}

}  // namespace ion::test
