// SPDX-License-Identifier: Apache-2.0
#include "report/report_html.hpp"

#include "core/markup.hpp"
#include "report/web_assets.inc"  // kReportCss, kReportJs, kLiveCss, kLiveJs (generated from src/report/web/)

namespace ion::report {

std::string script_safe_json(const Json& j) {
  // Invalid UTF-8 in a name or note is replaced, not thrown on: the report is still written.
  const std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";  // only inside JSON strings, where the escape means the same character
    } else {
      out += c;
    }
  }
  return out;
}

std::string report_page(const Json& model, const std::string& title, const std::string& fallback_text) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      markup_escape(title) + "</title>\n<style>\n" + kReportCss + "</style>\n</head>\n<body>\n";
  h += "<main id=\"ion-report\">\n<noscript><p>The figures of this report are drawn by JavaScript, which is "
       "off. The run's summary:</p><pre>" +
       markup_escape(fallback_text) + "</pre></noscript>\n</main>\n";
  h += "<script type=\"application/json\" id=\"ion-report-model\">" + script_safe_json(model) + "</script>\n";
  h += "<script>\n" + std::string(kReportJs) +
       "\nIonReport.renderPage(\"ion-report-model\", \"ion-report\");\n</script>\n";
  return h + "</body>\n</html>\n";
}

std::string dashboard_page(const Json& config, const std::string& title) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      markup_escape(title) + "</title>\n<style>\n" + kReportCss + kLiveCss + "</style>\n</head>\n<body>\n";
  h += "<section id=\"ion-live\"><noscript><p>The dashboard needs JavaScript.</p></noscript></section>\n";
  h += "<main id=\"ion-report\"><p class=\"note\">Waiting for the first data of the run\u2026</p></main>\n";
  h += "<script type=\"application/json\" id=\"ion-live-config\">" + script_safe_json(config) + "</script>\n";
  h += "<script>\n" + std::string(kReportJs) + std::string(kLiveJs) +
       "\nIonLive.start(\"ion-live-config\", \"ion-live\", \"ion-report\");\n</script>\n";
  return h + "</body>\n</html>\n";
}

std::string render_report_html(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s,
                               const ReportLimits& limits) {
  return report_page(report_model(m, e, s, limits), "ion report: " + s.experiment_name, format_summary(s));
}

}  // namespace ion::report
