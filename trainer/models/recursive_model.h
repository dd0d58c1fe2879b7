// The part TRM and HRM share: the "inner" model of the reference (`model.inner.*`).
//
// Input encoding (token embedding, puzzle-embedding prefix, optional learned
// positions, sqrt(D) scale), the output heads (LM head on the grid positions, Q head
// on prefix slot 0), the fixed initial states H_init/L_init and the RoPE tables live
// here; the recursion itself is the subclass's (trm.h, hrm.h). One call of
// forward() is one supervision ("ACT") step on a carried state (z_H, z_L).
//
// Tensor names are the reference state_dict names (named_tensors.h). Init draws
// follow the reference's construction order: embed_tokens, lm_head, q_head,
// [embed_pos], the reasoning levels (subclass), H_init, L_init; then the Q head is
// overwritten with W = 0, b = -5 so that sigmoid(q) ~ 0.007 at the start.
#pragma once

#include <memory>
#include <optional>
#include <utility>

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
  torch::Tensor z_H, z_L;     // new carried state [B, S, D], detached
  torch::Tensor logits;       // [B, L, vocab] in the forward dtype (prefix positions dropped)
  torch::Tensor q_halt;       // [B] fp32
  torch::Tensor q_continue;   // [B] fp32
};

class RecursiveModel {
 public:
  virtual ~RecursiveModel() = default;
  RecursiveModel(const RecursiveModel&) = delete;
  RecursiveModel& operator=(const RecursiveModel&) = delete;

  // One supervision step from (z_H, z_L) on the given data (int32 inputs [B, L], ids [B]).
  // `collect_puzzle_grad`: route the puzzle rows through a gradient-collecting leaf (training).
  InnerOutput forward(const torch::Tensor& z_H, const torch::Tensor& z_L, const torch::Tensor& inputs,
                      const torch::Tensor& puzzle_identifiers, bool collect_puzzle_grad);

  // (z_H, z_L) with the slots where `halted` is true set to H_init / L_init.
  std::pair<torch::Tensor, torch::Tensor> reset(const torch::Tensor& halted, const torch::Tensor& z_H,
                                                const torch::Tensor& z_L) const;
  // A zero state [B, S, D] in the forward dtype (the content of a halted slot never matters).
  torch::Tensor empty_state(int64_t batch_size) const;

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
  // Draws H_init/L_init and applies the Q-head init; subclasses call it after building their levels.
  void finish_init();
  BlockShape block_shape() const;
  // The recursion of one supervision step: returns the new (z_H, z_L), with grad where the model keeps it.
  virtual std::pair<torch::Tensor, torch::Tensor> recursion(torch::Tensor z_H, torch::Tensor z_L,
                                                            const torch::Tensor& x) const = 0;

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
  torch::Tensor H_init_, L_init_;
};

}  // namespace recur::trainer
