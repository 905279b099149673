// SPDX-License-Identifier: Apache-2.0
#include "report/svg.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace ion::report {
namespace {

constexpr double kLeft = 90, kRight = 20, kTop = 28, kBottom = 40;  // margins, px

std::string f1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string tick_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", std::fabs(v) < 1e-12 ? 0.0 : v);
  return buf;
}

Range sane(Range r) {
  if (!std::isfinite(r.lo) || !std::isfinite(r.hi)) return {0, 1};
  if (r.hi < r.lo) std::swap(r.lo, r.hi);
  if (r.hi - r.lo < 1e-12 * std::max(1.0, std::fabs(r.lo))) {
    const double pad = r.lo == 0 ? 1 : std::fabs(r.lo) * 0.05;
    return {r.lo - pad, r.hi + pad};
  }
  return r;
}

bool finite(double a, double b) { return std::isfinite(a) && std::isfinite(b); }

constexpr double kLegendRow_px = 14;

// An XML id from a title: letters and digits kept, the rest as '-'.
std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<double> nice_ticks(Range r, int count) {
  r = sane(r);
  const double raw = (r.hi - r.lo) / std::max(1, count);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> out;
  for (double v = std::ceil(r.lo / step) * step; v <= r.hi + step * 1e-9 && out.size() < 100; v += step) {
    out.push_back(v);
  }
  return out;
}

SvgPlot::SvgPlot(std::string title, Range x, Range y, std::string x_label, std::string y_label, int width_px,
                 int height_px)
    : title_(std::move(title)), x_label_(std::move(x_label)), y_label_(std::move(y_label)), x_(sane(x)),
      y_(sane(y)), w_(width_px), h_(height_px) {}

double SvgPlot::px(double x) const { return kLeft + (x - x_.lo) / (x_.hi - x_.lo) * (w_ - kLeft - kRight); }
double SvgPlot::py(double y) const { return h_ - kBottom - (y - y_.lo) / (y_.hi - y_.lo) * (h_ - kTop - kBottom); }

void SvgPlot::y_labels(const std::vector<std::pair<double, std::string>>& labels) {
  y_labels_ = labels;
  custom_y_ = true;
}

void SvgPlot::x_labels(const std::vector<std::pair<double, std::string>>& labels) {
  x_labels_ = labels;
  custom_x_ = true;
}

void SvgPlot::line(const std::vector<std::pair<double, double>>& pts, const std::string& color, bool step) {
  std::string d;
  bool pen_down = false;
  double prev_y = 0;
  for (const auto& [x, y] : pts) {
    if (!finite(x, y)) {
      pen_down = false;
      continue;
    }
    if (pen_down && step) d += " L" + f1(px(x)) + "," + f1(py(prev_y));
    d += (pen_down ? " L" : " M") + f1(px(x)) + "," + f1(py(y));
    pen_down = true;
    prev_y = y;
  }
  if (d.empty()) return;
  body_ += "<path class=\"series\" fill=\"none\" stroke=\"" + html_escape(color) + "\" stroke-width=\"1.5\" d=\"" +
           d.substr(1) + "\"/>\n";
}

void SvgPlot::ticks(const std::vector<double>& xs, double y, double height, const std::string& color,
                    const std::string& css_class) {
  std::string d;
  const double top = py(y + height / 2), len = py(y - height / 2) - top;
  for (double x : xs) {
    if (std::isfinite(x) && std::isfinite(top)) d += "M" + f1(px(x)) + "," + f1(top) + "v" + f1(len);
  }
  body_ += "<path class=\"" + html_escape(css_class) + "\" stroke=\"" + html_escape(color) +
           "\" stroke-width=\"1\" d=\"" + d + "\"/>\n";
}

void SvgPlot::rect(double x0, double y0, double x1, double y1, const std::string& color, const std::string& title) {
  if (!finite(x0, y0) || !finite(x1, y1)) return;
  const double l = std::min(px(x0), px(x1)), t = std::min(py(y0), py(y1));
  const double w = std::fabs(px(x1) - px(x0)), h = std::fabs(py(y1) - py(y0));
  body_ += "<rect x=\"" + f1(l) + "\" y=\"" + f1(t) + "\" width=\"" + f1(w) + "\" height=\"" + f1(h) +
           "\" fill=\"" + html_escape(color) + "\"><title>" + html_escape(title) + "</title></rect>\n";
}

