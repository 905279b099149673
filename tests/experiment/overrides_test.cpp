// SPDX-License-Identifier: Apache-2.0
// Keyed edits (`ion run --set`, ion.Experiment.set): in-place replacement that keeps the rest of
// the file, insertion of absent keys, array entries by name or index, and every error naming the
// override; the edited text is validated by the loader.
#include <gtest/gtest.h>

#include "experiment/builtin.hpp"
#include "experiment/load.hpp"
#include "experiment/overrides.hpp"

namespace ion::experiment {
namespace {

using namespace ion::literals;

Override set(const std::string& arg) {
  auto o = parse_override(arg);
  EXPECT_TRUE(o.is_ok()) << o.status().message();
  return o.is_ok() ? *o : Override{};
}

Experiment load_builtin_with(const std::vector<Override>& sets, Diagnostics* d = nullptr) {
  auto e = load_with_overrides(builtin_experiment_text(), kBuiltinName, sets, d);
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  return e.is_ok() ? *e : Experiment{};
}

std::string failure(const std::vector<Override>& sets) {
  auto e = load_with_overrides(builtin_experiment_text(), kBuiltinName, sets);
  EXPECT_FALSE(e.is_ok());
  return e.status().message();
}

TEST(Overrides, ParseTakesTomlValuesAndFallsBackToText) {
  EXPECT_EQ(set("experiment.seed=3").value, "3");
  EXPECT_EQ(set("experiment.duration=20s").value, "\"20s\"");
  EXPECT_EQ(set("a=\"x\"").value, "\"x\"");
  EXPECT_EQ(set("a=[3, 7]").value, "[3, 7]");
  EXPECT_EQ(set("a=say \"hi\"").value, "\"say \\\"hi\\\"\"");
  EXPECT_FALSE(parse_override("no-equals-sign").is_ok());
  EXPECT_FALSE(parse_override("=3").is_ok());
}

TEST(Overrides, SynapseByNameChangesOnlyThatSynapse) {
  const Experiment e = load_builtin_with({set("synapses.ABsyn.plasticity.ltp_above=25")});
  ASSERT_EQ(e.synapses.size(), 2u);
  EXPECT_EQ(e.find_synapse("ABsyn")->plasticity.ltp_above, 25);
  EXPECT_EQ(e.find_synapse("BAsyn")->plasticity.ltp_above, 20);
}

TEST(Overrides, ReplacementKeepsCommentsAndLines) {
  auto r = apply_overrides(builtin_experiment_text(), kBuiltinName, {set("experiment.seed=3")});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  std::string expected(builtin_experiment_text());
  expected.replace(expected.find("seed     = 1"), 12, "seed     = 3");
  EXPECT_EQ(r->text, expected);
  EXPECT_EQ(r->key_paths, std::vector<std::string>{"experiment.seed"});
}

TEST(Overrides, IndexFormsAndCanonicalPaths) {
  auto r = apply_overrides(
      builtin_experiment_text(), kBuiltinName,
      {set("synapses[1].cell=[5, 6]"), set("neurons.0.spontaneous=3Hz"), set("sites.zurich.chip.cores=2")});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->key_paths,
            (std::vector<std::string>{"synapses[1].cell", "neurons[0].spontaneous", "sites.zurich.chip.cores"}));
  auto e = load_experiment_text(r->text, "x.toml");
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_EQ(e->synapses[1].word, 5);
  EXPECT_EQ(e->synapses[1].bit, 6);
  EXPECT_EQ(e->neurons[0].spontaneous_hz, 3.0);
}

TEST(Overrides, InsertsAbsentKeysInEveryKindOfTable) {
  const Experiment e = load_builtin_with({
      set("experiment.time_master=\"southampton\""),  // a [table]
      set("synapses.ABsyn.plasticity.horizon=80ms"),  // an inline table
      set("neurons.BN.spontaneous=3Hz"),              // an existing key in [[array]]
      set("links.default.duplicate=0.01"),            // a [table] reached through an implied one
      set("security.key_dir=\"k2\""),                 // a table the file does not have
  });
  EXPECT_EQ(e.time_master, "southampton");
  EXPECT_EQ(e.find_synapse("ABsyn")->plasticity.horizon_ns, 80_ms);
  EXPECT_EQ(e.links.defaults.duplicate, 0.01);
  EXPECT_EQ(e.security.key_dir, "k2");
}

TEST(Overrides, ProblemsAtAnOverrideNameIt) {
  const std::string m = failure({set("synapses.ABsyn.plasticity.ltp_above=abc"), set("experiment.seed=-1")});
  EXPECT_NE(m.find("2 problems"), std::string::npos) << m;
  EXPECT_NE(
      m.find("--set synapses.ABsyn.plasticity.ltp_above=\"abc\": synapses[0].plasticity.ltp_above: found \"abc\""),
      std::string::npos)
      << m;
  EXPECT_NE(m.find("--set experiment.seed=-1: experiment.seed:"), std::string::npos) << m;
}

TEST(Overrides, KeysThatDoNotResolveSayWhy) {
  EXPECT_NE(failure({set("synapses.XYsyn.cell=[1, 1]")})
                .find("no entry of synapses is named \"XYsyn\" (names: \"ABsyn\", \"BAsyn\")"),
            std::string::npos);
  EXPECT_NE(failure({set("synapses[7].cell=[1, 1]")}).find("synapses has 2 entries, no index 7"), std::string::npos);
  EXPECT_NE(failure({set("experiment.seed.x=1")}).find("experiment.seed is a value, not a table"), std::string::npos);
  EXPECT_NE(failure({set("experiment..seed=1")}).find("empty part in the key"), std::string::npos);
  // An unknown key is inserted, then reported by the loader at the override.
  EXPECT_NE(failure({set("experiment.sead=3")}).find("--set experiment.sead=3: experiment.sead: unknown key"),
            std::string::npos);
}

TEST(Overrides, ValuesCannotInjectOtherKeys) {
  EXPECT_NE(failure({{"experiment.seed", "3\n[evil]"}}).find("the value must be on one line"), std::string::npos);
  EXPECT_NE(failure({{"synapses.ABsyn.plasticity.ltp_above", "25, ltd_below = 1"}}).find("not a TOML value"),
            std::string::npos);
}

TEST(Overrides, TheFileIsValidatedFirstAtItsOwnPositions) {
  Diagnostics d;
  auto e = load_with_overrides("[experiment]\nname = 1\n", "bad.toml", {set("experiment.seed=3")}, &d);
  ASSERT_FALSE(e.is_ok());
  bool at_name = false;
  for (const auto& x : d) {
    EXPECT_EQ(x.file, "bad.toml");
    at_name |= x.key_path == "experiment.name" && x.line == 2 && x.col == 8;
  }
  EXPECT_TRUE(at_name) << d.to_string();
}

}  // namespace
}  // namespace ion::experiment
