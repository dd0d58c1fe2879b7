// The part the architectures share: the "inner" model of the reference (`model.inner.*`).
//
// Input encoding (token embedding, puzzle-embedding prefix, optional learned
// positions, sqrt(D) scale), the output heads (LM head on the grid positions, Q head
// on prefix slot 0), the fixed initial states and the RoPE tables live here; the
// recursion itself is the subclass's (trm.h, hrm.h). One call of forward() is one
// supervision ("ACT") step on a carried state: one or more named tensors [B, S, D]
// (TRM, HRM: z_H and z_L, each with its initial value H_init, L_init). The heads read
// the first of them (TRM, HRM: z_H).
//
// Tensor names are the reference state_dict names (named_tensors.h). Init draws
// follow the reference's construction order: embed_tokens, lm_head, q_head,
// [embed_pos], the reasoning levels (subclass), the initial states (H_init, L_init);
// then the Q head is overwritten with W = 0, b = -5 so that sigmoid(q) ~ 0.007 at
// the start.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/libtorch.h"
#include "trainer/config/config.h"
#include "trainer/models/casted_layers.h"
#include "trainer/models/named_tensors.h"
#include "trainer/models/puzzle_embedding.h"
#include "trainer/models/reasoning_block.h"
#include "trainer/models/rotary.h"

namespace recur::trainer {

// What the data decides (the dataset file's metadata), as opposed to the ArchConfig.
struct ModelShape {
  int64_t vocab_size = 0;
  int64_t seq_len = 0;  // grid tokens L (900 ARC/Maze, 81 Sudoku)
  int64_t num_puzzle_identifiers = 0;
};

struct InnerOutput {
  NamedTensors state;         // the new carried state, each [B, S, D], detached
  torch::Tensor logits;       // [B, L, vocab] in the forward dtype (prefix positions dropped)
  torch::Tensor q_halt;       // [B] fp32
  torch::Tensor q_continue;   // [B] fp32
};

class RecursiveModel {
 public:
  virtual ~RecursiveModel() = default;
  RecursiveModel(const RecursiveModel&) = delete;
  RecursiveModel& operator=(const RecursiveModel&) = delete;

  // One supervision step from `state` (state_names() order) on the given data (int32
  // inputs [B, L], ids [B]). `collect_puzzle_grad`: route the puzzle rows through a
  // gradient-collecting leaf (training).
  InnerOutput forward(const NamedTensors& state, const torch::Tensor& inputs, const torch::Tensor& puzzle_identifiers,
                      bool collect_puzzle_grad);

  // `state` with the slots where `halted` is true set to each state's initial value.
  NamedTensors reset(const torch::Tensor& halted, const NamedTensors& state) const;
  // A zero state, each [B, S, D] in the forward dtype (the content of a halted slot never matters).
  NamedTensors empty_state(int64_t batch_size) const;
  // The names of the carried state tensors ("z_H", "z_L"; URM "current_hidden").
  const std::vector<std::string>& state_names() const { return state_names_; }

  const NamedTensors& named_parameters() const { return tensors_.parameters(); }
  const NamedTensors& named_persistent_buffers() const { return tensors_.buffers(); }
  PuzzleEmbedding* puzzle_emb() { return puzzle_emb_ ? &*puzzle_emb_ : nullptr; }
  const RotaryEmbedding* rotary() const { return rotary_ ? &*rotary_ : nullptr; }

  torch::ScalarType forward_dtype() const { return dtype_; }
  torch::Device device() const { return tensors_.device(); }
  int64_t puzzle_emb_len() const { return puzzle_emb_len_; }
  int64_t state_length() const { return shape_.seq_len + puzzle_emb_len_; }  // S
  int64_t hidden_size() const { return arch_.hidden_size; }
  const ModelShape& shape() const { return shape_; }

 protected:
  RecursiveModel(const ArchConfig& arch, const ModelShape& shape, int64_t puzzle_emb_len,
                 torch::ScalarType dtype, torch::Device device, uint64_t init_seed);
  // The carried states as (state name, initial-value buffer name), the first read by the
  // heads: draws the initial values (fixed buffers, trunc_normal(1)) in this order and
  // applies the Q-head init. Subclasses call it after building their levels.
  void finish_init(const std::vector<std::pair<std::string, std::string>>& states);
  BlockShape block_shape() const;
  // The recursion of one supervision step on the state (state_names() order) and the
  // embedded input x: returns the new state, with grad where the model keeps it.
  virtual std::vector<torch::Tensor> recursion(std::vector<torch::Tensor> state, const torch::Tensor& x) const = 0;

  static constexpr const char* kPrefix = "model.inner.";
  const ArchConfig arch_;
  const ModelShape shape_;
  const int64_t puzzle_emb_len_;
  const torch::ScalarType dtype_;
  TensorRegistry tensors_;  // declared before the layers: they register into it

 private:
  torch::Tensor input_embeddings(const torch::Tensor& inputs, const torch::Tensor& puzzle_identifiers,
                                 bool collect_puzzle_grad);

  CastedEmbedding embed_tokens_;
  CastedLinear lm_head_;
  CastedLinear q_head_;
  std::optional<PuzzleEmbedding> puzzle_emb_;
  std::optional<RotaryEmbedding> rotary_;
  std::optional<CastedEmbedding> embed_pos_;
  std::vector<std::string> state_names_;
  std::vector<torch::Tensor> state_inits_;  // [D] each, in the forward dtype
};

}  // namespace recur::trainer
