// Typed HDF5 helpers for puzzle files (see h5_io.h).
#include "datasets/h5_io.h"

#include <hdf5.h>

#include "common/error.h"
#include "common/h5_error.h"

namespace recur::datasets {
namespace {

H5Handle check(hid_t id, herr_t (*closer)(hid_t), const std::string& file, const std::string& what) {
  if (id < 0) throw InputError(file, what);
  return H5Handle(id, closer);
}

void check_status(herr_t status, const std::string& file, const std::string& what) {
  if (status < 0) throw InputError(file, what);
}

// Writing fails for runtime reasons (a full disk), never for bad input: a
// std::runtime_error (exit 1) with HDF5's reason, the OS's words when it has them.
H5Handle check_write(hid_t id, herr_t (*closer)(hid_t), const std::string& file, const std::string& what) {
  if (id < 0) throw std::runtime_error(file + ": " + what + ": " + h5_failure_reason());
  return H5Handle(id, closer);
}

void check_write_status(herr_t status, const std::string& file, const std::string& what) {
  if (status < 0) throw std::runtime_error(file + ": " + what + ": " + h5_failure_reason());
}

H5Handle vlen_string_type() {
  H5Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

// Frees the strings HDF5 allocated for a variable-length read.
void reclaim_strings(hid_t type, hid_t space, void* buf) {
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(type, space, H5P_DEFAULT, buf);
#else
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
#endif
}

template <class T>
void write_vector(hid_t loc, const std::string& name, const std::vector<T>& v, hid_t file_type, hid_t mem_type,
                  const std::string& file) {
  const hsize_t dims[1] = {v.size()};
  H5Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  H5Handle dcpl = h5_dataset_create_plist();
  H5Handle dset = check_write(
      H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose, file,
      "cannot create dataset " + name);
  if (!v.empty()) {
    check_write_status(H5Dwrite(dset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), file,
                       "cannot write dataset " + name);
  }
  check_write_status(dset.close(), file, "cannot write dataset " + name);
}

template <class T>
std::vector<T> read_vector(hid_t loc, const std::string& name, hid_t mem_type, const std::string& file) {
  H5Handle dset = h5_open_dataset(loc, name, file);
  H5Handle type(H5Dget_type(dset.get()), H5Tclose);
  H5Handle space(H5Dget_space(dset.get()), H5Sclose);
  if (H5Tget_class(type.get()) != H5T_INTEGER || H5Sget_simple_extent_ndims(space.get()) != 1) {
    throw InputError(file, name + " is not a 1-D integer dataset");
  }
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  std::vector<T> v(n);
  if (n > 0) {
    check_status(H5Dread(dset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), file,
                 "cannot read " + name + " (file truncated or corrupt?)");
  }
  return v;
}

H5Handle open_attr(hid_t loc, const std::string& key, const std::string& file) {
  if (H5Aexists(loc, key.c_str()) <= 0) throw InputError(file, "attribute '" + key + "' is missing");
  return check(H5Aopen(loc, key.c_str(), H5P_DEFAULT), H5Aclose, file, "cannot open attribute '" + key + "'");
}

void write_scalar_attr(hid_t loc, const std::string& key, hid_t file_type, hid_t mem_type, const void* value,
                       const std::string& file) {
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle attr = check_write(H5Acreate2(loc, key.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                              H5Aclose, file, "cannot create attribute '" + key + "'");
  check_write_status(H5Awrite(attr.get(), mem_type, value), file, "cannot write attribute '" + key + "'");
}

// Reads a one-element attribute of class `cls` converted to `mem_type`.
void read_scalar_attr(hid_t loc, const std::string& key, H5T_class_t cls, hid_t mem_type, void* out,
                      const std::string& file, const char* expected) {
  H5Handle attr = open_attr(loc, key, file);
  H5Handle type(H5Aget_type(attr.get()), H5Tclose);
  H5Handle space(H5Aget_space(attr.get()), H5Sclose);
  const H5T_class_t actual = H5Tget_class(type.get());
  const bool numeric_ok = actual == cls || (cls == H5T_FLOAT && actual == H5T_INTEGER);
  if (!numeric_ok || H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw InputError(file, "attribute '" + key + "' is not " + expected);
  }
  check_status(H5Aread(attr.get(), mem_type, out), file, "cannot read attribute '" + key + "'");
}

// No HDF5 file locks: every rank opens the same file, and locks fail on some
// Lustre/NFS mounts; puzzle files are published by rename, never changed in
// place. H5Pset_file_locking exists from HDF5 1.10.7 and 1.12.1.
H5Handle file_access() {
  H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
#if (H5_VERSION_GE(1, 10, 7) && !H5_VERSION_GE(1, 12, 0)) || H5_VERSION_GE(1, 12, 1)
  H5Pset_file_locking(fapl.get(), false, true);
#endif
  return fapl;
}

}  // namespace

bool h5_is_thread_safe() {
  hbool_t safe = false;
  return H5is_library_threadsafe(&safe) >= 0 && safe;
}

H5Handle h5_open_read(const std::string& path) {
  h5_silence_errors();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, file_access().get());
  if (id >= 0) return H5Handle(id, H5Fclose);
  // Say why: missing, not HDF5 at all, or an HDF5 file that is damaged.
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError(path, "cannot open file (missing or unreadable)");
  std::fclose(f);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path, "not an HDF5 file");
  throw InputError(path, "cannot open HDF5 file (truncated or corrupt?)");
}

H5Handle h5_create(const std::string& path) {
  h5_silence_errors();
  H5Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  H5Pset_obj_track_times(fcpl.get(), false);  // the root group's header too
  return check_write(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), file_access().get()), H5Fclose, path,
                     "cannot create file");
}

