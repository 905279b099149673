// SPDX-License-Identifier: Apache-2.0
// The HTML page around the report model: self-contained, the model embedded once and readable
// back, nothing that could close the script early, the summary as a no-script fallback.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "core/markup.hpp"
#include "report/report_html.hpp"
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

std::string render(const record::MergedRecording& m, const experiment::Experiment& e) {
  return render_report_html(m, e, summarize(m, e));
}

// The embedded model, parsed back.
Json embedded_model(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"ion-report-model\">";
  const size_t a = html.find(open);
  const size_t b = html.find("</script>", a);
  if (a == std::string::npos || b == std::string::npos) return nullptr;
  return Json::parse(html.substr(a + open.size(), b - a - open.size()));
}

}  // namespace

TEST(ReportHtml, SelfContainedPageWithTheModelAndTheRenderer) {
  const auto m = testdata::recording();
  const auto e = testdata::experiment();
  const auto s = summarize(m, e);
  const auto html = render_report_html(m, e, s);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "<script"), 2u);  // the model and the renderer
  EXPECT_EQ(count(html, "</script>"), 2u);
  EXPECT_EQ(count(html, "<style>"), 1u);
  EXPECT_NE(html.find("IonReport.renderPage(\"ion-report-model\", \"ion-report\")"), std::string::npos);
  EXPECT_EQ(embedded_model(html), report_model(m, e, s));
  // Nothing is fetched: no src/href attributes, no URL other than the SVG namespace.
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find(" href="), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  std::regex url(R"(http://(?!www\.w3\.org/2000/svg))");
  EXPECT_FALSE(std::regex_search(html, url));
  // Without JavaScript the printed summary is shown.
  const size_t ns = html.find("<noscript>");
  ASSERT_NE(ns, std::string::npos);
  EXPECT_NE(html.find("phases (response window", ns), std::string::npos);
}

TEST(ReportHtml, NamesCannotCloseTheScriptOrInjectMarkup) {
  auto m = testdata::recording();
  m.neuron_names[{0, 0}] = "B</script><script>alert(1)</script>N";
  m.notes.push_back({0, 1_s, static_cast<uint16_t>(record::NoteKind::text), "</ul><!-- <script>x</script>"});
  m.experiment_file = "name = \"</script>\"";
  const auto html = render(m, testdata::experiment());
  EXPECT_EQ(count(html, "</script>"), 2u);
  EXPECT_EQ(count(html, "<script"), 2u);
  EXPECT_EQ(html.find("<!--"), std::string::npos);
  const auto model = embedded_model(html);
  EXPECT_EQ(model["neurons"][1]["name"], "B</script><script>alert(1)</script>N");  // round trip intact
  EXPECT_NE(html.find("B&lt;/script&gt;"), std::string::npos);                     // the no-script summary is escaped
}

TEST(ReportHtml, InvalidUtf8AndNonFiniteValuesStillGiveAValidModel) {
  auto m = testdata::recording();
  m.neuron_names[{0, 0}] = std::string("B\xff\xfeN");
  m.synapses[0].push_back({3500_ms, NAN, INFINITY, 0, 1});
  const auto html = render(m, testdata::experiment());
  const auto model = embedded_model(html);
  ASSERT_TRUE(model.is_object());
  const auto& tr = model["synapses"][0]["trace"];
  EXPECT_TRUE(tr["r_ohm"].back().is_null());
  EXPECT_TRUE(tr["w"].back().is_null());
  const std::string text = script_safe_json(model);
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("Infinity"), std::string::npos);
  EXPECT_EQ(format_summary(summarize(m, testdata::experiment())).find("nan"), std::string::npos);
}

TEST(ReportHtml, EmptyRecordingAndEmptyExperimentGiveAPage) {
  const auto html = render(record::MergedRecording{}, experiment::Experiment{});
  const auto model = embedded_model(html);
  ASSERT_TRUE(model.is_object());
  EXPECT_TRUE(model["neurons"].empty());
  EXPECT_TRUE(model["synapses"].empty());
}

TEST(HtmlEscape, Characters) {
  EXPECT_EQ(markup_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  EXPECT_EQ(script_safe_json(Json("</script>")), "\"\\u003c/script>\"");
}
