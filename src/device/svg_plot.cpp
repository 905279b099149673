// SPDX-License-Identifier: Apache-2.0
#include "device/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ion::device {
namespace {

constexpr double kW = 640, kH = 420, kL = 80, kR = 20, kT = 40, kB = 60;

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return o;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

void range(const std::vector<double>& v, double& lo, double& hi) {
  lo = INFINITY, hi = -INFINITY;
  for (double x : v)
    if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (hi - lo < 1e-300) lo -= 0.5 * (std::fabs(lo) + 1e-12), hi += 0.5 * (std::fabs(hi) + 1e-12);
}

}  // namespace

std::string svg_line_plot(const SvgSeries& s, const std::string& title, const std::string& xl, const std::string& yl) {
  double x0, x1, y0, y1;
  range(s.x, x0, x1);
  range(s.y, y0, y1);
  auto px = [&](double x) { return kL + (x - x0) / (x1 - x0) * (kW - kL - kR); };
  auto py = [&](double y) { return kH - kB - (y - y0) / (y1 - y0) * (kH - kT - kB); };
  std::string o =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"420\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o += "<text x=\"320\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" + esc(title) + "</text>\n";
  o += "<rect x=\"80\" y=\"40\" width=\"540\" height=\"320\" fill=\"none\" stroke=\"black\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double xv = x0 + (x1 - x0) * i / 4, yv = y0 + (y1 - y0) * i / 4;
    o += "<text x=\"" + num(px(xv)) + "\" y=\"378\" text-anchor=\"middle\">" + num(xv) + "</text>\n";
    o += "<text x=\"74\" y=\"" + num(py(yv) + 4) + "\" text-anchor=\"end\">" + num(yv) + "</text>\n";
  }
  o += "<text x=\"350\" y=\"405\" text-anchor=\"middle\">" + esc(xl) + "</text>\n";
  o += "<text x=\"16\" y=\"200\" text-anchor=\"middle\" transform=\"rotate(-90 16 200)\">" + esc(yl) + "</text>\n";
  o += "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"1.5\" points=\"";
  for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
    if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) o += num(px(s.x[i])) + "," + num(py(s.y[i])) + " ";
  o += "\"/>\n</svg>\n";
  return o;
}

}  // namespace ion::device
