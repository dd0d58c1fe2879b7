// The data the report's prediction viewer draws, as one JSON object
// embedded in the page (report.js reads it):
//
//   {"arc": {"step", "K", "task_rule", "evaluator_score", "tasks": [{"id", "train": [[input, output], ...],
//            "test": [{"input", "truth", "votes", "distinct",
//                      "attempts": [{"grid", "votes", "confidence"}]}]}]},
//    "samples": {"step", "kind", "total", "puzzles": [{"index", "input", "truth", "answer"}]}}
//
// Grids are lists of row strings ("0120"): a full ARC-AGI-1 evaluation
// (400 tasks, every demonstration pair) stays near a megabyte. "arc" comes
// from the newest evaluation's arc_predictions.json (written by the ARC
// evaluator, docs/formats.md), "samples" from the newest samples.json
// (Sudoku, Maze); either is null when the run has none.
#pragma once

#include <nlohmann/json.hpp>

#include "trainer/report/run_folder.h"

namespace recur::trainer {

// Candidates shown per test input, best first (the first K are the attempts).
inline constexpr size_t kShownCandidates = 3;

nlohmann::json viewer_data(RunFolder& run);

// An ARC grid (list of lists of colours) as row strings; null for anything else.
nlohmann::json grid_rows(const nlohmann::json& grid);

}  // namespace recur::trainer
