#!/usr/bin/env bash
# Gathers what building recur on the GPU machine needs beyond its torch, NCCL and
# CUDA toolkit: Debian's packages of HDF5, yaml-cpp, spdlog/fmt, CLI11,
# nlohmann-json, zlib and GoogleTest, fetched with `apt-get download` and unpacked
# (never installed) into a prefix, packed as .gpu-kit/kit.tar.xz: the file that
# travels with the device tool's `carry` (.gpu-kit/ is git-ignored).
# scripts/gpu/run.sh unpacks it to .gpu-kit/usr there and builds against it; here
# the same tree is left unpacked, for scripts/gpu/check_kit.sh.
#
# What goes in, and why it runs on another distribution's machine:
#   - headers and CMake package files, in Debian's layout under .gpu-kit/usr
#     (the packages' CMake files find their libraries relative to themselves);
#   - static archives where Debian ships them: HDF5 (Debian's shared libhdf5 needs
#     libcurl and libssl at run time, the static one links without them), szip,
#     zlib, GoogleTest; shared libraries for spdlog and fmt (Debian
#     ships no archives) and yaml-cpp (its CMake file names the shared one), found at
#     run time through the binary's RPATH;
#   - a CMake package file for HDF5 (Debian's HDF5 has none), so FindHDF5 takes the
#     static archive with its szip and zlib dependencies.
# Debug sections are stripped. Open MPI is not in the kit: one GPU needs one rank,
# and recur builds without MPI (RECUR_WITH_MPI=AUTO). The golden fixtures the GPU
# checks read are tracked in tests/golden and travel with the checkout.
#
# usage: scripts/gpu/kit.sh   (prints the kit's size; about a minute, most of it xz)
set -euo pipefail
cd "$(dirname "$0")/../.."

kit=.gpu-kit
packages=(libhdf5-dev libaec-dev zlib1g-dev libyaml-cpp-dev libyaml-cpp0.7 libspdlog-dev libspdlog1.10
          libfmt-dev libfmt9 libcli11-dev nlohmann-json3-dev libgtest-dev)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download "${packages[@]}" >"$work/apt.log" 2>&1); then
  cat "$work/apt.log" >&2
  echo "kit.sh: apt-get download failed (run 'apt-get update' first?)" >&2
  exit 1
fi

rm -rf "$kit"
mkdir -p "$kit"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$kit"; done
{
  echo "# recur GPU kit: Debian packages unpacked by scripts/gpu/kit.sh on $(date -u +%Y-%m-%d)"
  for deb in "$work"/*.deb; do dpkg-deb -f "$deb" Package Version | paste -sd' '; done
} >"$kit/MANIFEST"

# Keep what the build reads; drop documentation, the Fortran/C++/HL flavours of
# HDF5, its shared libraries (they need libcurl) and the dangling links to them.
usr=$kit/usr
multi=$usr/lib/x86_64-linux-gnu
rm -rf "$usr/share/doc" "$usr/share/man" "$usr/share/lintian" "$usr/bin" "$usr/share/pkgconfig" "$multi/pkgconfig"
find "$multi" -maxdepth 1 -name 'libhdf5*' ! -name 'libhdf5_serial.a' -exec rm -f {} +
find "$multi/hdf5/serial" -mindepth 1 ! -name libhdf5.a -exec rm -rf {} +
rm -f "$usr/include/hdf5/serial/"*.mod "$usr/include/hdf5/serial/"*.hpp "$usr/include/hdf5/serial/H5Cpp.h"
rm -f "$multi/libz.so" "$multi/libyaml-cpp.a"  # libz.so points into the host's /lib; zlib links statically
find "$kit" -xtype l -delete  # links whose target was dropped (the .so of libaec and of hdf5)
find "$multi" -name '*.a' -exec strip --strip-debug {} +
find "$multi" -name '*.so.*' -type f -exec strip --strip-unneeded {} +

# HDF5's CMake package: FindHDF5 uses an `hdf5` target from a config file first.
mkdir -p "$multi/cmake/hdf5"
hdf5_version=$(sed -n 's/^#define H5_VERSION "\(.*\)"/\1/p' "$usr/include/hdf5/serial/H5pubconf.h")
cat >"$multi/cmake/hdf5/hdf5-config.cmake" <<CMAKE
# Written by scripts/gpu/kit.sh: Debian's static serial HDF5 $hdf5_version with its
# dependencies (szip through libaec, zlib), relative to this file.
get_filename_component(_recur_kit_lib "\${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
get_filename_component(_recur_kit_usr "\${_recur_kit_lib}/../.." ABSOLUTE)
set(HDF5_VERSION "$hdf5_version")
set(HDF5_INCLUDE_DIR "\${_recur_kit_usr}/include/hdf5/serial")
set(HDF5_ENABLE_PARALLEL OFF)
if(NOT TARGET hdf5)
  add_library(hdf5 STATIC IMPORTED)
  set_target_properties(hdf5 PROPERTIES
    IMPORTED_LOCATION "\${_recur_kit_lib}/hdf5/serial/libhdf5.a"
    INTERFACE_INCLUDE_DIRECTORIES "\${HDF5_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "\${_recur_kit_lib}/libsz.a;\${_recur_kit_lib}/libaec.a;\${_recur_kit_lib}/libz.a;dl;m")
endif()
CMAKE
cat >"$multi/cmake/hdf5/hdf5-config-version.cmake" <<CMAKE
set(PACKAGE_VERSION "$hdf5_version")
set(PACKAGE_VERSION_COMPATIBLE TRUE)
CMAKE

tar -C "$kit" -cJf "$work/kit.tar.xz" usr MANIFEST
mv "$work/kit.tar.xz" "$kit/kit.tar.xz"
echo "kit.sh: $kit/kit.tar.xz: $(du -sh "$kit/kit.tar.xz" | cut -f1) to carry ($(du -sb "$kit/kit.tar.xz" | cut -f1) bytes;" \
  "$(($(grep -c . "$kit/MANIFEST") - 1)) packages, $(du -sh "$kit/usr" | cut -f1) unpacked)"
