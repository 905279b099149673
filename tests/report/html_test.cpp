// SPDX-License-Identifier: Apache-2.0
// Well-formedness of the HTML report and its SVG plots.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <set>

#include "report/report_html.hpp"
#include "report/svg.hpp"
#include "test_data.hpp"

using namespace ion;
using namespace ion::literals;
using namespace ion::report;

namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
  return n;
}

// Every non-void element is closed in order; returns "" or what is wrong.
std::string check_tags(const std::string& html) {
  static const std::set<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link"};
  // A tag with well-formed attributes (name="value", or a bare name as in <!DOCTYPE html>).
  static const std::regex kTag(R"#(<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?)*\s*(/?)>)#");
  static const std::regex kOpen(R"(<[/a-zA-Z])");
  std::vector<std::string> stack;
  size_t tags = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), kTag); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    ++tags;
    const std::string name = m[2];
    if (kVoid.count(name) || m[3] == "/") continue;
    if (m[1] == "/") {
      if (stack.empty() || stack.back() != name) return "unexpected </" + name + "> at " + std::to_string(m.position());
      stack.pop_back();
    } else {
      stack.push_back(name);
    }
  }
  const auto opens = static_cast<size_t>(std::distance(std::sregex_iterator(html.begin(), html.end(), kOpen),
                                                       std::sregex_iterator()));
  if (opens != tags) return "malformed tag: " + std::to_string(opens) + " '<' but " + std::to_string(tags) + " tags";
  return stack.empty() ? "" : "unclosed <" + stack.back() + ">";
}

// Every numeric attribute and path is made of numbers (no NaN, no inf).
std::string check_coordinates(const std::string& html) {
  static const std::regex kAttr(R"#(\s(x|y|x1|x2|y1|y2|width|height|d)="([^"]*)")#");
  static const std::regex kNumeric(R"(^[-0-9.MLvh, ]*$)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), kAttr); it != std::sregex_iterator(); ++it) {
    if (!std::regex_match((*it)[2].str(), kNumeric)) return (*it)[0].str();
  }
  return "";
}

std::string render(const record::MergedRecording& m, const experiment::Experiment& e) {
  return render_report_html(m, e, summarize(m, e));
}

}  // namespace

TEST(ReportHtml, WellFormedWithOneRasterRowPerNeuron) {
  const auto html = render(testdata::recording(), testdata::experiment());
  EXPECT_EQ(check_tags(html), "");
  EXPECT_EQ(check_coordinates(html), "");
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  EXPECT_GE(count(html, "<svg"), 7u);  // raster, rates, response, weight, resistance, RTT, loss, clocks
  EXPECT_EQ(count(html, "class=\"raster-row\""), 3u);
  for (const char* name : {">BN<", ">ANpre<", ">ANpost<", ">ABsyn<", "hub -&gt; bio"}) {
    EXPECT_NE(html.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // only the SVG namespace
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(ReportHtml, EscapesNamesAndNotes) {
  auto m = testdata::recording();
  m.neuron_names[{0, 0}] = "B<i>N&";
  m.notes.push_back({0, 1_s, static_cast<uint16_t>(record::NoteKind::text), "</ul><script>x</script>"});
  m.experiment_file = "name = \"<b>\"";
  const auto html = render(m, testdata::experiment());
  EXPECT_EQ(check_tags(html), "");
  EXPECT_NE(html.find("B&lt;i&gt;N&amp;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
}

TEST(ReportHtml, NoNanFromBadOrMissingValues) {
  auto m = testdata::recording();
  m.synapses[0].push_back({3500_ms, NAN, NAN, 0, 1});
  m.synapses[1] = {{1_s, INFINITY, 0.3f, 0, 1}};
  auto html = render(m, testdata::experiment());
  EXPECT_EQ(check_coordinates(html), "");
  EXPECT_EQ(check_tags(html), "");
  // Nothing recorded and an experiment without neurons: still a valid page.
  html = render(record::MergedRecording{}, experiment::Experiment{});
  EXPECT_EQ(check_tags(html), "");
  EXPECT_EQ(check_coordinates(html), "");
  EXPECT_EQ(count(html, "class=\"raster-row\""), 0u);
}

TEST(ReportHtml, RasterRowsCappedForLargeNetworks) {
  auto e = testdata::experiment();
  auto m = testdata::recording();
  for (uint32_t i = 1; i <= 300; ++i) testdata::add_spike(m, {0, i}, i * 1_ms);
  ReportLimits lim;
  lim.max_raster_neurons = 50;
  const auto html = render_report_html(m, e, summarize(m, e), lim);
  EXPECT_EQ(count(html, "class=\"raster-row\""), 50u);
  EXPECT_EQ(check_tags(html), "");
}

TEST(HtmlChecker, CatchesBrokenMarkup) {
  EXPECT_EQ(check_tags("<svg><rect x=\"1\"/></svg>"), "");
  EXPECT_NE(check_tags("<svg><rect x=\"1\"\" y=\"2\"/></svg>"), "");
  EXPECT_NE(check_tags("<svg><g></svg>"), "");
  EXPECT_NE(check_tags("<p>"), "");
  EXPECT_NE(check_coordinates("<path d=\"M1,nan\"/>"), "");
}

TEST(Svg, TicksAndEscapes) {
  const auto t = nice_ticks({0, 10}, 5);
  ASSERT_FALSE(t.empty());
  EXPECT_DOUBLE_EQ(t.front(), 0);
  EXPECT_DOUBLE_EQ(t.back(), 10);
  EXPECT_DOUBLE_EQ(t[1] - t[0], 2);
  EXPECT_FALSE(nice_ticks({NAN, 1}, 5).empty());
  EXPECT_EQ(html_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  SvgPlot p("t", {0, 0}, {NAN, INFINITY}, "x", "y");  // degenerate ranges are widened
  p.line({{0, 1}, {NAN, 2}, {1, 3}}, "#000");
  EXPECT_EQ(check_coordinates(p.str()), "");
  EXPECT_EQ(check_tags(p.str()), "");
}
