#!/usr/bin/env bash
# Sets a machine up for the course. The devcontainer runs it once after creating the container; it also runs on
# plain Debian or Ubuntu, as root or as a user with sudo. CI runs it with --ci (see .ci/run) so it cannot rot.
#
#   bash .devcontainer/post-create.sh         # classroom / your own machine
#   bash .devcontainer/post-create.sh --ci    # only install, build, restore and smoke-test; no editor-only steps
#   bash .devcontainer/post-create.sh --mkl   # also Intel MKL (Debian's non-free libmkl-rt); --mkl-only: just that
#
# Steps: 1. install OpenBLAS (apt: libopenblas0-pthread), and Jupyter's executor and Chromium, which the tests use
# to run every notebook in the real kernel and to look at its charts  2. restore the pinned Polyglot kernel
# (dotnet-interactive, .config/dotnet-tools.json)  3. build the solution  4. restore the notebooks' #r "nuget:"
# packages  5. run notebooks/00-setup.ipynb with the reference solutions as a smoke test
# 6. (not with --ci) editor-only steps: mark the folder safe for git, say what to open.
# With --mkl, step 1 also installs Intel MKL: on Debian it adds the non-free component to the apt sources
# (/etc/apt/sources.list or the deb822 /etc/apt/sources.list.d/debian.sources), on Ubuntu multiverse, then installs
# libmkl-rt and libgomp1 (MKL's GNU OpenMP layer) without recommends (about 145 MB download, 770 MB installed).
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
mkl=false
mkl_only=false
edit_sources=false
for arg in "$@"; do
  case "$arg" in
    --ci) ci=true ;;
    --mkl) mkl=true ;;
    --mkl-only) mkl=true; mkl_only=true ;;
    --edit-apt-sources) edit_sources=true; break ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "post-create.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
course() { dotnet run --no-build --project lib/TransformerCourse.Cli -- "$@"; }

if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi

# Adds a component (non-free on Debian, multiverse on Ubuntu) to every deb line or deb822 stanza of the official
# archive in the given files that lacks it, and says which files it changed. Idempotent. Used by --mkl; the tests
# (PostCreateTests) run it on copies: post-create.sh --edit-apt-sources COMPONENT FILE…
add_apt_component() {
  local component=$1; shift
  local f changed
  for f in "$@"; do
    [ -f "$f" ] || continue
    changed=$($sudo python3 - "$f" "$component" <<'PY'
import re, sys
path, component = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
official = ("debian.org/debian", "debian-security", "ubuntu.com/ubuntu", "ubuntu.com/ubuntu-ports", "archive.ubuntu",
            "security.ubuntu", "ports.ubuntu")
out = []
if path.endswith(".sources"):  # deb822: stanzas separated by blank lines, "Components: main …"
    for stanza in re.split(r"(\n\s*\n)", text):
        if any(o in stanza for o in official) and re.search(r"^Enabled:\s*no\s*$", stanza, re.M | re.I) is None:
            def add(m):
                parts = m.group(2).split()
                return m.group(0) if component in parts else f"{m.group(1)}{' '.join(parts + [component])}"
            stanza = re.sub(r"^(Components:[ \t]*)(.*)$", add, stanza, flags=re.M)
        out.append(stanza)
else:  # one-line format: "deb [options] uri suite component…"
    for line in text.splitlines(keepends=True):
        m = re.match(r"^(\s*deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+)((?:\s+[^\s#]+)*)(\s*(?:#.*)?)$", line.rstrip("\n"))
        if m and any(o in m.group(2) for o in official) and component not in m.group(3).split():
            line = f"{m.group(1)}{m.group(3)} {component}{m.group(4)}" + ("\n" if line.endswith("\n") else "")
        out.append(line)
new = "".join(out)
if new != text:
    open(path, "w", encoding="utf-8").write(new)
    print(path)
PY
)
    [ -n "$changed" ] && echo "added $component to $changed"
  done
  return 0
}

# Intel MKL from the distribution: Debian's non-free libmkl-rt (2020.4 on Debian 12), Ubuntu's multiverse. libgomp1
# gives MKL's GNU OpenMP layer (Acceleration.Enable() picks it, or MKL's sequential layer without it). No recommends:
# they pull LLVM's OpenMP and TBB development packages, which the course does not use.
install_mkl() {
  step "Intel MKL (libmkl-rt, libgomp1)"
  if dpkg -s libmkl-rt >/dev/null 2>&1 && dpkg -s libgomp1 >/dev/null 2>&1; then echo "already installed"; return 0; fi
  if ! command -v apt-get >/dev/null 2>&1 || [ "$sudo" = none ]; then
    echo "warning: cannot install MKL here (needs apt-get and root or sudo); the course uses OpenBLAS or managed code"
    return 0
  fi
  local component=non-free
  grep -qi '^ID=ubuntu' /etc/os-release 2>/dev/null && component=multiverse
  if ! command -v python3 >/dev/null 2>&1; then
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3 >/dev/null
  fi
  add_apt_component "$component" /etc/apt/sources.list /etc/apt/sources.list.d/debian.sources \
    /etc/apt/sources.list.d/ubuntu.sources || echo "warning: could not add $component to the apt sources"
  # MKL must not become the system's libblas.so.3 (PyTorch and NumPy load that): its package asks, default no.
  if command -v debconf-set-selections >/dev/null 2>&1; then
    echo "libmkl-rt libmkl-rt/use-as-default-blas-lapack boolean false" | $sudo debconf-set-selections
  fi
  if $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends libmkl-rt libgomp1 >/dev/null; then
    echo "installed libmkl-rt and libgomp1 ($(dpkg -s libmkl-rt | sed -n 's/^Version: //p'))"
  else
    echo "warning: could not install MKL (is the $component component reachable?); the course uses OpenBLAS"
  fi
}

if [ "$edit_sources" = true ]; then shift; sudo=""; add_apt_component "$@"; exit 0; fi
if [ "$mkl_only" = true ]; then install_mkl; exit 0; fi

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
  if [ "$sudo" = none ]; then
    echo "warning: not root and no sudo: cannot install ${missing[*]} (the notebooks run without them)"
  elif $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null; then
    echo "installed ${missing[*]}"
  else
    echo "warning: could not install ${missing[*]}"
  fi
fi

if [ "$mkl" = true ]; then install_mkl; fi

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
