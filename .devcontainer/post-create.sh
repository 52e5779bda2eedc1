#!/usr/bin/env bash
# Sets a machine up for the course. The devcontainer runs it once after creating the container; it also runs on
# plain Debian or Ubuntu, as root or as a user with sudo. CI runs it with --ci (see .ci/run) so it cannot rot.
#
#   bash .devcontainer/post-create.sh         # classroom / your own machine
#   bash .devcontainer/post-create.sh --ci    # only install, build, restore and smoke-test; no editor-only steps
#
# Steps: 1. install OpenBLAS (apt: libopenblas0-pthread), and Jupyter's executor and Chromium, which the tests use
# to run every notebook in the real kernel and to look at its charts  2. restore the pinned Polyglot kernel
# (dotnet-interactive, .config/dotnet-tools.json)  3. build the solution  4. restore the notebooks' #r "nuget:"
# packages  5. run notebooks/00-setup.ipynb with the reference solutions as a smoke test
# 6. (not with --ci) editor-only steps: mark the folder safe for git, say what to open.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
for arg in "$@"; do
  case "$arg" in
    --ci) ci=true ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "post-create.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
course() { dotnet run --no-build --project lib/TransformerCourse.Cli -- "$@"; }

# apt packages: OpenBLAS for fast matrix products; nbconvert + nbclient + jupyter-client to execute notebooks in the
# Polyglot kernel headless (the tests do); Chromium to look at the executed notebooks' charts (the tests do).
packages=(libopenblas0-pthread jupyter-nbconvert python3-nbclient jupyter-client chromium)
step "apt packages: ${packages[*]}"
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "already installed"
elif ! command -v apt-get >/dev/null 2>&1; then
  echo "warning: no apt-get here; install ${missing[*]} with your package manager (the notebooks run without them)"
else
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ]; then
    echo "warning: not root and no sudo: cannot install ${missing[*]} (the notebooks run without them)"
  elif $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null; then
    echo "installed ${missing[*]}"
  else
    echo "warning: could not install ${missing[*]}"
  fi
fi

step ".NET SDK"
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is not installed (https://dotnet.microsoft.com/download)" >&2
  exit 1
fi
dotnet --version

step "The Polyglot kernel: dotnet-interactive (version pinned in .config/dotnet-tools.json)"
dotnet tool restore

step "Building TransformerCourse.sln"
dotnet build TransformerCourse.sln --nologo -v q

step "Restoring the notebooks' packages"
course restore notebooks

step "Smoke test: notebooks/00-setup.ipynb with the reference solutions"
course run notebooks/00-setup.ipynb --solutions --quiet --out "${TMPDIR:-/tmp}/transformercourse-smoke"

if [ "$ci" = false ]; then
  step "Editor setup"
  # Containers often mount the folder with another owner; git then refuses to work in it.
  git config --global --add safe.directory "$PWD" 2>/dev/null || true
  cat <<'MSG'
Ready. Open notebooks/00-setup.ipynb, pick the .NET Interactive kernel if asked, and Run All.
Headless: dotnet run --project lib/TransformerCourse.Cli -- run notebooks
MSG
fi
