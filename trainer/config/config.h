// The typed training configuration: every key of the reference repos'
// cfg_pretrain.yaml and arch/*.yaml that recur supports, plus recur's own
// keys (run folder, resume, threads, budgets). Defaults are the reference
// defaults (spec trm.md 1.2) unless a comment says otherwise.
//
// Recipes are YAML; config_loader.h turns a recipe + dotted overrides into
// this struct, and prints it back as the fully resolved YAML of a run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recur::trainer {

struct LossConfig {
  std::string name = "ACTLossHead";
  std::string loss_type = "stablemax_cross_entropy";  // or softmax_cross_entropy
};

struct ArchConfig {
  std::string name = "trm";  // trm | hrm | urm
  LossConfig loss;
  double halt_exploration_prob = 0.1;
  int64_t halt_max_steps = 16;
  int64_t H_cycles = 3;
  int64_t L_cycles = 6;
  int64_t H_layers = 0;  // HRM only (TRM ignores it)
  int64_t L_layers = 2;
  int64_t hidden_size = 512;
  int64_t num_heads = 8;
  double expansion = 4.0;
  int64_t puzzle_emb_ndim = 512;
  std::string pos_encodings = "rope";  // rope | learned | none
  // auto: float32 on CPU, bfloat16 on CUDA (the reference trains in bfloat16).
  std::string forward_dtype = "auto";  // auto | float32 | bfloat16
  bool flash_attention = true;         // bf16 attention on CUDA through the flash kernel
  bool mlp_t = false;                  // TRM: MLP over the sequence instead of attention
  int64_t puzzle_emb_len = 16;         // TRM prefix slots; HRM and URM use ceil(ndim / hidden)
  std::string conv_dtype = "bfloat16";  // URM: ConvSwiGLU island, bfloat16 (reference) | float32
  bool no_ACT_continue = true;         // TRM: halt on q_halt > 0, no continue loss
  double rms_norm_eps = 1e-5;
  double rope_theta = 10000.0;
};

// One entry of `evaluators` (trainer/eval/evaluator_registry.h lists the
// names). Keys are shared by all evaluators; each reads the ones it uses.
struct EvaluatorConfig {
  std::string name = "arc";
  // arc
  bool aggregated_voting = true;  // reference: votes accumulate across evaluations
  std::vector<int64_t> pass_Ks = {1, 2, 5, 10, 100, 1000};
  int64_t submission_K = 2;
  std::string task_rule = "fraction";  // fraction (TRM) | all (HRM): how a task with several test inputs scores
  int64_t saved_candidates = 10;       // candidates per test input kept in arc_predictions.json
  // samples
  int64_t saved_samples = 16;  // held-out puzzles (the first of the test split) kept in samples.json
};

struct Config {
  // Data
  std::vector<std::string> data_paths;       // HDF5 puzzle files (recur data ...)
  std::vector<std::string> data_paths_test;  // optional separate test files
  std::vector<EvaluatorConfig> evaluators;

  // Model
  ArchConfig arch;

  // Schedule
  int64_t global_batch_size = 768;
  int64_t epochs = 100000;
  int64_t eval_interval = 10000;
  int64_t min_eval_interval = 0;
  bool checkpoint_every_eval = true;

  // Optimizers
  double lr = 1e-4;
  double lr_min_ratio = 1.0;
  int64_t lr_warmup_steps = 2000;
  int64_t lr_schedule_lag = 0;  // URM: 1, its schedule is read before the step count advances
  double beta1 = 0.9;
  double beta2 = 0.95;
  double weight_decay = 0.1;
  double puzzle_emb_weight_decay = 0.1;
  double puzzle_emb_lr = 1e-2;
  bool use_muon = false;  // URM's Muon + AdamW (optim/muon.h) instead of AdamATan2
  bool freeze_weights = false;
  bool ema = false;
  double ema_rate = 0.999;

  // Misc (reference)
  int64_t seed = 0;
  std::string project_name;
  std::string run_name;
  std::vector<std::string> eval_save_outputs;

  // recur's own keys
  std::string run_dir;          // default runs/<recipe>/<time>
  std::string resume = "auto";  // auto | never
  std::string resume_data_changed = "refuse";  // refuse | allow: resume on other data (data_fingerprint.h)
  std::string init_from;        // weights only (recur checkpoint or a torch .pt state_dict)
  std::string device = "auto";  // auto | cpu | cuda
  int64_t threads = 0;          // torch threads per rank; 0 = cores / local ranks
  double max_train_minutes = 0;  // wall-clock budget for training; 0 = none
  int64_t stop_after_steps = 0;  // steps this process trains before it saves and exits 0; 0 = none
  double grad_clip_norm = 0;     // 0 = off (the reference does not clip)
  int64_t grad_accum_steps = 1;  // micro-batches per optimizer step (keeps global batch)
  int64_t log_interval = 10;            // steps between metrics.jsonl rows
  bool log_tensorboard = false;         // also write the rows as TensorBoard events in RUN/tensorboard/
  int64_t checkpoint_interval = 1000;   // steps between resume checkpoints; 0 = eval only
  int64_t keep_checkpoints = 3;         // last K resume checkpoints kept
  bool keep_eval_checkpoints = true;    // eval checkpoints are never pruned
  double watchdog_timeout_s = 300;      // a collective stuck this long aborts the job
  double watchdog_first_step_timeout_s = 1800;  // start-up and first step (compile, data)

  // GPU speed switches (docs/gpu.md): on by default, acting on CUDA only.
  bool cuda_graphs = true;     // the supervision step's forward+backward replayed as a CUDA graph
  bool device_metrics = true;  // metrics and the non-finite check stay on the GPU, read every log_interval
  bool deterministic = false;  // deterministic kernels (CUDA: slower), for bit-identical GPU runs
};

}  // namespace recur::trainer
