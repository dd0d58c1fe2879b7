// The shared shell of TRM and HRM (see recursive_model.h).
#include "trainer/models/recursive_model.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace recur::trainer {

RecursiveModel::RecursiveModel(const ArchConfig& arch, const ModelShape& shape, int64_t puzzle_emb_len,
                               torch::ScalarType dtype, torch::Device device, uint64_t init_seed)
    : arch_(arch),
      shape_(shape),
      puzzle_emb_len_(puzzle_emb_len),
      dtype_(dtype),
      tensors_(at::make_generator<at::CPUGeneratorImpl>(init_seed), device),
      embed_tokens_(tensors_, std::string(kPrefix) + "embed_tokens", shape.vocab_size, arch.hidden_size,
                    1.0 / std::sqrt(static_cast<double>(arch.hidden_size))),
      lm_head_(tensors_, std::string(kPrefix) + "lm_head", arch.hidden_size, shape.vocab_size, false),
      q_head_(tensors_, std::string(kPrefix) + "q_head", arch.hidden_size, 2, true) {
  if (arch.puzzle_emb_ndim > 0)
    puzzle_emb_.emplace(tensors_, std::string(kPrefix) + "puzzle_emb", shape.num_puzzle_identifiers,
                        arch.puzzle_emb_ndim);
  if (arch.pos_encodings == "rope")
    rotary_ = make_rotary_embedding(arch.hidden_size / arch.num_heads, state_length(), arch.rope_theta, device);
  else if (arch.pos_encodings == "learned")
    embed_pos_.emplace(tensors_, std::string(kPrefix) + "embed_pos", state_length(), arch.hidden_size,
                       1.0 / std::sqrt(static_cast<double>(arch.hidden_size)));
}

void RecursiveModel::finish_init(const std::vector<std::pair<std::string, std::string>>& states) {
  // Fixed (never trained) initial states, in the forward dtype like the reference's buffers.
  for (const auto& [state, init] : states) {
    state_names_.push_back(state);
    state_inits_.push_back(
        tensors_.trunc_normal_buffer(std::string(kPrefix) + init, {arch_.hidden_size}, 1.0, dtype_));
  }
  torch::NoGradGuard no_grad;
  q_head_.weight.zero_();
  q_head_.bias.fill_(-5.0);
}

BlockShape RecursiveModel::block_shape() const { return block_shape_of(arch_, state_length()); }

torch::Tensor RecursiveModel::input_embeddings(const torch::Tensor& inputs, const torch::Tensor& puzzle_identifiers,
                                               bool collect_puzzle_grad) {
  const int64_t D = arch_.hidden_size;
  torch::Tensor embedding = embed_tokens_.forward(inputs, dtype_);
  if (puzzle_emb_) {
    // The puzzle vector is zero-padded to puzzle_emb_len * D values and prepended as
    // puzzle_emb_len prefix tokens (TRM: the vector in slot 0, 15 zero slots).
    torch::Tensor p = puzzle_emb_->forward(puzzle_identifiers, dtype_, collect_puzzle_grad);
    const int64_t pad = puzzle_emb_len_ * D - p.size(-1);
    if (pad > 0) p = torch::constant_pad_nd(p, {0, pad});
    embedding = torch::cat({p.view({-1, puzzle_emb_len_, D}), embedding}, -2);
  }
  if (embed_pos_) embedding = 0.707106781 * (embedding + embed_pos_->weight.to(dtype_));  // keeps the variance
  return embedding * std::sqrt(static_cast<double>(D));
}

InnerOutput RecursiveModel::forward(const NamedTensors& state, const torch::Tensor& inputs,
                                    const torch::Tensor& puzzle_identifiers, bool collect_puzzle_grad) {
  const torch::Tensor x = input_embeddings(inputs, puzzle_identifiers, collect_puzzle_grad);
  std::vector<torch::Tensor> current;
  for (const auto& entry : state) current.push_back(entry.second);
  const std::vector<torch::Tensor> next = recursion(std::move(current), x);
  const torch::Tensor& answer = next.front();
  InnerOutput out;
  out.logits = lm_head_.forward(answer).narrow(1, puzzle_emb_len_, shape_.seq_len);
  const torch::Tensor q = q_head_.forward(answer.select(1, 0)).to(torch::kFloat32);
  out.q_halt = q.select(-1, 0);
  out.q_continue = q.select(-1, 1);
  for (size_t i = 0; i < next.size(); ++i) out.state.emplace_back(state_names_[i], next[i].detach());
  return out;
}

NamedTensors RecursiveModel::reset(const torch::Tensor& halted, const NamedTensors& state) const {
  const torch::Tensor flag = halted.view({-1, 1, 1});
  NamedTensors out;
  for (size_t i = 0; i < state.size(); ++i)
    out.emplace_back(state[i].first, torch::where(flag, state_inits_[i], state[i].second));
  return out;
}

NamedTensors RecursiveModel::empty_state(int64_t batch_size) const {
  NamedTensors out;
  for (const std::string& name : state_names_)
    out.emplace_back(name, torch::zeros({batch_size, state_length(), arch_.hidden_size},
                                        torch::TensorOptions().dtype(dtype_).device(device())));
  return out;
}

}  // namespace recur::trainer
