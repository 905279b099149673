// SPDX-License-Identifier: Apache-2.0
// A table of bad experiment files: each must give exactly its precise diagnostics (position, key
// path, found/expected) and no Experiment.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "experiment/load.hpp"

namespace ion::experiment {
namespace {

// 20 lines; cases edit one line in place (line numbers stay) and/or append from line 21.
constexpr const char* kBase = R"([experiment]
name = "t"
duration = "10s"
[sites.hub]
role = "hub"
address = "127.0.0.1:7201"
[sites.chip]
role = "silicon"
address = "127.0.0.1:7301"
[sites.bio]
role = "bio"
address = "127.0.0.1:7101"
[[neurons]]
name = "A"
site = "chip"
model = "dpi"
[[neurons]]
name = "B"
site = "bio"
model = "hh"
)";

// Appended synapse starting at line 21; fields on lines 22..27.
constexpr const char* kSynapse = R"([[synapses]]
name = "S"
pre = "A"
post = "B"
hub = "hub"
cell = [1, 2]
device = { model = "vteam" }
)";

// A population of 40 silicon neurons, appended from line 21 (lines 21..25).
const std::string kPopulation = "[[neurons]]\nname = \"P\"\nsite = \"chip\"\nmodel = \"dpi\"\ncount = 40\n";

// A silicon neuron appended from line 21 (lines 21..24); a drive line appended after it is line 25.
const std::string kSilicon = "[[neurons]]\nname = \"D\"\nsite = \"chip\"\nmodel = \"dpi\"\n";

struct BadCase {
  const char* label;
  const char* find;  // a line of kBase to replace ("" = none)
  const char* replace;
  std::string append;                 // text appended after kBase
  std::vector<std::string> expected;  // Diagnostic::to_string() without the "bad.toml:" prefix
};

std::string make_text(const BadCase& c) {
  std::string text = kBase;
  if (*c.find) {
    size_t pos = text.find(c.find);
    EXPECT_NE(pos, std::string::npos) << c.label << ": base has no \"" << c.find << "\"";
    if (pos != std::string::npos) text.replace(pos, std::string(c.find).size(), c.replace);
  }
  return text + c.append;
}

std::string syn(const std::string& from, const std::string& to) {
  std::string s = kSynapse;
  s.replace(s.find(from), from.size(), to);
  return s;
}

