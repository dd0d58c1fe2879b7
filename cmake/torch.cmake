# Finds LibTorch and refuses, at configure time, the ones recur cannot build
# against: a version older than 1.13, or the other C++ ABI (whose symbols would
# not link with Debian's yaml-cpp, spdlog and HDF5, hundreds of lines later), or
# a TorchConfig that pairs its headers with another LibTorch's libraries.
# Sets RECUR_TORCH_VERSION ("2.13.0") and RECUR_TORCH_HAS_CUDA.
find_package(Torch QUIET)

set(_recur_torch_hint
    "Point CMake at another LibTorch with -DCMAKE_PREFIX_PATH=<its root folder: the unpacked libtorch/, \
or pip's site-packages/torch> or -DTorch_DIR=<the folder holding its TorchConfig.cmake>, in a fresh build \
folder (scripts/build.sh does this for the project's .venv).")
if(NOT Torch_FOUND)
  message(FATAL_ERROR "recur: LibTorch not found (no TorchConfig.cmake on CMAKE_PREFIX_PATH). "
                      "Run scripts/setup.sh, or: ${_recur_torch_hint}")
endif()

# The version from torch/version.h: every LibTorch has it, not every one a
# TorchConfigVersion.cmake.
set(RECUR_TORCH_VERSION "")
foreach(_dir IN LISTS TORCH_INCLUDE_DIRS)
  if(EXISTS "${_dir}/torch/version.h")
    file(STRINGS "${_dir}/torch/version.h" _line REGEX "#define TORCH_VERSION \"")
    string(REGEX MATCH "\"([^\"]+)\"" _quoted "${_line}")
    set(RECUR_TORCH_VERSION "${CMAKE_MATCH_1}")
    break()
  endif()
endforeach()
if(NOT RECUR_TORCH_VERSION)
  set(RECUR_TORCH_VERSION "${Torch_VERSION}")
endif()
if(NOT RECUR_TORCH_VERSION)
  message(FATAL_ERROR "recur: found LibTorch at ${Torch_DIR} but cannot read its version "
                      "(no torch/version.h under ${TORCH_INCLUDE_DIRS}). ${_recur_torch_hint}")
endif()
if(RECUR_TORCH_VERSION VERSION_LESS 1.13)
  message(FATAL_ERROR "recur: found LibTorch ${RECUR_TORCH_VERSION} at ${Torch_DIR}; recur needs 1.13 or newer. "
                      "${_recur_torch_hint}")
endif()
if(TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
  message(FATAL_ERROR "recur: found LibTorch ${RECUR_TORCH_VERSION} at ${Torch_DIR} built with the pre-C++11 ABI "
                      "(-D_GLIBCXX_USE_CXX11_ABI=0); recur links system libraries built with the C++11 ABI. "
                      "Use the cxx11-ABI LibTorch (pip's torch, or the libtorch archive named cxx11-abi). "
                      "${_recur_torch_hint}")
endif()

# TorchConfig searches the system's library folders before its own: with
# CMAKE_PREFIX_PATH at .../torch/share/cmake and Debian's libtorch-dev present,
# it pairs pip's headers with Debian's libtorch.so. Refuse such a mix.
foreach(_lib IN ITEMS TORCH_LIBRARY C10_LIBRARY C10_CUDA_LIBRARY)
  if(${_lib})
    file(REAL_PATH "${${_lib}}" _lib_path)
    file(REAL_PATH "${TORCH_INSTALL_PREFIX}" _prefix_path)
    string(FIND "${_lib_path}" "${_prefix_path}/" _at)
    if(NOT _at EQUAL 0)
      message(FATAL_ERROR "recur: LibTorch ${RECUR_TORCH_VERSION} at ${TORCH_INSTALL_PREFIX} would link ${${_lib}}, "
                          "a library of another LibTorch. ${_recur_torch_hint}")
    endif()
  endif()
endforeach()

# LibTorch with CUDA (TorchConfig found libc10_cuda). The headers alone do not
# tell: Debian's CPU-only LibTorch ships c10/cuda headers without the library.
# RECUR_TORCH_CUDA guards the code that needs LibTorch's CUDA side (streams,
# CUDA allocator statistics); RECUR_CUDA_VERSION is the toolkit's, for --version.
set(RECUR_TORCH_HAS_CUDA OFF)
if(C10_CUDA_LIBRARY)
  set(RECUR_TORCH_HAS_CUDA ON)
  add_compile_definitions(RECUR_TORCH_CUDA=1 RECUR_CUDA_VERSION="${CUDA_VERSION}")
  # ATen's CUDA headers (events, graphs: trainer/train/step_graph.cpp) include the CUDA
  # libraries' headers (cusparse.h, cublas_v2.h, cusolverDn.h), which pip's wheels keep
  # beside the toolkit (nvidia/cu13/include: scripts/build.sh puts it on CMAKE_INCLUDE_PATH).
  find_path(RECUR_CUDA_LIBRARIES_INCLUDE_DIR cusparse.h HINTS $ENV{CUDA_HOME} /usr/local/cuda PATH_SUFFIXES include)
  if(NOT RECUR_CUDA_LIBRARIES_INCLUDE_DIR)
    message(FATAL_ERROR "recur: LibTorch ${RECUR_TORCH_VERSION} has CUDA, but cusparse.h (the CUDA libraries' "
                        "headers) was not found: install them (pip's nvidia-* wheels, or the CUDA toolkit) and "
                        "add their include folder to CMAKE_INCLUDE_PATH")
  endif()
  include_directories(SYSTEM "${RECUR_CUDA_LIBRARIES_INCLUDE_DIR}")
endif()
message(STATUS "recur: LibTorch ${RECUR_TORCH_VERSION} (CUDA ${RECUR_TORCH_HAS_CUDA}) at ${Torch_DIR}")