void SvgPlot::vline(double x, const std::string& color) {
  if (!std::isfinite(x) || x < x_.lo || x > x_.hi) return;
  body_ += "<line x1=\"" + f1(px(x)) + "\" x2=\"" + f1(px(x)) + "\" y1=\"" + f1(kTop) + "\" y2=\"" +
           f1(h_ - kBottom) + "\" stroke=\"" + html_escape(color) + "\" stroke-dasharray=\"4 3\"/>\n";
}

void SvgPlot::legend(const std::vector<std::pair<std::string, std::string>>& entries) {
  legend_entries_ = entries;
}

// Legend entries flow after the title and wrap onto extra rows above the plot; returns the
// markup and the number of extra rows (the plot is moved down by that many rows).
std::pair<std::string, int> SvgPlot::legend_markup() const {
  std::string out;
  double x = kLeft + 20 + 7.5 * static_cast<double>(title_.size());
  int row = 0;
  for (const auto& [text, color] : legend_entries_) {
    const double w = 24 + 6.5 * static_cast<double>(text.size());
    if (x + w > w_ - kRight && x > kLeft) x = kLeft, ++row;
    const double y = 7.0 + kLegendRow_px * row;
    out += "<rect x=\"" + f1(x) + "\" y=\"" + f1(y) + "\" width=\"10\" height=\"10\" fill=\"" + html_escape(color) +
           "\"/><text x=\"" + f1(x + 14) + "\" y=\"" + f1(y + 9) + "\" font-size=\"11\">" + html_escape(text) +
           "</text>\n";
    x += w;
  }
  return {out, row};
}

std::string SvgPlot::axes() const {
  const double x0 = kLeft, x1 = w_ - kRight, y0 = kTop, y1 = h_ - kBottom;
  std::string s = "<rect x=\"" + f1(x0) + "\" y=\"" + f1(y0) + "\" width=\"" + f1(x1 - x0) + "\" height=\"" +
                  f1(y1 - y0) + "\" fill=\"none\" stroke=\"#888\"/>\n";
  std::vector<std::pair<double, std::string>> xl = x_labels_;
  if (!custom_x_) {
    for (double v : nice_ticks(x_, 8)) xl.emplace_back(v, tick_text(v));
  }
  for (const auto& [v, text] : xl) {
    if (!std::isfinite(v)) continue;
    s += "<text x=\"" + f1(px(v)) + "\" y=\"" + f1(y1 + 14) + "\" font-size=\"10\" text-anchor=\"middle\">" +
         html_escape(text) + "</text>\n";
  }
  std::vector<std::pair<double, std::string>> yl = y_labels_;
  if (!custom_y_) {
    for (double v : nice_ticks(y_, 4)) yl.emplace_back(v, tick_text(v));
  }
  for (const auto& [v, text] : yl) {
    if (!std::isfinite(v)) continue;
    s += "<text x=\"" + f1(x0 - 4) + "\" y=\"" + f1(py(v) + 3) + "\" font-size=\"10\" text-anchor=\"end\">" +
         html_escape(text) + "</text>\n";
  }
  s += "<text x=\"" + f1((x0 + x1) / 2) + "\" y=\"" + f1(h_ - 6.0) + "\" font-size=\"11\" text-anchor=\"middle\">" +
       html_escape(x_label_) + "</text>\n";
  const std::string ym = f1((y0 + y1) / 2);
  s += "<text x=\"12\" y=\"" + ym + "\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 " + ym +
       ")\">" + html_escape(y_label_) + "</text>\n";
  return s;
}

std::string SvgPlot::str() const {
  const auto [legend, rows] = legend_markup();
  const int shift = static_cast<int>(kLegendRow_px) * rows, h = h_ + shift;
  // Everything drawn in data coordinates is clipped to the plot area.
  const std::string clip = "clip-" + slug(title_);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w_) + "\" height=\"" +
         std::to_string(h) + "\" viewBox=\"0 0 " + std::to_string(w_) + " " + std::to_string(h) +
         "\" font-family=\"sans-serif\">\n<text x=\"" + f1(kLeft) +
         "\" y=\"16\" font-size=\"13\" font-weight=\"bold\">" + html_escape(title_) + "</text>\n" + legend +
         "<g transform=\"translate(0 " + std::to_string(shift) + ")\">\n<clipPath id=\"" + clip + "\"><rect x=\"" +
         f1(kLeft) + "\" y=\"" + f1(kTop) + "\" width=\"" + f1(w_ - kLeft - kRight) + "\" height=\"" +
         f1(h_ - kTop - kBottom) + "\"/></clipPath>\n" + axes() + "<g clip-path=\"url(#" + clip + ")\">\n" + body_ +
         "</g>\n</g>\n</svg>\n";
}

}  // namespace ion::report
