// Torch tensors <-> HDF5 datasets (see tensor_h5.h).
#include "checkpoints/tensor_h5.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"

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

torch::ScalarType torch_type_of(hid_t file_type, const std::string& where) {
  H5T_class_t cls = H5Tget_class(file_type);
  size_t size = H5Tget_size(file_type);
  if (cls == H5T_FLOAT) {
    if (size == 4) return torch::kFloat32;
    if (size == 8) return torch::kFloat64;
  } else if (cls == H5T_INTEGER) {
    bool is_signed = H5Tget_sign(file_type) == H5T_SGN_2;
    if (size == 1) return is_signed ? torch::kInt8 : torch::kUInt8;
    if (size == 2 && is_signed) return torch::kInt16;
    if (size == 2) return torch::kInt16;  // raw 16-bit words (bf16/fp16 payloads)
    if (size == 4) return torch::kInt32;  // uint32 is read as int32 bit patterns
    if (size == 8) return torch::kInt64;
  }
  throw InputError(where, "unsupported HDF5 element type (class " + std::to_string(cls) + ", " +
                              std::to_string(size) + " bytes)");
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
    if (g < 0) throw std::runtime_error("tensor_h5: cannot create group '" + part + "' for " + name);
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

H5Handle open_object(hid_t loc, const std::string& obj) {
  hid_t id = H5Oopen(loc, obj.c_str(), H5P_DEFAULT);
  if (id < 0) throw std::runtime_error("tensor_h5: no object '" + obj + "'");
  return H5Handle(id, H5Oclose);
}

H5Handle open_attr(hid_t loc, const std::string& obj, const std::string& key, const std::string& file) {
  if (!has_attr(loc, obj, key)) throw InputError(file, "missing attribute '" + key + "' on '" + obj + "'");
  H5Handle o = open_object(loc, obj);
  return H5Handle(H5Aopen(o.get(), key.c_str(), H5P_DEFAULT), H5Aclose);
}

void replace_attr(hid_t obj, const std::string& key) {
  if (H5Aexists(obj, key.c_str()) > 0) H5Adelete(obj, key.c_str());
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
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw InputError(path, "cannot open HDF5 file (truncated or corrupt)");
  return H5Handle(id, H5Fclose);
}

H5Handle create_h5(const std::string& path) {
  h5_silence_errors();
  hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw InputError(path, "cannot create HDF5 file (does the folder exist and is it writable?)");
  return H5Handle(id, H5Fclose);
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
  if (!ds) throw std::runtime_error("tensor_h5: cannot create dataset " + name);
  if (c.numel() > 0 && H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.data_ptr()) < 0)
    throw std::runtime_error("tensor_h5: cannot write dataset " + name);
  if (const char* special = special_dtype_name(c.scalar_type())) {
    H5Handle s(H5Screate(H5S_SCALAR), H5Sclose);
    H5Handle st(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(st.get(), H5T_VARIABLE);
    H5Handle a(H5Acreate2(ds.get(), "dtype", st.get(), s.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    H5Awrite(a.get(), st.get(), &special);
  }
}

torch::Tensor read_tensor(hid_t loc, const std::string& name, const std::string& file) {
  if (!h5_exists(loc, name)) throw InputError(file, "missing dataset '" + name + "'");
  H5Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds) throw InputError(file, "cannot open dataset '" + name + "'");
  H5Handle space(H5Dget_space(ds.get()), H5Sclose);
  H5Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw InputError(file, "dataset '" + name + "' has an unreadable shape");
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  std::vector<int64_t> sizes(dims.begin(), dims.end());
  torch::ScalarType st = torch_type_of(ftype.get(), file + ": " + name);
  torch::Tensor out = torch::empty(sizes, torch::TensorOptions().dtype(st));
  if (out.numel() > 0 && H5Dread(ds.get(), h5_type_of(st), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data_ptr()) < 0)
    throw InputError(file, "cannot read dataset '" + name + "' (corrupt file?)");
  if (H5Aexists(ds.get(), "dtype") > 0) {
    std::string special = read_attr_string(loc, name, "dtype", file);
    if (special == "bool") return out.to(torch::kBool);
    if (special == "bfloat16") return out.view(torch::kBFloat16);
    if (special == "float16") return out.view(torch::kFloat16);
  }
  return out;
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
  H5Handle o = open_object(loc, obj);
  replace_attr(o.get(), key);
  H5Handle s(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle st(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(st.get(), H5T_VARIABLE);
  H5Tset_cset(st.get(), H5T_CSET_UTF8);
  H5Handle a(H5Acreate2(o.get(), key.c_str(), st.get(), s.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  const char* p = value.c_str();
  H5Awrite(a.get(), st.get(), &p);
}

void write_attr(hid_t loc, const std::string& obj, const std::string& key, int64_t value) {
  H5Handle o = open_object(loc, obj);
  replace_attr(o.get(), key);
  H5Handle s(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle a(H5Acreate2(o.get(), key.c_str(), H5T_NATIVE_INT64, s.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  H5Awrite(a.get(), H5T_NATIVE_INT64, &value);
}

void write_attr(hid_t loc, const std::string& obj, const std::string& key, double value) {
  H5Handle o = open_object(loc, obj);
  replace_attr(o.get(), key);
  H5Handle s(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle a(H5Acreate2(o.get(), key.c_str(), H5T_NATIVE_DOUBLE, s.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value);
}

bool has_attr(hid_t loc, const std::string& obj, const std::string& key) {
  if (obj != "." && !h5_exists(loc, obj)) return false;
  return H5Aexists_by_name(loc, obj.c_str(), key.c_str(), H5P_DEFAULT) > 0;
}

std::string read_attr_string(hid_t loc, const std::string& obj, const std::string& key, const std::string& file) {
  H5Handle a = open_attr(loc, obj, key, file);
  H5Handle ftype(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING) throw InputError(file, "attribute '" + key + "' is not a string");
  if (H5Tis_variable_str(ftype.get()) > 0) {
    H5Handle mt(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mt.get(), H5T_VARIABLE);
    H5Tset_cset(mt.get(), H5Tget_cset(ftype.get()));
    char* p = nullptr;
    if (H5Aread(a.get(), mt.get(), &p) < 0) throw InputError(file, "cannot read attribute '" + key + "'");
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  size_t n = H5Tget_size(ftype.get());
  std::string s(n, '\0');
  H5Aread(a.get(), ftype.get(), s.data());
  s.resize(std::strlen(s.c_str()));
  return s;
}

int64_t read_attr_int(hid_t loc, const std::string& obj, const std::string& key, const std::string& file) {
  H5Handle a = open_attr(loc, obj, key, file);
  int64_t v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_INT64, &v) < 0) throw InputError(file, "attribute '" + key + "' is not an integer");
  return v;
}

double read_attr_double(hid_t loc, const std::string& obj, const std::string& key, const std::string& file) {
  H5Handle a = open_attr(loc, obj, key, file);
  double v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0) throw InputError(file, "attribute '" + key + "' is not a number");
  return v;
}

}  // namespace recur::checkpoints
