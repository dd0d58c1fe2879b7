// Helpers shared by the models_/golden_/optim_ tests: where the shared fixtures are,
// and small model configs that build and step in milliseconds.
#pragma once

#include <ATen/CPUGeneratorImpl.h>

#include <cstdlib>
#include <string>

#include "common/libtorch.h"
#include "test_paths.h"
#include "trainer/config/config.h"
#include "trainer/models/act.h"

namespace recur::testing {

// The golden fixtures' data shape: vocabulary 12, 16 tokens, 5 puzzle identifiers.
inline const trainer::ModelShape kTinyShape{12, 16, 5};

// A TRM with the golden fixtures' sizes (hidden 64, 4 heads, 2 layers).
inline trainer::ArchConfig tiny_trm(bool mlp_t = false) {
  trainer::ArchConfig a;
  a.name = "trm";
  a.hidden_size = 64;
  a.num_heads = 4;
  a.puzzle_emb_ndim = 64;
  a.puzzle_emb_len = 4;
  a.H_cycles = 3;
  a.L_cycles = 2;
  a.halt_max_steps = 4;
  a.halt_exploration_prob = 0.0;  // as in the fixtures: halting then depends on the Q head only
  a.mlp_t = mlp_t;
  a.pos_encodings = mlp_t ? "none" : "rope";
  a.forward_dtype = "float32";
  return a;
}

inline trainer::ArchConfig tiny_hrm() {
  trainer::ArchConfig a = tiny_trm();
  a.name = "hrm";
  a.H_layers = 2;
  a.H_cycles = 2;
  return a;
}

// A URM with the golden fixture's sizes (2 layers, H_cycles 2, L_cycles 2, 1 prefix slot).
inline trainer::ArchConfig tiny_urm() {
  trainer::ArchConfig a = tiny_trm();
  a.name = "urm";
  a.H_cycles = 2;
  return a;
}

// A random batch: tokens in [0, vocab), labels in [1, vocab), ids in [0, num_ids).
inline trainer::Batch random_batch(int64_t batch, const trainer::ModelShape& shape, uint64_t seed) {
  torch::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto i32 = torch::TensorOptions().dtype(torch::kInt32);
  return {torch::randint(0, shape.vocab_size, {batch, shape.seq_len}, gen, i32),
          torch::randint(1, shape.vocab_size, {batch, shape.seq_len}, gen, i32),
          torch::randint(0, shape.num_puzzle_identifiers, {batch}, gen, i32)};
}

// Trainable parameters, as the papers count them (the puzzle table is a buffer).
inline int64_t parameter_count(const trainer::ActModel& m) {
  int64_t n = 0;
  for (const auto& [name, p] : m.named_parameters()) n += p.numel();
  return n;
}

}  // namespace recur::testing
