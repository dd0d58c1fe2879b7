// Weights to and from the Python reference repos: .pt state_dict files.
//
// export_state_dict writes what Python's `torch.load(f)` returns as a dict of
// tensors (LibTorch's zip pickle format, the same container torch.save writes).
// import_state_dict reads `torch.save(model.state_dict(), f)` files: the
// zip format of torch >= 1.6, an (Ordered)dict of tensors. The `_orig_mod.`
// prefix torch.compile adds to every key (the reference checkpoints have it)
// is removed, so names match recur's state_dict names.
// A .pt file carries no checksum that LibTorch verifies (its zip reader skips
// CRCs), so unlike a checkpoint .h5 a flipped data bit is not detected, just
// as Python's torch.load would not; structural damage is an InputError.
#pragma once

#include <string>

#include "checkpoints/state_bundle.h"

namespace recur::checkpoints {

// Writes `named` (in order) to `path` atomically; tensors are saved as CPU tensors.
void export_state_dict(const std::string& path, const NamedTensors& named);

// Reads a .pt state_dict; an unreadable or unsupported file (legacy format,
// not a dict, a value that is not a tensor) is an InputError naming the file.
NamedTensors import_state_dict(const std::string& path);

// True when `path` starts like a zip archive (a .pt file), not HDF5 or a folder.
bool looks_like_torch_file(const std::string& path);

}  // namespace recur::checkpoints
