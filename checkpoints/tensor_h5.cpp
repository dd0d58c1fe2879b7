// Torch tensors <-> HDF5 datasets and attributes (see tensor_h5.h).
#include "checkpoints/tensor_h5.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"
#include "common/h5_error.h"

namespace recur::checkpoints {
namespace {

// The HDF5 memory type that holds a torch dtype's bytes.
hid_t h5_type_of(torch::ScalarType t) {
  switch (t) {
    case torch::kFloat32: return H5T_NATIVE_FLOAT;
    case torch::kFloat64: return H5T_NATIVE_DOUBLE;
    case torch::kInt32: return H5T_NATIVE_INT32;
    case torch::kInt64: return H5T_NATIVE_INT64;
    case torch::kInt16: return H5T_NATIVE_INT16;
    case torch::kInt8: return H5T_NATIVE_INT8;
    case torch::kUInt8: return H5T_NATIVE_UINT8;
    case torch::kBool: return H5T_NATIVE_UINT8;  // stored as 0/1 with dtype attribute
    case torch::kBFloat16: return H5T_NATIVE_UINT16;
    case torch::kFloat16: return H5T_NATIVE_UINT16;
    default: throw std::runtime_error(std::string("tensor_h5: unsupported dtype ") + c10::toString(t));
  }
}

// dtypes that HDF5 cannot name get an attribute so they read back as themselves.
const char* special_dtype_name(torch::ScalarType t) {
  switch (t) {
    case torch::kBool: return "bool";
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat16: return "float16";
    default: return nullptr;
  }
}

// The torch dtype whose bytes hold a stored element, before any dtype attribute.
torch::ScalarType storage_type_of(hid_t file_type, const std::string& where) {
  H5T_class_t cls = H5Tget_class(file_type);
  size_t size = H5Tget_size(file_type);
  if (cls == H5T_FLOAT) {
    if (size == 4) return torch::kFloat32;
    if (size == 8) return torch::kFloat64;
  } else if (cls == H5T_INTEGER) {
    bool is_signed = H5Tget_sign(file_type) == H5T_SGN_2;
    if (size == 1) return is_signed ? torch::kInt8 : torch::kUInt8;
    if (size == 2) return torch::kInt16;  // uint16: raw 16-bit words (bf16/fp16 payloads)
    if (size == 4) return torch::kInt32;  // uint32: int32 bit patterns
    if (size == 8) return torch::kInt64;
  }
  throw InputError(where, "unsupported HDF5 element type (class " + std::to_string(cls) + ", " +
                              std::to_string(size) + " bytes)");
}

// The memory type to read `file_type` with: same size and signedness, so HDF5
// copies bits (converting uint16 -> int16 would clip every value >= 0x8000).
H5Handle read_type_of(hid_t file_type) {
  return H5Handle(H5Tget_native_type(file_type, H5T_DIR_ASCEND), H5Tclose);
}

torch::ScalarType apply_special_dtype(hid_t ds, torch::ScalarType stored, const std::string& file,
                                      const std::string& name) {
  if (H5Aexists(ds, "dtype") <= 0) return stored;
  std::string special = read_attr_string(ds, ".", "dtype", file);
  if (special == "bool" && stored == torch::kUInt8) return torch::kBool;
  if (special == "bfloat16" && stored == torch::kInt16) return torch::kBFloat16;
  if (special == "float16" && stored == torch::kInt16) return torch::kFloat16;
  throw InputError(file, "dataset '" + name + "' has dtype attribute '" + special + "' that does not fit its storage");
}

H5Handle open_parent_groups(hid_t loc, const std::string& name, std::string* leaf) {
  // Create (or open) every group along `name`, return the innermost one.
  H5Handle current(H5Oopen(loc, ".", H5P_DEFAULT), H5Oclose);
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    if (slash == std::string::npos) break;
    std::string part = name.substr(start, slash - start);
    start = slash + 1;
    if (part.empty()) continue;
    hid_t g;
    if (H5Lexists(current.get(), part.c_str(), H5P_DEFAULT) > 0) {
      g = H5Gopen2(current.get(), part.c_str(), H5P_DEFAULT);
    } else {
      g = H5Gcreate2(current.get(), part.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    }
    if (g < 0) throw std::runtime_error("cannot create group '" + part + "' for " + name + ": " + h5_failure_reason());
    current = H5Handle(g, H5Gclose);
  }
  *leaf = name.substr(start);
  return current;
}

// The object-visit API changed in HDF5 1.12 (H5O_info2_t); Debian 12 has 1.10.
#if H5_VERSION_GE(1, 12, 0)
using ObjectInfo = H5O_info2_t;
#define RECUR_H5OVISIT H5Ovisit3
#else
using ObjectInfo = H5O_info_t;
#define RECUR_H5OVISIT H5Ovisit2
#endif

herr_t collect_dataset_names(hid_t, const char* name, const ObjectInfo* info, void* out) {
  if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}

herr_t collect_attr_names(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}

H5Handle open_object(hid_t loc, const std::string& obj) {
  hid_t id = H5Oopen(loc, obj.c_str(), H5P_DEFAULT);
  if (id < 0) throw std::runtime_error("tensor_h5: no object '" + obj + "'");
  return H5Handle(id, H5Oclose);
}

H5Handle open_attr(hid_t loc, const std::string& obj, const std::string& key, const std::string& file) {
  if (!has_attr(loc, obj, key)) throw InputError(file, "missing attribute '" + key + "' on '" + obj + "'");
  H5Handle o = open_object(loc, obj);
  H5Handle a(H5Aopen(o.get(), key.c_str(), H5P_DEFAULT), H5Aclose);
  if (!a) throw InputError(file, "cannot open attribute '" + key + "' (corrupt file?)");
  return a;
}

// -1 for a scalar attribute, else the length of its 1-D list.
int64_t attr_length(hid_t attr) {
  H5Handle space(H5Aget_space(attr), H5Sclose);
  if (H5Sget_simple_extent_type(space.get()) == H5S_SCALAR) return -1;
  return H5Sget_simple_extent_npoints(space.get());
}

H5Handle variable_string_type() {
  H5Handle st(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(st.get(), H5T_VARIABLE);
  H5Tset_cset(st.get(), H5T_CSET_UTF8);
  return st;
}

// Creates (replacing) attribute `key` of `type` with `length` elements (-1: scalar) and writes `data`.
void put_attr(hid_t loc, const std::string& obj, const std::string& key, hid_t type, int64_t length,
              const void* data) {
  H5Handle o = open_object(loc, obj);
  if (H5Aexists(o.get(), key.c_str()) > 0) H5Adelete(o.get(), key.c_str());
  hsize_t dims[1] = {static_cast<hsize_t>(std::max<int64_t>(length, 0))};
  H5Handle space(length < 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, nullptr), H5Sclose);
  H5Handle a(H5Acreate2(o.get(), key.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!a || (length != 0 && H5Awrite(a.get(), type, data) < 0))
    throw std::runtime_error("cannot write attribute '" + key + "' on '" + obj + "': " + h5_failure_reason() +
                             " (attributes hold small values: store large data as a tensor)");
}

// File access for checkpoint files: no HDF5 file locks (they fail on some
// Lustre/NFS mounts, and files are published by rename, never shared while
// written). H5Pset_file_locking exists from HDF5 1.10.7 and 1.12.1.
H5Handle file_access(bool for_writing) {
  H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
#if (H5_VERSION_GE(1, 10, 7) && !H5_VERSION_GE(1, 12, 0)) || H5_VERSION_GE(1, 12, 1)
  H5Pset_file_locking(fapl.get(), false, true);
#endif
  if (for_writing) H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  return fapl;
}

}  // namespace

H5Handle open_h5_read(const std::string& path) {
  h5_silence_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw InputError(path, "cannot open file (missing or unreadable)");
    std::fclose(f);
    throw InputError(path, "not an HDF5 file (or truncated/corrupt)");
  }
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, file_access(false).get());
  if (id < 0) throw InputError(path, "cannot open HDF5 file (truncated or corrupt)");
  return H5Handle(id, H5Fclose);
}

