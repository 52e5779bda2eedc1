#!/usr/bin/env bash
# Runs every benchmark and writes bench/results/results.md (the tables README.md quotes): GEMM throughput, one
# Transformer encoder layer forward + backward, and a training step of the ko-en Transformer, each against PyTorch;
# and the pretrained all-MiniLM-L6-v2 forward against ONNX Runtime.
#
#   bash bench/run.sh                  # 1 and 2 threads, all sections (a few minutes)
#   BENCH_THREADS=1 bash bench/run.sh  # other thread counts; extra arguments go to the C# harness
#   BENCH_OUT=bench/results/other.md bash bench/run.sh   # another results file
#   BENCH_SAMPLES=11 bash bench/run.sh                   # more samples per median (a busy machine)
#   bash bench/run.sh --sections encoder,train           # some sections only (gemm, encoder, train, minilm, online, kvcache, gru)
#   BENCH_OUT=bench/results/online.md bash bench/run.sh --sections online   # online-softmax vs plain attention
#                                                        # (BENCH_ONLINE_T=512,1024: only these lengths)
#   BENCH_OUT=bench/results/kvcache.md bash bench/run.sh --sections kvcache   # greedy generation with/without the KV
#                                                        # cache, and PyTorch's cached decoder (bench/torch_kvcache.py)
#   BENCH_OUT=bench/results/minilm.md bash bench/run.sh --sections minilm   # MiniLM vs ONNX Runtime alone
#   BENCH_MKL=/path/to/libmkl_rt.so bash bench/run.sh    # the GEMM section's MKL column from that file (default: the
#                                                        # installed MKL; post-create.sh --mkl installs it)
#
# Needs OpenBLAS for the native columns and PyTorch for its columns (Debian/Ubuntu):
#   apt-get install -y libopenblas0-pthread python3-torch
# Without them the harness still runs; the missing columns say n/a and the results say why.
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${BENCH_THREADS:-1,2}"
out="${BENCH_OUT:-bench/results/results.md}"
samples="${BENCH_SAMPLES:-7}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The same OpenBLAS kernels for every process. Debian 12's OpenBLAS 0.3.21 does not know recent CPUs and falls back to
# its SSE3 kernels; Acceleration.Enable() then picks SkylakeX on AVX-512 CPUs for our process, and PyTorch must get the
# same. A value set by the caller wins.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
  export OPENBLAS_CORETYPE=SkylakeX
fi

# PyTorch's GEMM column first, one process per thread count: OpenBLAS and OpenMP read their thread counts at load.
# Debian's python3-torch is in /usr/bin/python3, which may not be the first python3 on PATH. The encoder and training
# sections start bench/torch_transformer.py themselves (as a worker, so that its samples interleave with ours).
py=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import torch" 2>/dev/null; then py=$candidate; break; fi
done
torch_args=()
if [ -n "$py" ]; then
  torch_args+=(--python "$(command -v "$py")")
  for t in ${threads//,/ }; do
    OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t MKL_NUM_THREADS=$t "$py" bench/torch_gemm.py --threads "$t" --samples "$samples" --out "$tmp/torch-gemm-t$t.json"
    torch_args+=(--torch "$tmp/torch-gemm-t$t.json")
  done
else
  echo "PyTorch not found (apt-get install -y python3-torch): its columns will say n/a" >&2
fi

dotnet run -c Release --project bench/TransformerCourse.Bench -- \
  --threads "$threads" --samples "$samples" ${torch_args[@]+"${torch_args[@]}"} --out "$out" "$@"