void h5_close_written(H5Handle& file, const std::string& path) {
  check_write_status(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "cannot write the file");
  check_write_status(file.close(), path, "cannot write the file");
}

H5Handle h5_create_group(hid_t loc, const std::string& name, const std::string& file) {
  H5Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  H5Pset_obj_track_times(gcpl.get(), false);
  return check_write(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose, file,
                     "cannot create group " + name);
}

H5Handle h5_open_dataset(hid_t loc, const std::string& name, const std::string& file, hid_t dapl) {
  if (!h5_exists(loc, name)) throw InputError(file, "dataset " + name + " is missing");
  return check(H5Dopen2(loc, name.c_str(), dapl > 0 ? dapl : H5P_DEFAULT), H5Dclose, file,
               "cannot open dataset " + name);
}

bool h5_exists(hid_t loc, const std::string& name) {
  // H5Lexists needs each parent to exist, so walk the path one link at a time.
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = name.find('/', pos + 1);
    const std::string prefix = name.substr(0, pos);
    if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return H5Oexists_by_name(loc, name.c_str(), H5P_DEFAULT) > 0;
}

H5Handle h5_dataset_create_plist() {
  H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_obj_track_times(dcpl.get(), false);
  return dcpl;
}

void h5_write_vector(hid_t loc, const std::string& name, const std::vector<int32_t>& v, const std::string& file) {
  write_vector(loc, name, v, H5T_STD_I32LE, H5T_NATIVE_INT32, file);
}

void h5_write_vector(hid_t loc, const std::string& name, const std::vector<int64_t>& v, const std::string& file) {
  write_vector(loc, name, v, H5T_STD_I64LE, H5T_NATIVE_INT64, file);
}

std::vector<int32_t> h5_read_int32_vector(hid_t loc, const std::string& name, const std::string& file) {
  return read_vector<int32_t>(loc, name, H5T_NATIVE_INT32, file);
}

std::vector<int64_t> h5_read_int64_vector(hid_t loc, const std::string& name, const std::string& file) {
  return read_vector<int64_t>(loc, name, H5T_NATIVE_INT64, file);
}

void h5_write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v, const std::string& file) {
  H5Handle type = vlen_string_type();
  const hsize_t dims[1] = {v.size()};
  H5Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  H5Handle dcpl = h5_dataset_create_plist();
  H5Handle dset = check_write(
      H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose, file,
      "cannot create dataset " + name);
  std::vector<const char*> ptrs;
  ptrs.reserve(v.size());
  for (const auto& s : v) ptrs.push_back(s.c_str());
  if (!v.empty()) {
    check_write_status(H5Dwrite(dset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), file,
                       "cannot write dataset " + name);
  }
  check_write_status(dset.close(), file, "cannot write dataset " + name);
}

std::vector<std::string> h5_read_strings(hid_t loc, const std::string& name, const std::string& file) {
  H5Handle dset = h5_open_dataset(loc, name, file);
  H5Handle stored(H5Dget_type(dset.get()), H5Tclose);
  H5Handle space(H5Dget_space(dset.get()), H5Sclose);
  if (H5Tget_class(stored.get()) != H5T_STRING || H5Tis_variable_str(stored.get()) <= 0 ||
      H5Sget_simple_extent_ndims(space.get()) != 1) {
    throw InputError(file, name + " is not a 1-D variable-length string dataset");
  }
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  H5Handle type = vlen_string_type();
  std::vector<char*> ptrs(n, nullptr);
  std::vector<std::string> out;
  if (n == 0) return out;
  check_status(H5Dread(dset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), file,
               "cannot read " + name + " (file truncated or corrupt?)");
  out.reserve(n);
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  reclaim_strings(type.get(), space.get(), ptrs.data());
  return out;
}