H5Handle create_h5(const std::string& path) {
  h5_silence_errors();
  hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, file_access(true).get());
  if (id < 0) throw std::runtime_error("cannot create the HDF5 file: " + h5_failure_reason());
  return H5Handle(id, H5Fclose);
}

void close_h5(H5Handle& file) {
  if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0 || file.close() < 0)
    throw std::runtime_error("cannot write the HDF5 file: " + h5_failure_reason());
}

void write_tensor(hid_t loc, const std::string& name, const torch::Tensor& t, bool compress) {
  torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
  std::string leaf;
  H5Handle parent = open_parent_groups(loc, name, &leaf);
  std::vector<hsize_t> dims(c.sizes().begin(), c.sizes().end());
  H5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  if (dims.empty()) space = H5Handle(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (compress && c.numel() > 0 && !dims.empty()) {
    std::vector<hsize_t> chunk(dims);
    // Chunk along the first axis only, about 1 MiB per chunk.
    size_t row_bytes = c.element_size() * (c.numel() / std::max<int64_t>(dims[0], 1));
    chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(dims[0], (1u << 20) / std::max<size_t>(row_bytes, 1)));
    H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    H5Pset_deflate(dcpl.get(), 1);
  }
  hid_t type = h5_type_of(c.scalar_type());
  if (H5Lexists(parent.get(), leaf.c_str(), H5P_DEFAULT) > 0) H5Ldelete(parent.get(), leaf.c_str(), H5P_DEFAULT);
  H5Handle ds(H5Dcreate2(parent.get(), leaf.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
              H5Dclose);
  if (!ds) throw std::runtime_error("cannot create dataset " + name + ": " + h5_failure_reason());
  if (c.numel() > 0 && H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.data_ptr()) < 0)
    throw std::runtime_error("cannot write dataset " + name + ": " + h5_failure_reason());
  if (const char* special = special_dtype_name(c.scalar_type())) write_attr(ds.get(), ".", "dtype", special);
  if (ds.close() < 0) throw std::runtime_error("cannot write dataset " + name + ": " + h5_failure_reason());
}

