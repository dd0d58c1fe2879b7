#!/usr/bin/env bash
# Installs what recur needs to build, run and test on Debian 12 or 13: the
# system packages (apt), then the project's Python environment .venv with the
# pinned CPU LibTorch 2.x that scripts/build.sh builds against
# (scripts/python_env.sh). The CUDA environment comes with scripts/build.sh --cuda.
#
# Idempotent and quiet: when everything is installed it prints nothing and
# changes nothing. Runs apt-get as root, or through sudo for a normal user.
# The Slurm test installs its own packages (shared/slurm-local); they are not here.
set -euo pipefail
cd "$(dirname "$0")/.."

# The one list. Append here, with a comment when the reason is not obvious.
RECUR_PACKAGES=(
  build-essential cmake git pkg-config
  # The venv of scripts/python_env.sh is made from Debian's Python.
  python3 python3-venv
  # Debian's LibTorch 1.13 (CPU): the other supported build (scripts/build.sh --debian).
  libtorch-dev
  # Debian's LibTorch calls libblas.so.3: OpenBLAS (OpenMP build, so torch's thread
  # count applies) instead of the reference BLAS, which is ~20x slower.
  libopenblas0-openmp
  # The reference BLAS itself, only so a test can start recur on it and check
  # the start-up warning; OpenBLAS stays the system default (higher priority).
  libblas3
  libopenmpi-dev openmpi-bin
  libhdf5-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev
  # scripts/collect_sweep reads the runs' metrics.jsonl (and the Slurm test checks them).
  jq
  # The report test renders recur's HTML report in headless Chromium (tests/report/).
  chromium
)

missing=()
for package in "${RECUR_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exec scripts/python_env.sh cpu
fi

as_root=()
[ "$(id -u)" -ne 0 ] && as_root=(sudo)
# apt's output (including debconf chatter) is shown only when it fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt_get() { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq -o=Dpkg::Use-Pty=0 "$@" >"$log" 2>&1; }
fail() { cat "$log" >&2; echo "setup.sh: apt-get failed" >&2; exit 1; }

echo "setup.sh: installing ${missing[*]}"
# A fresh image has no package lists: fetch them first. Otherwise try with the
# lists we have and refresh them only if that fails (stale lists).
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -print -quit 2>/dev/null)" ]; then
  apt_get update || fail
fi
if ! apt_get install -y --no-install-recommends "${missing[@]}"; then
  apt_get update || fail
  apt_get install -y --no-install-recommends "${missing[@]}" || fail
fi
echo "setup.sh: done"
exec scripts/python_env.sh cpu
