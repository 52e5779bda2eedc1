#!/usr/bin/env bash
# Runs every benchmark and writes bench/results/results.md (the tables README.md quotes).
#
#   bash bench/run.sh                  # 1 and 2 threads
#   BENCH_THREADS=1 bash bench/run.sh  # other thread counts; extra arguments go to the C# harness
#   BENCH_OUT=bench/results/other.md bash bench/run.sh   # another results file
#   BENCH_SAMPLES=11 bash bench/run.sh                   # more samples per median (a busy machine)
#
# Needs OpenBLAS for the native columns and PyTorch for its column (Debian/Ubuntu):
#   apt-get install -y libopenblas0-pthread python3-torch
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${BENCH_THREADS:-1,2}"
out="${BENCH_OUT:-bench/results/results.md}"
samples="${BENCH_SAMPLES:-7}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# PyTorch first, one process per thread count: OpenBLAS and OpenMP read their thread counts at load.
# Debian's python3-torch is in /usr/bin/python3, which may not be the first python3 on PATH.
py=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import torch" 2>/dev/null; then py=$candidate; break; fi
done
torch_args=()
if [ -n "$py" ]; then
  for t in ${threads//,/ }; do
    OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t MKL_NUM_THREADS=$t "$py" bench/torch_gemm.py --threads "$t" --samples "$samples" --out "$tmp/torch-gemm-t$t.json"
    torch_args+=(--torch "$tmp/torch-gemm-t$t.json")
  done
else
  echo "PyTorch not found (apt-get install -y python3-torch): its column will say n/a" >&2
fi

dotnet run -c Release --project bench/TransformerCourse.Bench -- \
  --threads "$threads" --samples "$samples" ${torch_args[@]+"${torch_args[@]}"} --out "$out" "$@"
