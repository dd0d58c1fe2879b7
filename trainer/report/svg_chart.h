// Line charts as inline SVG text, for the report's curves.
//
// The page must open from disk with no network and no script library, so
// each chart is drawn here as plain SVG: axes with round-number ticks, one
// polyline per series, a legend. A series of thousands of logged steps is
// drawn as at most kMaxChartPoints points, each the mean of a run of
// consecutive rows, so a long run's page stays small and its curves readable.
#pragma once

#include <string>
#include <vector>

namespace recur::trainer {

inline constexpr size_t kMaxChartPoints = 400;

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;  // same length; non-finite values are skipped
};

enum class AxisFormat { kNumber, kSeconds, kPercent };

struct ChartSpec {
  std::string title;
  std::string x_label;
  AxisFormat x_format = AxisFormat::kNumber;
  AxisFormat y_format = AxisFormat::kNumber;
  std::vector<ChartSeries> series;
};

// An <svg> element; an empty string when no series has a finite point.
std::string line_chart_svg(const ChartSpec& spec);

// Text safe inside HTML and SVG elements and attributes.
std::string html_escape(const std::string& text);

}  // namespace recur::trainer