void h5_write_string(hid_t loc, const std::string& name, const std::string& s, const std::string& file) {
  H5Handle type = vlen_string_type();
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle dcpl = h5_dataset_create_plist();
  H5Handle dset = check_write(
      H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose, file,
      "cannot create dataset " + name);
  const char* p = s.c_str();
  check_write_status(H5Dwrite(dset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), file,
                     "cannot write dataset " + name);
  check_write_status(dset.close(), file, "cannot write dataset " + name);
}

std::string h5_read_string(hid_t loc, const std::string& name, const std::string& file) {
  H5Handle dset = h5_open_dataset(loc, name, file);
  H5Handle stored(H5Dget_type(dset.get()), H5Tclose);
  H5Handle space(H5Dget_space(dset.get()), H5Sclose);
  if (H5Tget_class(stored.get()) != H5T_STRING || H5Tis_variable_str(stored.get()) <= 0 ||
      H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw InputError(file, name + " is not a variable-length string");
  }
  H5Handle type = vlen_string_type();
  char* p = nullptr;
  check_status(H5Dread(dset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), file,
               "cannot read " + name + " (file truncated or corrupt?)");
  std::string out = p ? p : "";
  reclaim_strings(type.get(), space.get(), &p);
  return out;
}

std::vector<int64_t> h5_integer_dataset_shape(hid_t dset, int bytes, bool is_signed, const std::string& file,
                                              const std::string& what) {
  H5Handle type(H5Dget_type(dset), H5Tclose);
  const bool type_ok = H5Tget_class(type.get()) == H5T_INTEGER && H5Tget_size(type.get()) == size_t(bytes) &&
                       (H5Tget_sign(type.get()) == H5T_SGN_2) == is_signed;
  if (!type_ok) {
    throw InputError(file, what + " must be " + (is_signed ? "int" : "uint") + std::to_string(8 * bytes));
  }
  H5Handle space(H5Dget_space(dset), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw InputError(file, "cannot read the shape of " + what);
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::vector<int64_t>(dims.begin(), dims.end());
}

void h5_write_attr(hid_t loc, const std::string& key, const std::string& value, const std::string& file) {
  H5Handle type = vlen_string_type();
  const char* p = value.c_str();
  write_scalar_attr(loc, key, type.get(), type.get(), &p, file);
}

void h5_write_attr(hid_t loc, const std::string& key, int64_t value, const std::string& file) {
  write_scalar_attr(loc, key, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, file);
}

void h5_write_attr(hid_t loc, const std::string& key, double value, const std::string& file) {
  write_scalar_attr(loc, key, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, file);
}

bool h5_has_attr(hid_t loc, const std::string& key) { return H5Aexists(loc, key.c_str()) > 0; }

std::string h5_read_attr_string(hid_t loc, const std::string& key, const std::string& file) {
  H5Handle attr = open_attr(loc, key, file);
  H5Handle stored(H5Aget_type(attr.get()), H5Tclose);
  H5Handle space(H5Aget_space(attr.get()), H5Sclose);
  if (H5Tget_class(stored.get()) != H5T_STRING || H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw InputError(file, "attribute '" + key + "' is not a string");
  }
  if (H5Tis_variable_str(stored.get()) > 0) {
    H5Handle type = vlen_string_type();
    char* p = nullptr;
    check_status(H5Aread(attr.get(), type.get(), &p), file, "cannot read attribute '" + key + "'");
    std::string out = p ? p : "";
    reclaim_strings(type.get(), space.get(), &p);
    return out;
  }
  // Fixed-length strings (as some writers, e.g. h5py with bytes, produce).
  const size_t size = H5Tget_size(stored.get());
  std::string out(size, '\0');
  check_status(H5Aread(attr.get(), stored.get(), out.data()), file, "cannot read attribute '" + key + "'");
  out.resize(out.find('\0') == std::string::npos ? size : out.find('\0'));
  return out;
}

int64_t h5_read_attr_int(hid_t loc, const std::string& key, const std::string& file) {
  int64_t v = 0;
  read_scalar_attr(loc, key, H5T_INTEGER, H5T_NATIVE_INT64, &v, file, "an integer");
  return v;
}

double h5_read_attr_double(hid_t loc, const std::string& key, const std::string& file) {
  double v = 0;
  read_scalar_attr(loc, key, H5T_FLOAT, H5T_NATIVE_DOUBLE, &v, file, "a number");
  return v;
}

}  // namespace recur::datasets
