// `recur report RUN_DIR [--out FILE.html] [--print-sample]`.
#pragma once

namespace CLI {
class App;
}

namespace recur::trainer {

void add_report_command(CLI::App& app);

}  // namespace recur::trainer
