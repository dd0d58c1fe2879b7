// Torch tensors in HDF5 datasets, and the small attributes around them.
//
// One place that maps torch dtypes to HDF5 types, so checkpoints, golden
// fixtures and exports all agree. bfloat16 has no HDF5 type: it is stored bit
// for bit as uint16 with an attribute `dtype = "bfloat16"`, so a resumed carry
// is identical to the saved one (h5py readers see uint16 and the attribute).
// Reads copy bits, never convert: an unsigned 16/32-bit dataset without a
// dtype attribute comes back as the same-width signed torch type, bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/h5_handle.h"
#include "common/libtorch.h"

namespace recur::checkpoints {

// Files. Errors name the file; a missing or unreadable file is an InputError.
// Files are created in the HDF5 1.8 format, whose object headers carry their
// own checksums, so a flipped bit in file metadata is caught by HDF5 itself.
// HDF5 file locking is off (it fails on some cluster file systems).
H5Handle open_h5_read(const std::string& path);
// Writing: errors are std::runtime_errors that give the OS's reason (a full
// disk: "No space left on device") but not the file, which the caller names.
H5Handle create_h5(const std::string& path);  // truncates
// Flushes everything to the OS and closes the file; throws if HDF5 could not write.
void close_h5(H5Handle& file);

// Datasets. `name` may contain '/', intermediate groups are created on write.
// Writes a contiguous CPU copy of `t`; reads return a CPU tensor of the stored dtype.
void write_tensor(hid_t loc, const std::string& name, const torch::Tensor& t, bool compress = false);
torch::Tensor read_tensor(hid_t loc, const std::string& name, const std::string& file_for_errors);
bool h5_exists(hid_t loc, const std::string& name);  // dataset or group, nested names allowed
// Names of every dataset below group `group` (recursive), relative to it, sorted.
std::vector<std::string> list_datasets(hid_t loc, const std::string& group);

// Shape and dtype of a dataset without reading its data (for inspect).
struct TensorMeta {
  torch::ScalarType dtype;
  std::vector<int64_t> sizes;
};
TensorMeta read_tensor_meta(hid_t loc, const std::string& name, const std::string& file_for_errors);
// Reads rows [first, first + rows) along the first axis (all of a 0-d
// dataset) into `out`, contiguous memory of the dataset's element width,
// bits as stored (the bytes of meta.dtype).
void read_tensor_rows(hid_t loc, const std::string& name, const std::string& file_for_errors, int64_t first,
                      int64_t rows, void* out);

// Attributes on a group or dataset (`obj` is "." for `loc` itself): scalars
// and 1-D lists of int64 or strings (a list may be empty).
void write_attr(hid_t loc, const std::string& obj, const std::string& key, const std::string& value);
void write_attr(hid_t loc, const std::string& obj, const std::string& key, int64_t value);
void write_attr(hid_t loc, const std::string& obj, const std::string& key, double value);
void write_attr(hid_t loc, const std::string& obj, const std::string& key, const std::vector<int64_t>& values);
void write_attr(hid_t loc, const std::string& obj, const std::string& key,
                const std::vector<std::string>& values);
bool has_attr(hid_t loc, const std::string& obj, const std::string& key);
std::vector<std::string> list_attrs(hid_t loc, const std::string& obj);  // sorted

enum class AttrKind { kInt, kDouble, kString, kIntList, kStringList, kOther };
AttrKind attr_kind(hid_t loc, const std::string& obj, const std::string& key, const std::string& file_for_errors);

std::string read_attr_string(hid_t loc, const std::string& obj, const std::string& key,
                             const std::string& file_for_errors);
int64_t read_attr_int(hid_t loc, const std::string& obj, const std::string& key,
                      const std::string& file_for_errors);
double read_attr_double(hid_t loc, const std::string& obj, const std::string& key,
                        const std::string& file_for_errors);
std::vector<int64_t> read_attr_ints(hid_t loc, const std::string& obj, const std::string& key,
                                    const std::string& file_for_errors);
std::vector<std::string> read_attr_strings(hid_t loc, const std::string& obj, const std::string& key,
                                           const std::string& file_for_errors);

}  // namespace recur::checkpoints
