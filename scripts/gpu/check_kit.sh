#!/usr/bin/env bash
# Proves that the GPU kit alone builds recur: unpacks .gpu-kit/kit.tar.xz (what
# travels to the GPU machine) into a scratch folder and builds recur and gpu_tests
# against it in a private mount namespace where this machine's copies of the
# kit's packages, and Open MPI, are hidden: each of their files reads as empty
# (bound to /dev/null), so any use of one breaks the build. Then it checks that
#   - no compiled file included a hidden header (the compiler's dependency files),
#   - no link command names a hidden library,
#   - the binary loads spdlog, fmt and yaml-cpp from the kit (ldd) and no MPI,
#   - recur runs: --version, and an HDF5 round trip (a dataset built and inspected).
# MPI is hidden too, so the build is the one-rank build the GPU machine makes.
#
# usage: scripts/gpu/check_kit.sh [--cuda]   (root; --cuda builds against .venv-cuda
#        as the GPU machine does, with NCCL; default: the CPU LibTorch of .venv)
set -euo pipefail
cd "$(dirname "$0")/../.."

hidden_packages=(libhdf5-dev libhdf5-103-1 libaec-dev libaec0 libsz2 zlib1g-dev libyaml-cpp-dev libyaml-cpp0.7
                 libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 libcli11-dev nlohmann-json3-dev libgtest-dev
                 libopenmpi-dev libopenmpi3 openmpi-bin)

if [[ ${1:-} != --inside ]]; then
  [[ -f .gpu-kit/kit.tar.xz ]] || scripts/gpu/kit.sh
  exec unshare --mount --propagation private "$0" --inside "$@"
fi
shift
flavour=(); [[ ${1:-} == --cuda ]] && flavour=(--cuda)
build=build-kit${flavour:+-cuda}

# Hide: every regular file of those packages becomes an empty file.
hidden=$(mktemp)
for pkg in "${hidden_packages[@]}"; do
  dpkg -L "$pkg" 2>/dev/null || true
done | sort -u | while read -r f; do
  if [[ -f $f && ! -L $f ]]; then mount --bind /dev/null "$f" && echo "$f"; fi
done >"$hidden"
echo "check_kit: $(wc -l <"$hidden") files of ${#hidden_packages[@]} system packages hidden"

# A fixed folder (under the ignored .gpu-kit/), so that ccache finds a rerun's objects.
kit=$PWD/.gpu-kit/check-$build
rm -rf "$kit" && mkdir -p "$kit"
tar -xJf .gpu-kit/kit.tar.xz -C "$kit"
rm -rf "$build"
start=$SECONDS
scripts/build.sh "${flavour[@]}" --kit "$kit/usr" --build-dir "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  --target recur --target gpu_tests
echo "check_kit: built in $((SECONDS - start)) s"

status=0
fail() { echo "check_kit: FAIL: $*"; status=1; }
# Dependency files name every header each object included.
deps=$(find "$build" -name '*.o.d')
[[ -n $deps ]] || fail "no dependency files under $build"
used=$(cat $deps | tr ' \\' '\n\n' | grep -Fxf "$hidden" | sort -u || true)
[[ -z $used ]] || fail "hidden headers were included: $used"
grep -q "$kit/usr/include/yaml-cpp/yaml.h" $deps || fail "no object included the kit's yaml-cpp"
grep -q "$kit/usr/include/hdf5/serial/hdf5.h" $deps || fail "no object included the kit's hdf5.h"
links=$(find "$build" -name link.txt)
used=$(cat $links | tr ' ' '\n' | grep -Fxf "$hidden" | sort -u || true)
[[ -z $used ]] || fail "hidden libraries were linked: $used"
grep -q "$kit/usr/lib/x86_64-linux-gnu/hdf5/serial/libhdf5.a" "$build"/trainer/CMakeFiles/recur.dir/link.txt ||
  fail "recur does not link the kit's static HDF5"
echo "check_kit: one compile command:"
grep -m1 '"command"' "$build/compile_commands.json" | tr ' ' '\n' | grep -E '^-(I|isystem)|^/' | sed 's/^/    /'

echo "check_kit: ldd $build/recur (kit libraries, no MPI, no HDF5 shared library):"
ldd "$build/recur" | grep -E 'spdlog|fmt|yaml|hdf5|mpi|libz' | sed 's/^/    /'
for lib in libspdlog libfmt libyaml-cpp; do
  ldd "$build/recur" | grep "$lib" | grep -q "$kit/usr/lib" || fail "$lib is not loaded from the kit"
done
! ldd "$build/recur" | grep -qE 'libmpi|libhdf5' || fail "recur loads MPI or a shared HDF5"

"$build/recur" --version
scratch=$(mktemp -d)
"$build/recur" data sudoku --generate 20 --givens 40 --train-size 10 --test-size 5 --threads 1 \
  --out "$scratch/s.h5" >/dev/null
"$build/recur" inspect "$scratch/s.h5" | head -3
[[ $status -eq 0 ]] && echo "check_kit: PASS: recur builds and runs against the kit alone"
exit $status
