// Torch tensors in HDF5 datasets, and the small attributes around them.
//
// One place that maps torch dtypes to HDF5 types, so checkpoints, golden
// fixtures and exports all agree. bfloat16 has no HDF5 type: it is stored bit
// for bit as uint16 with an attribute `dtype = "bfloat16"`, so a resumed carry
// is identical to the saved one (h5py readers see uint16 and the attribute).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/h5_handle.h"

namespace recur::checkpoints {

// Files. Errors name the file; a missing or unreadable file is an InputError.
H5Handle open_h5_read(const std::string& path);
H5Handle create_h5(const std::string& path);  // truncates

// Datasets. `name` may contain '/', intermediate groups are created on write.
// Writes a contiguous CPU copy of `t`; reads return a CPU tensor of the stored dtype.
void write_tensor(hid_t loc, const std::string& name, const torch::Tensor& t, bool compress = false);
torch::Tensor read_tensor(hid_t loc, const std::string& name, const std::string& file_for_errors);
bool h5_exists(hid_t loc, const std::string& name);  // dataset or group, nested names allowed
// Names of every dataset below group `group` (recursive), relative to it, sorted.
std::vector<std::string> list_datasets(hid_t loc, const std::string& group);

// Scalar attributes on a group or dataset (`obj` is "." for `loc` itself).
void write_attr(hid_t loc, const std::string& obj, const std::string& key, const std::string& value);
void write_attr(hid_t loc, const std::string& obj, const std::string& key, int64_t value);
void write_attr(hid_t loc, const std::string& obj, const std::string& key, double value);
bool has_attr(hid_t loc, const std::string& obj, const std::string& key);
std::string read_attr_string(hid_t loc, const std::string& obj, const std::string& key,
                             const std::string& file_for_errors);
int64_t read_attr_int(hid_t loc, const std::string& obj, const std::string& key,
                      const std::string& file_for_errors);
double read_attr_double(hid_t loc, const std::string& obj, const std::string& key,
                        const std::string& file_for_errors);

}  // namespace recur::checkpoints