TensorMeta read_tensor_meta(hid_t loc, const std::string& name, const std::string& file) {
  if (!h5_exists(loc, name)) throw InputError(file, "missing dataset '" + name + "'");
  H5Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds) throw InputError(file, "cannot open dataset '" + name + "'");
  H5Handle space(H5Dget_space(ds.get()), H5Sclose);
  H5Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw InputError(file, "dataset '" + name + "' has an unreadable shape");
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  torch::ScalarType stored = storage_type_of(ftype.get(), file + ": " + name);
  return {apply_special_dtype(ds.get(), stored, file, name), std::vector<int64_t>(dims.begin(), dims.end())};
}

torch::Tensor read_tensor(hid_t loc, const std::string& name, const std::string& file) {
  TensorMeta meta = read_tensor_meta(loc, name, file);
  H5Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  H5Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  torch::ScalarType stored = storage_type_of(ftype.get(), file + ": " + name);
  torch::Tensor out = torch::empty(meta.sizes, torch::TensorOptions().dtype(stored));
  H5Handle mtype = read_type_of(ftype.get());
  if (out.numel() > 0 && H5Dread(ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data_ptr()) < 0)
    throw InputError(file, "cannot read dataset '" + name + "' (truncated or corrupt file)");
  if (meta.dtype == torch::kBool) return out.to(torch::kBool);
  if (meta.dtype != stored) return out.view(meta.dtype);  // bf16/fp16 words, same width
  return out;
}

