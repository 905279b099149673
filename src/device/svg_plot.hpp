// SPDX-License-Identifier: Apache-2.0
#pragma once
// A minimal self-contained SVG line plot (no external assets), for `ion device --svg`.
// This is the only SVG writer in the C++ code: the run report draws its plots in the browser
// (src/report/web/plot.js), so anything else that needs a static plot uses this one.
#include <string>
#include <vector>

namespace ion::device {

struct SvgSeries {
  std::vector<double> x, y;
};

// Axes with 5 ticks each, a polyline of the points, axis labels and a title.
std::string svg_line_plot(const SvgSeries& s, const std::string& title, const std::string& x_label,
                          const std::string& y_label);

}  // namespace ion::device
