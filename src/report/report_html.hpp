// SPDX-License-Identifier: Apache-2.0
#pragma once
// The self-contained HTML report of a run: one page holding the report model (model.hpp) as
// JSON and the renderer that draws it (src/report/web/, compiled into the binary): no external
// scripts, styles or fonts, so it works offline and from a file:// URL. Without JavaScript the
// page shows the printed summary instead of the figures. Pure: builds a string.
#include <string>

#include "experiment/model.hpp"
#include "record/merge.hpp"
#include "report/analysis.hpp"
#include "report/model.hpp"

namespace ion::report {

std::string render_report_html(const record::MergedRecording& m, const experiment::Experiment& e, const Summary& s,
                               const ReportLimits& limits = {});

// The page around a model: the same renderer can be served with a model that a live view
// updates (IonReport.render(model, element) in the page's script).
std::string report_page(const Json& model, const std::string& title, const std::string& fallback_text);

// The live dashboard's page (src/dashboard/): the same renderer and style as report_page, plus
// the live panel (web/live.js), which draws every model the server streams. `config` (JSON:
// title, stop_allowed, token) is embedded for the panel. No model is embedded.
std::string dashboard_page(const Json& config, const std::string& title);

// JSON text that is safe inside a <script> element: every '<' is written as \u003c.
std::string script_safe_json(const Json& j);

}  // namespace ion::report