void read_tensor_rows(hid_t loc, const std::string& name, const std::string& file, int64_t first, int64_t rows,
                      void* out) {
  H5Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds) throw InputError(file, "cannot open dataset '" + name + "'");
  H5Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  H5Handle mtype = read_type_of(ftype.get());
  H5Handle fspace(H5Dget_space(ds.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(fspace.get());
  herr_t status;
  if (rank <= 0) {
    status = H5Dread(ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
  } else {
    std::vector<hsize_t> dims(rank), start(rank, 0);
    H5Sget_simple_extent_dims(fspace.get(), dims.data(), nullptr);
    start[0] = static_cast<hsize_t>(first);
    dims[0] = static_cast<hsize_t>(rows);
    H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, dims.data(), nullptr);
    H5Handle mspace(H5Screate_simple(rank, dims.data(), nullptr), H5Sclose);
    status = H5Dread(ds.get(), mtype.get(), mspace.get(), fspace.get(), H5P_DEFAULT, out);
  }
  if (status < 0) throw InputError(file, "cannot read dataset '" + name + "' (truncated or corrupt file)");
}

bool h5_exists(hid_t loc, const std::string& name) {
  // H5Lexists needs every intermediate link to exist, so walk the path.
  size_t pos = 0;
  while (true) {
    size_t slash = name.find('/', pos);
    std::string prefix = name.substr(0, slash);
    if (!prefix.empty() && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return true;
    pos = slash + 1;
  }
}

std::vector<std::string> list_datasets(hid_t loc, const std::string& group) {
  std::vector<std::string> names;
  if (!h5_exists(loc, group)) return names;
  H5Handle g(H5Gopen2(loc, group.c_str(), H5P_DEFAULT), H5Gclose);
  RECUR_H5OVISIT(g.get(), H5_INDEX_NAME, H5_ITER_INC, collect_dataset_names, &names, H5O_INFO_BASIC);
  std::sort(names.begin(), names.end());
  return names;
}

void write_attr(hid_t loc, const std::string& obj, const std::string& key, const std::string& value) {
  H5Handle st = variable_string_type();
  const char* p = value.c_str();
  put_attr(loc, obj, key, st.get(), -1, &p);
}

void write_attr(hid_t loc, const std::string& obj, const std::string& key, int64_t value) {
  put_attr(loc, obj, key, H5T_NATIVE_INT64, -1, &value);
}

void write_attr(hid_t loc, const std::string& obj, const std::string& key, double value) {
  put_attr(loc, obj, key, H5T_NATIVE_DOUBLE, -1, &value);
}

void write_attr(hid_t loc, const std::string& obj, const std::string& key, const std::vector<int64_t>& values) {
  put_attr(loc, obj, key, H5T_NATIVE_INT64, static_cast<int64_t>(values.size()), values.data());
}

void write_attr(hid_t loc, const std::string& obj, const std::string& key, const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  for (const std::string& v : values) pointers.push_back(v.c_str());
  H5Handle st = variable_string_type();
  put_attr(loc, obj, key, st.get(), static_cast<int64_t>(values.size()), pointers.data());
}

bool has_attr(hid_t loc, const std::string& obj, const std::string& key) {
  if (obj != "." && !h5_exists(loc, obj)) return false;
  return H5Aexists_by_name(loc, obj.c_str(), key.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> list_attrs(hid_t loc, const std::string& obj) {
  std::vector<std::string> names;
  H5Handle o = open_object(loc, obj);
  hsize_t index = 0;
  H5Aiterate2(o.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_attr_names, &names);
  std::sort(names.begin(), names.end());
  return names;
}

AttrKind attr_kind(hid_t loc, const std::string& obj, const std::string& key, const std::string& file) {
  H5Handle a = open_attr(loc, obj, key, file);
  H5Handle ftype(H5Aget_type(a.get()), H5Tclose);
  bool scalar = attr_length(a.get()) < 0;
  switch (H5Tget_class(ftype.get())) {
    case H5T_INTEGER: return scalar ? AttrKind::kInt : AttrKind::kIntList;
    case H5T_FLOAT: return scalar ? AttrKind::kDouble : AttrKind::kOther;
    case H5T_STRING: return scalar ? AttrKind::kString : AttrKind::kStringList;
    default: return AttrKind::kOther;
  }
}

std::string read_attr_string(hid_t loc, const std::string& obj, const std::string& key, const std::string& file) {
  if (attr_length(open_attr(loc, obj, key, file).get()) >= 0)
    throw InputError(file, "attribute '" + key + "' is a list, expected one string");
  return read_attr_strings(loc, obj, key, file).at(0);
}

std::vector<std::string> read_attr_strings(hid_t loc, const std::string& obj, const std::string& key,
                                           const std::string& file) {
  H5Handle a = open_attr(loc, obj, key, file);
  H5Handle ftype(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING) throw InputError(file, "attribute '" + key + "' is not a string");
  int64_t length = attr_length(a.get());
  std::vector<std::string> out;
  if (length == 0) return out;
  size_t n = length < 0 ? 1 : static_cast<size_t>(length);  // a scalar reads as one string
  if (H5Tis_variable_str(ftype.get()) > 0) {
    H5Handle mt(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mt.get(), H5T_VARIABLE);
    H5Tset_cset(mt.get(), H5Tget_cset(ftype.get()));
    std::vector<char*> p(n, nullptr);
    if (H5Aread(a.get(), mt.get(), p.data()) < 0) throw InputError(file, "cannot read attribute '" + key + "'");
    for (char* s : p) {
      out.emplace_back(s ? s : "");
      H5free_memory(s);
    }
    return out;
  }
  size_t width = H5Tget_size(ftype.get());
  std::string buffer(width * n, '\0');
  if (H5Aread(a.get(), ftype.get(), buffer.data()) < 0) throw InputError(file, "cannot read attribute '" + key + "'");
  for (size_t i = 0; i < n; ++i) {
    std::string s = buffer.substr(i * width, width);
    out.push_back(s.substr(0, std::strlen(s.c_str())));
  }
  return out;
}

int64_t read_attr_int(hid_t loc, const std::string& obj, const std::string& key, const std::string& file) {
  H5Handle a = open_attr(loc, obj, key, file);
  if (attr_length(a.get()) >= 0) throw InputError(file, "attribute '" + key + "' is a list, expected one integer");
  int64_t v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_INT64, &v) < 0) throw InputError(file, "attribute '" + key + "' is not an integer");
  return v;
}

double read_attr_double(hid_t loc, const std::string& obj, const std::string& key, const std::string& file) {
  H5Handle a = open_attr(loc, obj, key, file);
  if (attr_length(a.get()) >= 0) throw InputError(file, "attribute '" + key + "' is a list, expected one number");
  double v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0) throw InputError(file, "attribute '" + key + "' is not a number");
  return v;
}

std::vector<int64_t> read_attr_ints(hid_t loc, const std::string& obj, const std::string& key,
                                    const std::string& file) {
  H5Handle a = open_attr(loc, obj, key, file);
  int64_t n = attr_length(a.get());
  if (n == 0) return {};
  std::vector<int64_t> v(n < 0 ? 1 : static_cast<size_t>(n));  // a scalar reads as a list of one
  if (H5Aread(a.get(), H5T_NATIVE_INT64, v.data()) < 0)
    throw InputError(file, "attribute '" + key + "' is not a list of integers");
  return v;
}

}  // namespace recur::checkpoints
