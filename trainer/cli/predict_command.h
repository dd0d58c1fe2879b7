// `recur predict`: adapt a checkpoint to unseen ARC tasks and write an ARC
// Prize submission (trainer/train/predict_run.h).
#pragma once

namespace CLI {
class App;
}

namespace recur::trainer {

void add_predict_command(CLI::App& app);

}  // namespace recur::trainer
