// The config keys: one row per key, with its doc and limits; cross-key rules.
//
// RECUR_FIELD(Owner, path) expands to the dotted name AND the accessor from
// the same token, so the printed name and the struct member cannot drift
// apart. A row's type is its member's type. To add a key: add the member to
// config.h with its default, then one row here; parsing, validation,
// --print-config and suggestions follow.
#include "trainer/config/config_keys.h"

#include "trainer/eval/evaluator_registry.h"
#include "trainer/models/architecture.h"

namespace recur::trainer::config_keys {
namespace {

Limits range(std::optional<double> min, std::optional<double> max, bool min_open, bool max_open) {
  Limits limits;
  limits.min = min;
  limits.max = max;
  limits.min_open = min_open;
  limits.max_open = max_open;
  return limits;
}

Limits at_least(double lo) { return range(lo, std::nullopt, false, false); }
Limits above(double lo) { return range(lo, std::nullopt, true, false); }
Limits within(double lo, double hi) { return range(lo, hi, false, false); }
Limits within_upper_open(double lo, double hi) { return range(lo, hi, false, true); }
Limits one_of(std::vector<std::string> choices,
              std::vector<std::pair<std::string, std::string>> aliases = {}) {
  Limits limits;
  limits.choices = std::move(choices);
  limits.aliases = std::move(aliases);
  return limits;
}

std::string str(int64_t value) { return std::to_string(value); }

// "trm (Tiny Recursive Model), hrm (...)": the architecture table's rows.
const char* architecture_doc() {
  static const std::string doc = [] {
    std::string text;
    for (const Architecture* a : architectures())
      text += (text.empty() ? "" : ", ") + std::string(a->name) + " (" + a->description + ")";
    return text;
  }();
  return doc.c_str();
}

}  // namespace

#define RECUR_FIELD(Owner, path) #path, +[](Owner& owner) -> auto& { return owner.path; }

const Schema<EvaluatorConfig>& evaluator_schema() {
  static const Schema<EvaluatorConfig> schema{{
      {RECUR_FIELD(EvaluatorConfig, name),
       "arc: ARC voting over augmentations, pass@K; samples: held-out Sudoku/Maze puzzles with the answers",
       one_of(evaluator_names(), {{"arc@ARC", "arc"}})},
      {RECUR_FIELD(EvaluatorConfig, aggregated_voting),
       "arc: votes accumulate across evaluations (the reference behaviour)"},
      {RECUR_FIELD(EvaluatorConfig, pass_Ks), "arc: K values reported as ARC/pass@K", at_least(1)},
      {RECUR_FIELD(EvaluatorConfig, submission_K), "arc: attempts per test input in submission.json",
       at_least(1)},
      {RECUR_FIELD(EvaluatorConfig, task_rule),
       "arc: a task scores the fraction of its test inputs solved (TRM) or 1 only when all are (HRM)",
       one_of({"fraction", "all"})},
      {RECUR_FIELD(EvaluatorConfig, saved_candidates),
       "arc: candidates per test input saved in arc_predictions.json", at_least(0)},
      {RECUR_FIELD(EvaluatorConfig, saved_samples),
       "samples: held-out puzzles (the first of the test split) saved with the model's answers in samples.json",
       within(0, 1000)},
  }, {}};
  return schema;
}

// Order here is the order of --print-config; keys of a group stay together.
const Schema<Config>& config_schema() {
  static const Schema<Config> schema{
      {
          {RECUR_FIELD(Config, data_paths), "HDF5 puzzle files written by `recur data`"},
          {RECUR_FIELD(Config, data_paths_test), "separate test files; [] = test split of data_paths"},
          {RECUR_FIELD(Config, evaluators), "run at each evaluation: [] or [{name: arc}]"},

          {RECUR_FIELD(Config, arch.name), architecture_doc(), one_of(architecture_names())},
          {RECUR_FIELD(Config, arch.loss.name), "loss head (the reference's losses@ACTLossHead)",
           one_of({"ACTLossHead"}, {{"losses@ACTLossHead", "ACTLossHead"}})},
          {RECUR_FIELD(Config, arch.loss.loss_type), "token loss",
           one_of({"stablemax_cross_entropy", "softmax_cross_entropy"})},
          {RECUR_FIELD(Config, arch.halt_exploration_prob),
           "chance of a random minimum number of ACT steps (training)", within(0, 1)},
          {RECUR_FIELD(Config, arch.halt_max_steps), "most ACT supervision steps per sample (URM: loops)",
           at_least(1)},
          {RECUR_FIELD(Config, arch.H_cycles), "T: high-level cycles per ACT step", at_least(1)},
          {RECUR_FIELD(Config, arch.L_cycles), "n: low-level updates per high-level cycle",
           at_least(1)},
          {RECUR_FIELD(Config, arch.H_layers), "HRM: blocks of the H module (TRM ignores it; URM: 0)",
           at_least(0)},
          {RECUR_FIELD(Config, arch.L_layers),
           "blocks of the L module (TRM's one network; URM: num_layers, its one stack)",
           at_least(1)},
          {RECUR_FIELD(Config, arch.hidden_size), "model width", at_least(1)},
          {RECUR_FIELD(Config, arch.num_heads), "attention heads", at_least(1)},
          {RECUR_FIELD(Config, arch.expansion), "SwiGLU width as a multiple of hidden_size",
           above(0)},
          {RECUR_FIELD(Config, arch.puzzle_emb_ndim), "puzzle-embedding width; 0 = none",
           at_least(0)},
          {RECUR_FIELD(Config, arch.pos_encodings), "position encoding",
           one_of({"rope", "learned", "none"})},
          {RECUR_FIELD(Config, arch.forward_dtype), "auto = float32 on CPU, bfloat16 on CUDA",
           one_of({"auto", "float32", "bfloat16"})},
          {RECUR_FIELD(Config, arch.flash_attention),
           "bfloat16 attention on CUDA through the flash kernel (CPU and float32 ignore it)"},
          {RECUR_FIELD(Config, arch.mlp_t), "TRM: MLP over the sequence instead of attention"},
          {RECUR_FIELD(Config, arch.puzzle_emb_len),
           "TRM: puzzle-embedding slots; 0 = ceil(puzzle_emb_ndim / hidden_size)", at_least(0)},
          {RECUR_FIELD(Config, arch.conv_dtype),
           "URM: dtype of the ConvSwiGLU conv weights, their optimizer state and EMA, and of the conv, "
           "SiLU and down projection; bfloat16 = the reference, float32 = the fp32 variant",
           one_of({"bfloat16", "float32"})},
          {RECUR_FIELD(Config, arch.no_ACT_continue), "TRM: halt on q_halt > 0, no continue loss"},
          {RECUR_FIELD(Config, arch.rms_norm_eps), "RMSNorm epsilon", above(0)},
          {RECUR_FIELD(Config, arch.rope_theta), "RoPE base", above(0)},

          {RECUR_FIELD(Config, global_batch_size), "examples per optimizer step, all ranks",
           at_least(1)},
          {RECUR_FIELD(Config, epochs), "passes over the training set", at_least(1)},
          {RECUR_FIELD(Config, eval_interval), "epochs between evaluations", at_least(1)},
          {RECUR_FIELD(Config, min_eval_interval), "evaluation rounds skipped at the start",
           at_least(0)},
          {RECUR_FIELD(Config, checkpoint_every_eval), "save a checkpoint after each evaluation"},

          {RECUR_FIELD(Config, lr), "peak learning rate (AdamATan2 or Muon, dense weights)", at_least(0)},
          {RECUR_FIELD(Config, lr_min_ratio), "final lr / lr of the cosine decay; 1 = constant",
           within(0, 1)},
          {RECUR_FIELD(Config, lr_warmup_steps), "linear warmup steps", at_least(0)},
          {RECUR_FIELD(Config, lr_schedule_lag),
           "update k uses the schedule at step k - lag; 1 = URM's pretrain.py (first update at lr 0)",
           within(0, 1)},
          {RECUR_FIELD(Config, beta1), "Adam beta1", within_upper_open(0, 1)},
          {RECUR_FIELD(Config, beta2), "Adam beta2", within_upper_open(0, 1)},
          {RECUR_FIELD(Config, weight_decay), "decoupled weight decay", at_least(0)},
          {RECUR_FIELD(Config, puzzle_emb_weight_decay), "puzzle-embedding weight decay",
           at_least(0)},
          {RECUR_FIELD(Config, puzzle_emb_lr), "puzzle-embedding lr (sign SGD)", at_least(0)},
          {RECUR_FIELD(Config, use_muon),
           "URM's Muon for every 2-D weight and its AdamW for the rest instead of AdamATan2 "
           "(ignores beta1, beta2, weight_decay: the reference's constants)"},
          {RECUR_FIELD(Config, freeze_weights), "train the puzzle embeddings only"},
          {RECUR_FIELD(Config, ema), "keep an EMA of the weights; evaluate and save it"},
          {RECUR_FIELD(Config, ema_rate), "EMA decay per step", within_upper_open(0, 1)},

          {RECUR_FIELD(Config, seed), "random seed (init, data order, exploration)", at_least(0)},
          {RECUR_FIELD(Config, project_name), "label for logs (reference key)"},
          {RECUR_FIELD(Config, run_name), "label for logs (reference key)"},
          {RECUR_FIELD(Config, eval_save_outputs), "outputs saved at each evaluation"},

          {RECUR_FIELD(Config, run_dir), "run folder; empty = runs/<recipe>/<time>"},
          {RECUR_FIELD(Config, resume), "auto: continue from the newest checkpoint in run_dir",
           one_of({"auto", "never"})},
          {RECUR_FIELD(Config, resume_data_changed),
           "refuse: resuming on data other than the checkpoint's is an error; allow: continue, logged",
           one_of({"refuse", "allow"})},
          {RECUR_FIELD(Config, init_from), "initial weights: recur checkpoint or torch .pt"},
          {RECUR_FIELD(Config, device), "auto = cuda when available", one_of({"auto", "cpu", "cuda"})},
          {RECUR_FIELD(Config, threads), "torch threads per rank; 0 = cores / ranks on the node",
           at_least(0)},
          {RECUR_FIELD(Config, max_train_minutes), "stop training after this; 0 = no limit",
           at_least(0)},
          {RECUR_FIELD(Config, stop_after_steps),
           "train at most this many steps in this process, save a checkpoint, exit 0; 0 = no limit",
           at_least(0)},
          {RECUR_FIELD(Config, grad_clip_norm), "clip the gradient norm; 0 = off (reference)",
           at_least(0)},
          {RECUR_FIELD(Config, grad_accum_steps), "micro-batches per optimizer step", at_least(1)},
          {RECUR_FIELD(Config, log_interval), "steps between metrics.jsonl rows", at_least(1)},
          {RECUR_FIELD(Config, log_tensorboard),
           "also write the metrics.jsonl scalars as TensorBoard events in RUN/tensorboard/"},
          {RECUR_FIELD(Config, checkpoint_interval), "steps between resume checkpoints; 0 = none",
           at_least(0)},
          {RECUR_FIELD(Config, keep_checkpoints), "resume checkpoints kept", at_least(1)},
          {RECUR_FIELD(Config, keep_eval_checkpoints), "never prune evaluation checkpoints"},
          {RECUR_FIELD(Config, watchdog_timeout_s), "abort when a collective hangs this long",
           above(0)},
          {RECUR_FIELD(Config, watchdog_first_step_timeout_s), "the same for start-up and step 1",
           above(0)},

          {RECUR_FIELD(Config, cuda_graphs),
           "CUDA: capture the supervision step's forward and backward once, replay it (CPU ignores it)"},
          {RECUR_FIELD(Config, device_metrics),
           "CUDA: metrics and the non-finite check stay on the GPU, read every log_interval (CPU ignores it)"},
          {RECUR_FIELD(Config, deterministic),
           "deterministic algorithms (CUDA: slower kernels), so GPU runs repeat bit for bit"},
      },
      // The reference repos' spellings, accepted on input and printed canonically.
      {{"load_checkpoint", "init_from"}, {"data_path", "data_paths"}},
  };
  return schema;
}

const std::vector<Rule>& config_rules() {
  static const std::vector<Rule> rules = {
      {"arch.hidden_size",
       [](const Config& c) -> std::string {
         if (c.arch.hidden_size % c.arch.num_heads == 0) return "";
         return "must be divisible by arch.num_heads (" + str(c.arch.num_heads) + "), got " +
                str(c.arch.hidden_size);
       }},
      {"arch.pos_encodings",
       [](const Config& c) -> std::string {
         const int64_t head_dim = c.arch.hidden_size / c.arch.num_heads;
         if (c.arch.pos_encodings != "rope" || head_dim % 2 == 0) return "";
         return "rope needs an even head size, got hidden_size / num_heads = " + str(head_dim);
       }},
      {"evaluators",
       [](const Config& c) -> std::string {
         for (size_t i = 0; i < c.evaluators.size(); ++i)
           for (size_t j = 0; j < i; ++j)
             if (c.evaluators[i].name == c.evaluators[j].name)
               return "lists " + c.evaluators[i].name + " twice (entries " + str(int64_t(j)) + " and " +
                      str(int64_t(i)) + "): their metrics would share names";
         return "";
       }},
      {"epochs",
       [](const Config& c) -> std::string {
         if (c.epochs % c.eval_interval == 0) return "";
         return "must be a multiple of eval_interval (" + str(c.eval_interval) + "), got " +
                str(c.epochs) + " (the reference trains in whole rounds of eval_interval epochs)";
       }},
      {"global_batch_size",
       [](const Config& c) -> std::string {
         if (c.global_batch_size % c.grad_accum_steps == 0) return "";
         return "must be a multiple of grad_accum_steps (" + str(c.grad_accum_steps) + "), got " +
                str(c.global_batch_size);
       }},
  };
  return rules;
}

}  // namespace recur::trainer::config_keys
