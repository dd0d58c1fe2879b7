// The progress line: its duration format, and an ETA that is the time
// budget's when max_train_minutes ends training before the planned steps.
#include "trainer/train/progress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>

namespace recur::trainer {
namespace {

// Every line a non-terminal Progress printed.
std::string printed(FILE* f) {
  std::string text;
  std::rewind(f);
  for (int c; (c = std::fgetc(f)) != EOF;) text.push_back(static_cast<char>(c));
  return text;
}

TEST(Progress, FormatsDurations) {
  EXPECT_EQ(Progress::format_duration(12.4), "12s");
  EXPECT_EQ(Progress::format_duration(185), "3m05s");
  EXPECT_EQ(Progress::format_duration(3720), "1h02m");
  EXPECT_EQ(Progress::format_duration(-1), "?");
}

// 1 step in ~50 ms of a million: the steps say ~14 hours; 50 of the 60
// budgeted training seconds are spent, so 10 s are left, and that is the ETA.
TEST(Progress, TheTimeBudgetBoundsTheEta) {
  FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress budgeted(1000000, 0, /*budget_s=*/60, f, /*period_s=*/0);
    Progress unbounded(1000000, 0, /*budget_s=*/0, f, /*period_s=*/0);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    budgeted.update(1, 2.0, 0.5, 100.0, /*train_seconds=*/50);
    unbounded.update(1, 2.0, 0.5, 100.0, /*train_seconds=*/50);
  }
  const std::string text = printed(f);
  std::fclose(f);
  EXPECT_NE(text.find("step 1/1000000 (0.0%) loss 2.0000 acc 0.5000 100.0 samples/s elapsed 0s ETA 10s (time budget)\n"),
            std::string::npos)
      << text;
  const size_t second = text.find('\n') + 1;
  // 0.05 s (or more) x 999,999 steps: hours.
  EXPECT_TRUE(std::regex_search(text.substr(second), std::regex("ETA [0-9]+h[0-9]{2}m\n"))) << text;
  EXPECT_EQ(text.find("(time budget)", second), std::string::npos) << text;
}

}  // namespace
}  // namespace recur::trainer
