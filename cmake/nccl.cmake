# NCCL + CUDA runtime detection for the NCCL communicator (distributed/).
# RECUR_WITH_NCCL=AUTO builds it when nccl.h, libnccl and libcudart are found,
# ON makes their absence an error, OFF never builds it.
set(RECUR_HAVE_NCCL OFF)
if(NOT RECUR_WITH_NCCL STREQUAL "OFF")
  set(_cuda_hints $ENV{CUDA_HOME} $ENV{CUDA_PATH} /usr/local/cuda)
  find_path(NCCL_INCLUDE_DIR nccl.h HINTS $ENV{NCCL_HOME} ${_cuda_hints} PATH_SUFFIXES include)
  find_library(NCCL_LIBRARY nccl HINTS $ENV{NCCL_HOME} ${_cuda_hints} PATH_SUFFIXES lib64 lib)
  find_path(CUDART_INCLUDE_DIR cuda_runtime_api.h HINTS ${_cuda_hints} PATH_SUFFIXES include)
  find_library(CUDART_LIBRARY cudart HINTS ${_cuda_hints} PATH_SUFFIXES lib64 lib)
  if(NCCL_INCLUDE_DIR AND NCCL_LIBRARY AND CUDART_INCLUDE_DIR AND CUDART_LIBRARY)
    set(RECUR_HAVE_NCCL ON)
    message(STATUS "recur: NCCL found: ${NCCL_LIBRARY}")
  elseif(RECUR_WITH_NCCL STREQUAL "ON")
    message(FATAL_ERROR "RECUR_WITH_NCCL=ON but NCCL/CUDA runtime not found "
                        "(nccl.h: ${NCCL_INCLUDE_DIR}, libnccl: ${NCCL_LIBRARY}, libcudart: ${CUDART_LIBRARY})")
  else()
    message(STATUS "recur: NCCL not found, building without the NCCL communicator")
  endif()
endif()
