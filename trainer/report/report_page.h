// The report page: one self-contained HTML file (inline CSS, script and SVG;
// no network, no server) of a run folder.
//
// Drawn here, so they show without a script: the run's facts and how it
// ended, what the folder lacks, the resolved config (collapsible), the curves
// (SVG, against step and against wall-clock), the evaluations table. Drawn by
// the page's script (report.js) from the embedded viewer data
// (viewer_data.h): the ARC prediction viewer, which also opens a
// submission.json, and the Sudoku/Maze samples.
#pragma once

#include <string>

#include "trainer/report/run_folder.h"

namespace recur::trainer {

std::string report_html(RunFolder& run);

}  // namespace recur::trainer
