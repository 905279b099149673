// SPDX-License-Identifier: Apache-2.0
// Pulse-program and wave parsing (the CLI's input forms), and the SVG writer.
#include <gtest/gtest.h>

#include <cmath>

#include "device/program.hpp"
#include "device/svg_plot.hpp"

namespace ion::device {
namespace {

using namespace ion::literals;

TEST(PulseProgram, ParsesSegmentsWithCounts) {
  auto p = parse_pulse_program("+0.8V,100us*20;-0.8V,100us*20; 4V,1ms");
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  ASSERT_EQ(p->size(), 3u);
  EXPECT_DOUBLE_EQ((*p)[0].v, 0.8);
  EXPECT_EQ((*p)[0].width_ns, 100_us);
  EXPECT_EQ((*p)[0].count, 20u);
  EXPECT_DOUBLE_EQ((*p)[1].v, -0.8);
  EXPECT_EQ((*p)[2].count, 1u);
  EXPECT_EQ((*p)[2].width_ns, 1_ms);
  EXPECT_DOUBLE_EQ((*parse_pulse_program("-500mV,2us"))[0].v, -0.5);
}

TEST(PulseProgram, MalformedInputNamesSegmentAndExpectation) {
  struct Bad {
    const char* text;
    const char* needle;
  } cases[] = {
      {"", "empty"},
      {"+0.8V,100us*20;-0.8V", "segment 2 ('-0.8V')"},
      {"+0.8,100us", "voltage"},
      {"+0.8V,100*3", "width"},
      {"+0.8V,100us*0", "repeat count '0'"},
      {"+0.8V,100us*2x", "repeat count '2x'"},
      {"+30V,100us", "[-20, 20] V"},
      {"+1V,20s", "(0, 10s]"},
      {"+1V,100us;;", "segment 2"},
  };
  for (const auto& c : cases) {
    auto p = parse_pulse_program(c.text);
    ASSERT_FALSE(p.is_ok()) << c.text;
    EXPECT_NE(p.status().message().find(c.needle), std::string::npos) << c.text << " → " << p.status().message();
  }
}

TEST(Wave, ParsesAndEvaluates) {
  auto w = parse_wave("sine,1V,1kHz,3cycles");
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  EXPECT_DOUBLE_EQ(w->duration_s(), 3e-3);
  EXPECT_NEAR(w->at(0.25e-3), 1, 1e-12);
  EXPECT_NEAR(w->at(0.75e-3), -1, 1e-12);
  auto t = parse_wave("triangle,2V,10Hz,1cycle");
  ASSERT_TRUE(t.is_ok());
  EXPECT_NEAR(t->at(0.025), 2, 1e-12);
  EXPECT_NEAR(t->at(0.05), 0, 1e-12);
  EXPECT_NEAR(t->at(0.075), -2, 1e-12);
  for (const char* bad : {"sine,1V,1kHz", "saw,1V,1kHz,1cycles", "sine,0V,1kHz,1cycles", "sine,1V,-3Hz,1cycles",
                          "sine,1V,1kHz,3", "sine,1V,1kHz,xcycles", "sine,1,1kHz,1cycles"})
    EXPECT_FALSE(parse_wave(bad).is_ok()) << bad;
  EXPECT_NE(parse_wave("saw,1V,1kHz,1cycles").status().message().find("unknown shape 'saw'"), std::string::npos);
}

TEST(Svg, SelfContainedPlotWithEscapedText) {
  SvgSeries s{{0, 1, 2}, {5, 7, NAN}};
  const std::string svg = svg_line_plot(s, "R <after> pulse", "pulse", "ohm");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("R &lt;after&gt; pulse"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_EQ(svg.find("href"), std::string::npos);  // no external assets
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

}  // namespace
}  // namespace ion::device