const std::vector<BadCase> kCases = {
    {"syntax error",
     "",
     "",
     "[[synapses]\n",
     {"21:12: syntax error: Error while parsing table header: expected ']', saw '\\n'"}},
    {"redefined table",
     "[sites.bio]",
     "[sites.hub]",
     "",
     {"10:1: syntax error: Error while parsing table header: cannot redefine existing table 'sites.hub'"}},
    {"unknown key with suggestion",
     "duration = \"10s\"",
     "duraton = \"10s\"",
     "",
     {"3:1: experiment.duraton: unknown key 'duraton'; did you mean 'duration'?"}},
    {"duration without unit",
     "duration = \"10s\"",
     "duration = 10",
     "",
     {"3:12: experiment.duration: found integer 10, expected a duration like \"100us\", \"1.5s\" (a string with its "
      "unit)"}},
    {"duration with a bad unit",
     "duration = \"10s\"",
     "duration = \"10parsec\"",
     "",
     {"3:12: experiment.duration: found \"10parsec\", expected a duration like \"100us\", \"1.5s\" (unknown unit "
      "\"parsec\")"}},
    {"negative duration",
     "duration = \"10s\"",
     "duration = \"-5s\"",
     "",
     {"3:12: experiment.duration: found \"-5s\", expected a positive duration"}},
    {"zero duration",
     "duration = \"10s\"",
     "duration = \"0s\"",
     "",
     {"3:12: experiment.duration: found \"0s\", expected a positive duration"}},
    {"bad experiment name",
     "name = \"t\"",
     "name = \"my run\"",
     "",
     {"2:8: experiment.name: found \"my run\", expected a name (a letter, then letters, digits, '_', '.' or '-')"}},
    {"negative seed",
     "duration = \"10s\"",
     "duration = \"10s\"\nseed = -3",
     "",
     {"4:8: experiment.seed: found integer -3, expected an integer >= 0"}},
    {"mode typo",
     "duration = \"10s\"",
     "duration = \"10s\"\nmode = \"realtim\"",
     "",
     {"4:8: experiment.mode: found \"realtim\", expected one of \"realtime\", \"sim\" (did you mean \"realtime\"?)"}},
    {"role typo",
     "role = \"hub\"",
     "role = \"hubb\"",
     "",
     {"5:8: sites.hub.role: found \"hubb\", expected one of \"bio\", \"hub\", \"silicon\" (did you mean \"hub\"?)"}},
    {"missing role",
     "role = \"silicon\"",
     "",
     "",
     {"7:1: sites.chip.role: missing required key 'role' (expected one of \"bio\", \"hub\", \"silicon\")"}},
    {"address with an empty port",
     "address = \"127.0.0.1:7101\"",
     "address = \"127.0.0.1:\"",
     "",
     {"12:11: sites.bio.address: found \"127.0.0.1:\", expected an address like \"127.0.0.1:7201\" or \"[::1]:7201\", "
      "or \"127.0.0.1\" (port chosen by ion run) (port must be 1..65535)"}},
    {"IPv6 address without brackets or port",
     "address = \"127.0.0.1:7101\"",
     "address = \"::1\"",
     "",
     {"12:11: sites.bio.address: found \"::1\", expected an address like \"127.0.0.1:7201\" or \"[::1]:7201\", "
      "or \"127.0.0.1\" (port chosen by ion run) (not a numeric IP address)"}},
    {"IPv4 address in brackets without port",
     "address = \"127.0.0.1:7101\"",
     "address = \"[127.0.0.1]\"",
     "",
     {"12:11: sites.bio.address: found \"[127.0.0.1]\", expected an address like \"127.0.0.1:7201\" or "
      "\"[::1]:7201\", or \"127.0.0.1\" (port chosen by ion run) (bad brackets)"}},
    {"address not numeric",
     "address = \"127.0.0.1:7101\"",
     "address = \"localhost:7101\"",
     "",
     {"12:11: sites.bio.address: found \"localhost:7101\", expected an address like \"127.0.0.1:7201\" or "
      "\"[::1]:7201\", or \"127.0.0.1\" (port chosen by ion run) (not a numeric IP address)"}},
    {"duplicate address",
     "address = \"127.0.0.1:7101\"",
     "address = \"127.0.0.1:7301\"",
     "",
     {"12:11: sites.bio.address: found \"127.0.0.1:7301\", expected an address no other site uses (site 'chip' at line "
      "7 has it)"}},
    {"unknown site key",
     "address = \"127.0.0.1:7101\"",
     "adress = \"127.0.0.1:7101\"",
     "",
     {"12:1: sites.bio.adress: unknown key 'adress'; did you mean 'address'?"}},
    {"role table on wrong role",
     "role = \"silicon\"",
     "role = \"silicon\"\ninstrument = { words = 4 }",
     "",
     {"9:1: sites.chip.instrument: key 'instrument' does not apply to a site with role 'silicon'"}},
    {"neuron on unknown site",
     "site = \"chip\"",
     "site = \"chipp\"",
     "",
     {"15:8: neurons[0].site: found \"chipp\", expected a site of this experiment (did you mean \"chip\"?)"}},
    {"neuron on a hub",
     "site = \"chip\"",
     "site = \"hub\"",
     "",
     {"15:8: neurons[0].site: found hub site 'hub', expected a bio or silicon site (hubs hold synapses, not neurons)"}},
    {"duplicate neuron name",
     "name = \"B\"",
     "name = \"A\"",
     "",
     {"18:8: neurons[1].name: found \"A\" again, expected a unique neuron name (first at line 14)"}},
    {"unknown neuron model",
     "model = \"hh\"",
     "model = \"hhh\"",
     "",
     {"20:9: neurons[1].model: found \"hhh\", expected one of \"lif\", \"lif-cond\", \"adex\", \"izhikevich\", \"hh\", "
      "\"hh-hippocampal\", \"dpi\" (did you mean \"hh\"?)"}},
    {"neuron params of wrong type",
     "",
     "",
     "params = { tau = true }\n",
     {"21:18: neurons[1].params.tau: found boolean true, expected a number or a string with a unit"}},
    {"drive rate without unit",
     "",
     "",
     kSilicon + "drive = { kind = \"regular\", rate = 10 }\n",
     {"25:36: neurons[2].drive.rate: found integer 10, expected a frequency like \"20Hz\", \"25kHz\" (a string with "
      "its unit)"}},
    {"drive key of another kind",
     "",
     "",
     kSilicon + "drive = { kind = \"regular\", rate = \"5Hz\", phases = [\"1Hz 1s\"] }\n",
     {"25:43: neurons[2].drive.phases: key 'phases' does not apply to drive kind 'regular'"}},
    {"bad phase",
     "",
     "",
     kSilicon + "drive = { kind = \"schedule\", phases = [\"10Hz 1s\", \"10Hz\"] }\n",
     {"25:51: neurons[2].drive.phases[1]: found \"10Hz\", expected a phase like \"10Hz 10s\" (a rate, a space, a "
      "duration)"}},
    {"phases longer than the experiment",
     "",
     "",
     kSilicon + "drive = { kind = \"schedule\", phases = [\"10Hz 8s\", \"1Hz 8s\"] }\n",
     {"25:39: neurons[2].drive.phases: found phases lasting 16s in total, expected at most the experiment's duration "
      "(10s)"}},
    {"synapse pre unknown",
     "",
     "",
     syn("pre = \"A\"", "pre = \"X\""),
     {"23:7: synapses[0].pre: found \"X\", expected a neuron of this experiment"}},
    {"synapse hub not a hub",
     "",
     "",
     syn("hub = \"hub\"", "hub = \"chip\""),
     {"25:7: synapses[0].hub: found site 'chip' with role 'silicon', expected a site with role 'hub'"}},
    {"synapse hub unknown",
     "",
     "",
     syn("hub = \"hub\"", "hub = \"nowhere\""),
     {"25:7: synapses[0].hub: found \"nowhere\", expected a site of this experiment (one of \"bio\", \"chip\", "
      "\"hub\")"}},
    {"two synapses on one cell",
     "",
     "",
     std::string(kSynapse) + syn("name = \"S\"", "name = \"T\""),
     {"33:8: synapses[1].cell: found [1, 2], expected a free cell (hub 'hub' already has synapse 'S' there, at line "
      "26)"}},
    {"duplicate synapse name",
     "",
     "",
     std::string(kSynapse) + syn("cell = [1, 2]", "cell = [1, 3]"),
     {"29:8: synapses[1].name: found \"S\" again, expected a unique synapse name (first at line 22)"}},
    {"cell outside the array",
     "",
     "",
     syn("cell = [1, 2]", "cell = [40, 2]"),
     {"26:8: synapses[0].cell: found [40, 2], expected a cell inside hub 'hub''s 32x32 array (word 0..31, bit 0..31)"}},
    {"cell of one value",
     "",
     "",
     syn("cell = [1, 2]", "cell = [1]"),
     {"26:8: synapses[0].cell: found [1], expected a crossbar cell [word, bit] of two integers >= 0"}},
    {"missing device",
     "",
     "",
     syn("device = { model = \"vteam\" }", ""),
     {"21:1: synapses[0].device: missing required key 'device' (expected a table)"}},
    {"unknown device model",
     "",
     "",
     syn("\"vteam\"", "\"vteem\""),
     {"27:20: synapses[0].device.model: found \"vteem\", expected one of \"linear-drift\", \"vteam\", \"yakopcic\", "
      "\"compact\", \"data-driven\" (did you mean \"vteam\"?)"}},
    {"preset of another model",
     "",
     "",
     syn("\"vteam\" }", "\"vteam\", preset = \"oblea\" }"),
     {"27:38: synapses[0].device.preset: found \"oblea\" (a 'yakopcic' preset), expected a preset of model 'vteam' "
      "(\"kvatinsky2015\")"}},
    {"window on a non-drift model",
     "",
     "",
     syn("\"vteam\" }", "\"vteam\", window = \"biolek\" }"),
     {"27:29: synapses[0].device.window: key 'window' does not apply to device model 'vteam' (only linear-drift has a "
      "window)"}},
    {"r0 with wrong unit",
     "",
     "",
     syn("\"vteam\" }", "\"vteam\", r0 = \"5kV\" }"),
     {"27:34: synapses[0].device.r0: found \"5kV\", expected a resistance like \"9kohm\", \"100ohm\" (unknown unit "
      "\"kV\")"}},
    {"r_min above r_max",
     "",
     "",
     std::string(kSynapse) + "weight = { r_min = \"9kohm\", r_max = \"4kohm\" }\n",
     {"28:37: synapses[0].weight.r_max: found r_max 4kohm, expected more than r_min (9kohm)"}},
    {"bad pulse",
     "",
     "",
     std::string(kSynapse) + "plasticity = { rule = \"srdp\", ltp_pulse = \"4V\" }\n",
     {"28:43: synapses[0].plasticity.ltp_pulse: found \"4V\", expected a pulse like \"+4V 100us\" (a non-zero voltage, "
      "a space, a width)"}},
    {"thresholds that overlap",
     "",
     "",
     std::string(kSynapse) + "plasticity = { rule = \"srdp\", ltp_above = 2, ltd_below = 9 }\n",
     {"28:43: synapses[0].plasticity.ltp_above: found ltd_below 9 and ltp_above 2, expected ltd_below <= ltp_above + 1 "
      "(a count cannot be both)"}},
    {"link to an unknown site",
     "",
     "",
     "[links.hub-mars]\nloss = 0.1\n",
     {"21:8: links.hub-mars: found link \"hub-mars\", expected \"default\" or \"SITE-SITE\" naming two sites of this "
      "experiment (no site \"mars\")"}},
    {"loss out of range",
     "",
     "",
     "[links.default]\nloss = 1.5\n",
     {"22:8: links.default.loss: found float 1.5, expected a number from 0 to 0.99"}},
    {"insecure off loopback",
     "address = \"127.0.0.1:7101\"",
     "address = \"10.0.0.2:7101\"",
     "[links.hub-bio]\ninsecure = true\n",
     {"22:12: links.hub-bio.insecure: found insecure = true with site 'bio' at 10.0.0.2:7101, expected insecure links "
      "only between loopback addresses (127.0.0.0/8, ::1)"}},
    {"unknown output placeholder",
     "",
     "",
     "[recording]\nout = \"runs/{date}\"\n",
     {"22:7: recording.out: found \"runs/{date}\", expected a directory pattern using only the placeholders {name} and "
      "{timestamp} (unknown placeholder {date})"}},
    {"signal not a boolean",
     "",
     "",
     "[recording]\nsignal = \"yes\"\n",
     {"22:10: recording.signal: found \"yes\", expected true or false"}},
    {"legacy id out of range",
     "",
     "",
     "[legacy]\nenabled = true\nneurons = { \"99999999\" = \"A\" }\n",
     {"23:13: legacy.neurons.99999999: found id \"99999999\", expected a legacy neuron id from 0 to 16777215"}},
    {"legacy neuron unknown",
     "",
     "",
     "[legacy]\nenabled = true\nneurons = { \"1\" = \"Z\" }\n",
     {"23:19: legacy.neurons.1: found \"Z\", expected a neuron of this experiment"}},
    {"population block outside the array",
     "",
     "",
     kPopulation + syn("pre = \"A\"", "pre = \"P\""),
     {"31:8: synapses[0].cell: found [1, 2] for a 40x1 block, expected a block inside hub 'hub''s 32x32 array (word "
      "0..31, bit 0..31)"}},
    {"one-to-one of unequal sizes",
     "",
     "",
     kPopulation + syn("pre = \"A\"", "pre = \"P\"\nconnect = \"one-to-one\""),
     {"29:11: synapses[0].connect: found one-to-one between 40 and 1 neurons, expected pre and post of equal size"}},
    {"legacy id mapped to a population",
     "",
     "",
     kPopulation + "[legacy]\nneurons = { \"7\" = \"P\" }\n",
     {"27:19: legacy.neurons.7: found \"P\" (40 neurons), expected a single neuron such as \"P[0]\""}},
    {"hub threads out of range",
     "address = \"127.0.0.1:7201\"",
     "address = \"127.0.0.1:7201\"\nthreads = 3",
     "",
     {"7:11: sites.hub.threads: found integer 3, expected an integer from 1 to 2"}},
    {"threads not an integer",
     "address = \"127.0.0.1:7201\"",
     "address = \"127.0.0.1:7201\"\nthreads = \"2\"",
     "",
     {"7:11: sites.hub.threads: found \"2\", expected an integer from 1 to 2"}},
    {"two threads on a bio site",
     "address = \"127.0.0.1:7101\"",
     "address = \"127.0.0.1:7101\"\nthreads = 2",
     "",
     {"13:11: sites.bio.threads: found integer 2 on a site with role 'bio', expected 1 (only a hub site runs on two "
      "threads)"}},
    {"population count zero",
     "",
     "",
     "count = 0\n",
     {"21:9: neurons[1].count: found integer 0, expected an integer from 1 to 100000"}},
    {"legacy port used by a site",
     "",
     "",
     "[legacy]\nenabled = true\nport = 7301\n",
     {"23:8: legacy.port: found legacy port 7301, expected a port no site uses on 127.0.0.1 (site 'chip' is at "
      "127.0.0.1:7301)"}},
    {"site address of wrong type",
     "address = \"127.0.0.1:7101\"",
     "address = 7101",
     "",
     {"12:11: sites.bio.address: found integer 7101, expected an address like \"127.0.0.1:7201\" or \"[::1]:7201\", "
      "or \"127.0.0.1\" (port chosen by ion run)"}},
    {"link from a site to itself",
     "",
     "",
     "[links.hub-hub]\n",
     {"21:8: links.hub-hub: found a link from site 'hub' to itself, expected two different sites"}},
    {"the same link twice",
     "",
     "",
     "[links.hub-bio]\nloss = 0.1\n[links.bio-hub]\nloss = 0.2\n",
     {"23:8: links.bio-hub: found a second link between 'bio' and 'hub', expected one (first at line 21)"}},
    {"link table not a table",
     "",
     "",
     "[links]\nhub-bio = 3\n",
     {"22:11: links.hub-bio: found integer 3, expected a table"}},
    {"more neurons than the culture holds",
     "",
     "",
     "[[neurons]]\nname = \"B2\"\nsite = \"bio\"\nmodel = \"hh\"\n",
     {"21:1: sites.bio: found neuron 'B2' beyond the 1 this site holds, expected at most 1 neurons (source.neurons)"}},
    {"unknown top-level table", "", "", "[linkz]\n", {"21:2: linkz: unknown key 'linkz'; did you mean 'links'?"}},
    {"monitor named like a site",
     "",
     "",
     "[[monitors]]\nname = \"hub\"\naddress = \"127.0.0.1:7401\"\n",
     {"22:8: monitors[0].name: found \"hub\", expected a name no site uses (a monitor is not a site)"}},
    {"monitor on a site's address",
     "",
     "",
     "[[monitors]]\nname = \"mon\"\naddress = \"127.0.0.1:7201\"\n",
     {"23:11: monitors[0].address: found \"127.0.0.1:7201\", expected an address no site or other monitor uses "
      "('hub' has it)"}},
    {"two monitors of one name",
     "",
     "",
     "[[monitors]]\nname = \"mon\"\naddress = \"127.0.0.1:7401\"\n[[monitors]]\nname = \"mon\"\naddress = "
     "\"127.0.0.1:7402\"\n",
     {"25:8: monitors[1].name: found \"mon\" twice, expected unique monitor names (first at line 22)"}},
    {"monitor without address and a rate of 0",
     "",
     "",
     "[[monitors]]\nname = \"mon\"\nmax_record_rate = 0\n",
     {"21:1: monitors[0].address: missing required key 'address' (expected an address like \"127.0.0.1:7401\" or "
      "\"[::1]:7401\")",
      "23:19: monitors[0].max_record_rate: found integer 0, expected a number from 1 to 10000000"}},
    {"shannon k too high",
     "role = \"bio\"",
     "role = \"bio\"\nstimulator = { shannon_k = 2 }",
     "",
     {"12:28: sites.bio.stimulator.shannon_k: found integer 2, expected a Shannon k above 0 and below 1.85 (tissue "
      "damage is likely at k >= 1.85)"}},
};

