// SVG line charts (see svg_chart.h).
#include "trainer/report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace recur::trainer {
namespace {

constexpr double kWidth = 460, kHeight = 240;
constexpr double kLeft = 58, kRight = 12, kBottom = 38;
constexpr double kLegendRow = 12;  // one legend line; the plot starts below the legend
// Colour-blind-safe (Okabe-Ito), in legend order.
constexpr const char* kSeriesColours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"};

std::string format_number(double v, AxisFormat format) {
  char text[48];
  switch (format) {
    case AxisFormat::kPercent:
      std::snprintf(text, sizeof text, "%.4g%%", 100 * v);
      return text;
    case AxisFormat::kSeconds:
      if (std::abs(v) >= 7200) std::snprintf(text, sizeof text, "%.4gh", v / 3600);
      else if (std::abs(v) >= 120) std::snprintf(text, sizeof text, "%.4gm", v / 60);
      else std::snprintf(text, sizeof text, "%.4gs", v);
      return text;
    case AxisFormat::kNumber:
      break;
  }
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

// Round-number ticks (1, 2 or 5 times a power of ten) covering [lo, hi].
std::vector<double> nice_ticks(double lo, double hi) {
  const double raw = (hi - lo) / 4;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

// At most kMaxChartPoints points: means of runs of consecutive finite points.
ChartSeries downsample(const ChartSeries& s) {
  ChartSeries finite{s.name, {}, {}};
  for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
    if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
      finite.x.push_back(s.x[i]);
      finite.y.push_back(s.y[i]);
    }
  }
  const size_t n = finite.x.size();
  if (n <= kMaxChartPoints) return finite;
  ChartSeries out{s.name, {}, {}};
  const size_t per = (n + kMaxChartPoints - 1) / kMaxChartPoints;
  for (size_t start = 0; start < n; start += per) {
    const size_t end = std::min(n, start + per);
    double sx = 0, sy = 0;
    for (size_t i = start; i < end; ++i) {
      sx += finite.x[i];
      sy += finite.y[i];
    }
    out.x.push_back(sx / static_cast<double>(end - start));
    out.y.push_back(sy / static_cast<double>(end - start));
  }
  return out;
}

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
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

std::string line_chart_svg(const ChartSpec& spec) {
  std::vector<ChartSeries> series;
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const ChartSeries& s : spec.series) {
    ChartSeries d = downsample(s);
    if (d.x.empty()) continue;
    x0 = std::min(x0, *std::min_element(d.x.begin(), d.x.end()));
    x1 = std::max(x1, *std::max_element(d.x.begin(), d.x.end()));
    y0 = std::min(y0, *std::min_element(d.y.begin(), d.y.end()));
    y1 = std::max(y1, *std::max_element(d.y.begin(), d.y.end()));
    series.push_back(std::move(d));
  }
  if (series.empty()) return "";
  if (x1 - x0 <= 0) { x0 -= 0.5; x1 += 0.5; }
  if (y1 - y0 <= 0) {
    const double pad = y0 == 0 ? 1 : std::abs(y0) * 0.1;
    y0 -= pad;
    y1 += pad;
  }
  // The legend: "name last-value" entries, wrapped to the chart's width.
  struct LegendEntry {
    std::string label;
    double x, y;
  };
  std::vector<LegendEntry> legend;
  double legend_x = kLeft, legend_y = 29;
  for (const ChartSeries& s : series) {
    const std::string label = s.name + " " + format_number(s.y.back(), spec.y_format);
    const double width = 18 + 5.6 * static_cast<double>(label.size());
    if (legend_x > kLeft && legend_x + width > kWidth) {
      legend_x = kLeft;
      legend_y += kLegendRow;
    }
    legend.push_back({label, legend_x, legend_y});
    legend_x += width;
  }
  const double top = legend_y + 6;
  const double pw = kWidth - kLeft - kRight, ph = kHeight - top - kBottom;
  auto px = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * pw; };
  auto py = [&](double y) { return top + (1 - (y - y0) / (y1 - y0)) * ph; };

  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
                    "\" role=\"img\" aria-label=\"" + html_escape(spec.title) + "\">";
  svg += "<text class=\"chart-title\" x=\"" + num(kLeft) + "\" y=\"14\">" + html_escape(spec.title) + "</text>";
  for (double t : nice_ticks(y0, y1)) {
    svg += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kWidth - kRight) + "\" y1=\"" + num(py(t)) +
           "\" y2=\"" + num(py(t)) + "\"/>";
    svg += "<text class=\"tick\" text-anchor=\"end\" x=\"" + num(kLeft - 4) + "\" y=\"" + num(py(t) + 3) + "\">" +
           html_escape(format_number(t, spec.y_format)) + "</text>";
  }
  for (double t : nice_ticks(x0, x1)) {
    svg += "<text class=\"tick\" text-anchor=\"middle\" x=\"" + num(px(t)) + "\" y=\"" + num(kHeight - kBottom + 14) +
           "\">" + html_escape(format_number(t, spec.x_format)) + "</text>";
  }
  svg += "<rect class=\"frame\" x=\"" + num(kLeft) + "\" y=\"" + num(top) + "\" width=\"" + num(pw) + "\" height=\"" +
         num(ph) + "\"/>";
  svg += "<text class=\"axis-label\" text-anchor=\"middle\" x=\"" + num(kLeft + pw / 2) + "\" y=\"" +
         num(kHeight - 6) + "\">" + html_escape(spec.x_label) + "</text>";
  for (size_t i = 0; i < series.size(); ++i) {
    const std::string colour = kSeriesColours[i % (sizeof kSeriesColours / sizeof *kSeriesColours)];
    const ChartSeries& s = series[i];
    const std::string last = format_number(s.y.back(), spec.y_format);
    if (s.x.size() == 1) {
      svg += "<circle cx=\"" + num(px(s.x[0])) + "\" cy=\"" + num(py(s.y[0])) + "\" r=\"3\" fill=\"" + colour +
             "\"><title>" + html_escape(s.name + " " + last) + "</title></circle>";
    } else {
      svg += "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.5\" points=\"";
      for (size_t j = 0; j < s.x.size(); ++j) svg += num(px(s.x[j])) + "," + num(py(s.y[j])) + " ";
      svg += "\"><title>" + html_escape(s.name + " (last " + last + ")") + "</title></polyline>";
    }
    const LegendEntry& l = legend[i];
    svg += "<rect x=\"" + num(l.x) + "\" y=\"" + num(l.y - 8) + "\" width=\"9\" height=\"9\" fill=\"" + colour + "\"/>";
    svg += "<text class=\"legend\" x=\"" + num(l.x + 12) + "\" y=\"" + num(l.y) + "\">" + html_escape(l.label) + "</text>";
  }
  return svg + "</svg>";
}

}  // namespace recur::trainer
