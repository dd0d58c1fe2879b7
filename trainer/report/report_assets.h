// The report page's stylesheet and script (trainer/report/assets/), compiled
// in by cmake/embed_text.cmake so `recur report` needs no files at run time.
#pragma once

namespace recur::trainer {

extern const char* const kReportCss;
extern const char* const kReportJs;

}  // namespace recur::trainer