TEST(BadFiles, BaseIsValid) {
  Diagnostics d;
  auto r = load_experiment_text(kBase, "bad.toml", &d);
  EXPECT_TRUE(r.is_ok()) << d.to_string();
  auto r2 = load_experiment_text(std::string(kBase) + kSynapse, "bad.toml", &d);
  EXPECT_TRUE(r2.is_ok()) << d.to_string();
}

// `threads` defaults to 1; a hub may ask for 2, any site for 1.
TEST(BadFiles, HubThreads) {
  Diagnostics d;
  auto one = load_experiment_text(kBase, "bad.toml", &d);
  ASSERT_TRUE(one.is_ok()) << d.to_string();
  for (const auto& s : one->sites) EXPECT_EQ(s.threads, 1u) << s.name;
  std::string text = kBase;
  text.replace(text.find("address = \"127.0.0.1:7201\""), 26, "address = \"127.0.0.1:7201\"\nthreads = 2");
  text.replace(text.find("address = \"127.0.0.1:7101\""), 26, "address = \"127.0.0.1:7101\"\nthreads = 1");
  auto two = load_experiment_text(text, "bad.toml", &d);
  ASSERT_TRUE(two.is_ok()) << d.to_string();
  EXPECT_EQ(two->find_site("hub")->threads, 2u);
  EXPECT_EQ(two->find_site("bio")->threads, 1u);
}

TEST(BadFiles, AtLeast25Cases) { EXPECT_GE(kCases.size(), 25u); }

TEST(BadFiles, EachGivesItsPreciseDiagnostics) {
  for (const auto& c : kCases) {
    Diagnostics d;
    auto r = load_experiment_text(make_text(c), "bad.toml", &d);
    EXPECT_FALSE(r.is_ok()) << c.label;
    std::vector<std::string> got;
    for (const auto& diag : d) got.push_back(diag.to_string());
    std::vector<std::string> want;
    for (const auto& e : c.expected) want.push_back("bad.toml:" + e);
    EXPECT_EQ(got, want) << "case: " << c.label;
    if (getenv("ION_DUMP_CASES")) {
      std::printf("CASE %s\n", c.label);
      for (auto& g : got) std::printf("   \"%s\"\n", g.c_str());
    }
  }
}

}  // namespace
}  // namespace ion::experiment
