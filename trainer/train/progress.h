// The training progress display.
//
// On an interactive terminal: one line redrawn in place (step, loss,
// accuracy, speed, ETA). Under Slurm or with output redirected there is no
// terminal to redraw, so it prints a plain line every `period_s` seconds
// instead: log files stay readable and grep-able.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace recur::trainer {

class Progress {
 public:
  // `total_steps` is the planned number of optimizer steps; `first_step` is
  // where this process starts (non-zero after a resume) so the ETA only uses
  // steps timed here. `budget_s` is the training-time budget (max_train_minutes
  // in seconds, 0 = none): when it ends training first, the ETA is the budget's.
  Progress(int64_t total_steps, int64_t first_step, double budget_s = 0, FILE* out = stderr,
           double period_s = 30.0);

  // Called after each training step with the run's training seconds so far;
  // draws at most a few times a second.
  void update(int64_t step, double loss, double accuracy, double samples_per_s, double train_seconds);
  // Other counted work (inference batches, adaptation steps): "UNIT done/total
  // (x%) N samples/s elapsed E ETA T", drawn as update() draws.
  void update_count(int64_t done, double samples_per_s, const std::string& unit);
  // Prints a line that must not be overwritten (eval results, warnings).
  void message(const std::string& line);
  // Ends the in-place line so later output starts on a fresh line.
  void finish();

  static std::string format_duration(double seconds);  // "1h02m", "3m05s", "12s"

 private:
  using Clock = std::chrono::steady_clock;
  bool due(int64_t step);  // time to draw again (always at the last step)
  double elapsed_s() const;
  double eta_s(int64_t step) const;  // from the rate of the steps timed here
  void draw(const char* line);
  int64_t total_steps_;
  int64_t first_step_;
  double budget_s_;
  FILE* out_;
  bool tty_;
  double period_s_;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  bool line_open_ = false;
};

}  // namespace recur::trainer
