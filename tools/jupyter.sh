#!/bin/sh
# Opens the notebooks in the classic Jupyter Notebook with the Deno kernel.
#
#   deno task jupyter [jupyter-notebook options, e.g. --no-browser --port 8890]
#
# The kernel spec is kept in the repo (jupyter/kernels/deno/kernel.json: runs
# `deno jupyter --kernel --quiet` with NO_COLOR=1, SIGINT ignored so that
# Kernel > Interrupt never kills it) and found through JUPYTER_PATH, so
# nothing is installed in your home folder. (`deno jupyter --install` would
# register a per-user spec instead; this one takes precedence here.)
# Jupyter itself: `apt-get install jupyter-notebook` (Debian/Ubuntu) or
# `pip install notebook`.
set -e
cd "$(dirname "$0")/.."
JUPYTER_PATH="$PWD/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
NO_COLOR=1
PYDEVD_DISABLE_FILE_VALIDATION=1
export JUPYTER_PATH NO_COLOR PYDEVD_DISABLE_FILE_VALIDATION
if ! command -v jupyter-notebook >/dev/null 2>&1; then
  echo "jupyter: jupyter-notebook not found; install it with" >&2
  echo "  apt-get install jupyter-notebook   (Debian/Ubuntu)  or  pip install notebook" >&2
  exit 1
fi
if ! command -v deno >/dev/null 2>&1; then
  echo "jupyter: the kernel runs 'deno', which is not on PATH" >&2
  exit 1
fi
root=""
[ "$(id -u)" = 0 ] && root="--allow-root"
echo "jupyter: Deno kernel spec from $PWD/jupyter/kernels/deno" >&2
dir="$PWD/notebooks"
[ -d "$dir" ] || dir="$PWD"
exec jupyter-notebook --notebook-dir="$dir" $root "$@"
