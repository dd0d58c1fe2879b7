# MPI for jobs of several ranks (distributed/mpi_*.cpp, watchdog.cpp).
# RECUR_WITH_MPI=AUTO builds them when MPI is found, ON makes its absence an error,
# OFF never builds them. Without MPI recur runs one rank (one CPU or one GPU, the
# NCCL communicator included) and refuses a launcher that started several.
set(RECUR_HAVE_MPI OFF)
if(NOT RECUR_WITH_MPI STREQUAL "OFF")
  if(RECUR_WITH_MPI STREQUAL "ON")
    find_package(MPI REQUIRED COMPONENTS CXX)
  else()
    find_package(MPI QUIET COMPONENTS CXX)
  endif()
  if(MPI_CXX_FOUND)
    set(RECUR_HAVE_MPI ON)
  else()
    message(STATUS "recur: MPI not found, building for one rank (no mpirun/srun jobs of several ranks)")
  endif()
endif()
