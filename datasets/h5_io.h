// The few typed HDF5 operations puzzle files need, without torch.
//
// checkpoints/tensor_h5 does the same for torch tensors; datasets/ must not
// depend on torch, so it has these plain-vector versions. Everything written
// here is reproducible: objects carry no timestamps, types are explicit
// little-endian, so two builds with the same inputs are byte-identical.
// A file that cannot be read is an InputError naming the file and the object;
// a write that fails (a full disk) is a std::runtime_error naming the file and
// giving the OS's reason (common/h5_error.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/h5_handle.h"

namespace recur::datasets {

// Whether the HDF5 library serialises calls from several threads itself.
bool h5_is_thread_safe();

// Opens an existing file read-only; a missing, truncated or non-HDF5 file is an InputError.
H5Handle h5_open_read(const std::string& path);
// Creates (truncates) a file whose objects carry no timestamps.
H5Handle h5_create(const std::string& path);
// Flushes and closes a file being written; throws when HDF5 could not write.
void h5_close_written(H5Handle& file, const std::string& path);
H5Handle h5_create_group(hid_t loc, const std::string& name, const std::string& file);
H5Handle h5_open_dataset(hid_t loc, const std::string& name, const std::string& file, hid_t dapl = 0);
bool h5_exists(hid_t loc, const std::string& name);

// Dataset creation property list without timestamps (callers add chunking/filters).
H5Handle h5_dataset_create_plist();

// Whole 1-D integer arrays (int32 or int64), written contiguous.
void h5_write_vector(hid_t loc, const std::string& name, const std::vector<int32_t>& v, const std::string& file);
void h5_write_vector(hid_t loc, const std::string& name, const std::vector<int64_t>& v, const std::string& file);
// Reads a 1-D integer dataset, checking its rank and that it is an integer
// type of `bytes` bytes; values are converted to T by HDF5.
std::vector<int32_t> h5_read_int32_vector(hid_t loc, const std::string& name, const std::string& file);
std::vector<int64_t> h5_read_int64_vector(hid_t loc, const std::string& name, const std::string& file);

// Variable-length UTF-8 strings: a 1-D list, or one scalar string.
void h5_write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v, const std::string& file);
std::vector<std::string> h5_read_strings(hid_t loc, const std::string& name, const std::string& file);
void h5_write_string(hid_t loc, const std::string& name, const std::string& s, const std::string& file);
std::string h5_read_string(hid_t loc, const std::string& name, const std::string& file);

// Shape of a dataset; checks that its type is an integer of `bytes` bytes and
// the given signedness. `what` names the object in messages.
std::vector<int64_t> h5_integer_dataset_shape(hid_t dset, int bytes, bool is_signed, const std::string& file,
                                              const std::string& what);

// Scalar attributes on object `loc` (a file, group or dataset).
void h5_write_attr(hid_t loc, const std::string& key, const std::string& value, const std::string& file);
void h5_write_attr(hid_t loc, const std::string& key, int64_t value, const std::string& file);
void h5_write_attr(hid_t loc, const std::string& key, double value, const std::string& file);
bool h5_has_attr(hid_t loc, const std::string& key);
std::string h5_read_attr_string(hid_t loc, const std::string& key, const std::string& file);
int64_t h5_read_attr_int(hid_t loc, const std::string& key, const std::string& file);
double h5_read_attr_double(hid_t loc, const std::string& key, const std::string& file);

}  // namespace recur::datasets
