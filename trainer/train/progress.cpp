// Progress line / periodic progress lines (see progress.h).
#include "trainer/train/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace recur::trainer {

Progress::Progress(int64_t total_steps, int64_t first_step, double budget_s, FILE* out, double period_s)
    : total_steps_(total_steps),
      first_step_(first_step),
      budget_s_(budget_s),
      out_(out),
      tty_(isatty(fileno(out)) != 0),
      period_s_(period_s),
      start_(Clock::now()),
      last_draw_(Clock::now() - std::chrono::hours(1)) {}

std::string Progress::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lds", s);
  }
  return buf;
}

bool Progress::due(int64_t step) {
  const auto now = Clock::now();
  const double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  if (since_draw < (tty_ ? 0.25 : period_s_) && step != total_steps_) return false;
  last_draw_ = now;
  return true;
}

double Progress::elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

double Progress::eta_s(int64_t step) const {
  const int64_t done_here = step - first_step_;
  return done_here > 0 ? elapsed_s() / done_here * (total_steps_ - step) : NAN;
}

void Progress::draw(const char* line) {
  if (tty_) {
    std::fprintf(out_, "\r\033[K%s", line);  // redraw in place, clear the rest
    line_open_ = true;
  } else {
    std::fprintf(out_, "%s\n", line);
  }
  std::fflush(out_);
}

void Progress::update(int64_t step, double loss, double accuracy, double samples_per_s, double train_seconds) {
  if (!due(step)) return;
  double eta = eta_s(step);
  // The budget counts training time only (not evaluations), like max_train_minutes.
  const double budget_left = budget_s_ - train_seconds;
  const bool budget_binds = budget_s_ > 0 && !(eta <= budget_left);
  if (budget_binds) eta = std::max(0.0, budget_left);
  char line[256];
  std::snprintf(line, sizeof line, "step %lld/%lld (%.1f%%) loss %.4f acc %.4f %.1f samples/s elapsed %s ETA %s%s",
                static_cast<long long>(step), static_cast<long long>(total_steps_),
                total_steps_ > 0 ? 100.0 * step / total_steps_ : 0.0, loss, accuracy, samples_per_s,
                format_duration(elapsed_s()).c_str(), format_duration(eta).c_str(), budget_binds ? " (time budget)" : "");
  draw(line);
}

void Progress::update_count(int64_t done, double samples_per_s, const std::string& unit) {
  if (!due(done)) return;
  char line[256];
  std::snprintf(line, sizeof line, "%s %lld/%lld (%.1f%%) %.1f samples/s elapsed %s ETA %s", unit.c_str(),
                static_cast<long long>(done), static_cast<long long>(total_steps_),
                total_steps_ > 0 ? 100.0 * done / total_steps_ : 0.0, samples_per_s,
                format_duration(elapsed_s()).c_str(), format_duration(eta_s(done)).c_str());
  draw(line);
}

void Progress::message(const std::string& line) {
  finish();
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

void Progress::finish() {
  if (line_open_) std::fputc('\n', out_);
  line_open_ = false;
}

}  // namespace recur::trainer
