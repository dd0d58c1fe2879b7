// `recur eval RUN_DIR | CHECKPOINT... [--data FILE.h5] [--ema|--no-ema] [--out DIR] [key=value ...]`.
#pragma once

namespace CLI {
class App;
}

namespace recur::trainer {

void add_eval_command(CLI::App& app);

}  // namespace recur::trainer
