// SPDX-License-Identifier: Apache-2.0
#pragma once
// A tiny SVG plot writer for the report: one plot area with axes, ticks, lines, tick rasters,
// rectangles and a legend, in data coordinates. Output is a complete, standalone <svg> element
// (no scripts, no external resources); its clip-path id derives from the title, so titles must be
// unique within one HTML page. Non-finite data points are skipped (they break a line),
// so the output never contains NaN or inf.
#include <string>
#include <utility>
#include <vector>

namespace ion::report {

struct Range {
  double lo = 0, hi = 1;
};

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(const std::string& s);
// Up to ~`count` "nice" tick values (1, 2, 5 × 10^k steps) covering r.
std::vector<double> nice_ticks(Range r, int count);

class SvgPlot {
 public:
  // A degenerate or non-finite range is widened to something drawable.
  SvgPlot(std::string title, Range x, Range y, std::string x_label, std::string y_label, int width_px = 760,
          int height_px = 240);

  // Replaces the numeric y tick labels (e.g. neuron names on a raster).
  void y_labels(const std::vector<std::pair<double, std::string>>& labels);
  // Replaces the numeric x tick labels (e.g. phase names on a bar chart).
  void x_labels(const std::vector<std::pair<double, std::string>>& labels);
  // A polyline; `step` draws it as a staircase (value holds until the next point).
  void line(const std::vector<std::pair<double, double>>& pts, const std::string& color, bool step = false);
  // Vertical ticks at xs, centred on y, of total height `height` in data units; one <path>.
  void ticks(const std::vector<double>& xs, double y, double height, const std::string& color,
             const std::string& css_class);
  // A filled rectangle from (x0, y0) to (x1, y1) with a hover title.
  void rect(double x0, double y0, double x1, double y1, const std::string& color, const std::string& title);
  // A dashed vertical line across the plot (phase boundaries).
  void vline(double x, const std::string& color);
  // (label, color) pairs, drawn in the title row after the title.
  void legend(const std::vector<std::pair<std::string, std::string>>& entries);

  std::string str() const;

 private:
  double px(double x) const;
  double py(double y) const;
  std::string axes() const;
  std::pair<std::string, int> legend_markup() const;

  std::string title_, x_label_, y_label_;
  Range x_, y_;
  int w_, h_;
  std::vector<std::pair<double, std::string>> y_labels_;
  std::vector<std::pair<double, std::string>> x_labels_;
  bool custom_y_ = false, custom_x_ = false;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> legend_entries_;
};

}  // namespace ion::report
