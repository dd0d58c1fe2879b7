#!/usr/bin/env bash
# Makes (or brings up to date) one of the project's Python environments:
#   scripts/python_env.sh cpu    .venv       from scripts/python/cpu.txt
#   scripts/python_env.sh cuda   .venv-cuda  from scripts/python/cuda.txt
# and prints nothing when it is already current.
#
# The interpreter is Debian's /usr/bin/python3 (package python3-venv), never
# whichever python3 comes first on PATH (a pyenv or conda one would give a
# venv that depends on it). RECUR_BASE_PYTHON names another one.
# The environment is current when its stamp holds the requirement file's hash.
set -euo pipefail
cd "$(dirname "$0")/.."

flavour=${1:?usage: scripts/python_env.sh cpu|cuda}
case $flavour in
  cpu) venv=.venv ;;
  cuda) venv=.venv-cuda ;;
  *) echo "python_env.sh: unknown environment '$flavour' (cpu or cuda)" >&2; exit 2 ;;
esac
requirements=scripts/python/$flavour.txt
want=$(sha256sum "$requirements" | cut -d' ' -f1)
stamp=$venv/recur-requirements.sha256
if [[ -x $venv/bin/python && -f $stamp && $(cat "$stamp") == "$want" ]]; then
  exit 0
fi

base=${RECUR_BASE_PYTHON:-/usr/bin/python3}
if [[ ! -x $base ]]; then
  echo "python_env.sh: $base not found (scripts/setup.sh installs python3-venv; or set RECUR_BASE_PYTHON)" >&2
  exit 1
fi
echo "python_env.sh: installing $requirements into $venv"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A half-made venv (interrupted install) is replaced, not patched.
rm -rf "$venv"
if ! { "$base" -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"; } >"$log" 2>&1; then
  grep -v "is ignored: it is neither a file nor a directory" "$log" >&2 || true
  echo "python_env.sh: could not make $venv (see above)" >&2
  exit 1
fi
echo "$want" >"$stamp"
"$venv/bin/python" -c 'import torch; print("python_env.sh: torch", torch.__version__, "in", torch.__path__[0])'
