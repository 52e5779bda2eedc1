"""PyTorch's column of the GEMM table: torch.matmul on n x n float64 matrices.

Run by bench/run.sh, once per thread count, with OMP_NUM_THREADS / OPENBLAS_NUM_THREADS /
MKL_NUM_THREADS set to that count before Python starts (the BLAS reads them at load time):

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 bench/torch_gemm.py --threads 1 --out t1.json

Timing mirrors bench/TransformerCourse.Bench/Measure.cs: two calls and 0.1 s of warm-up, a batch
of calls lasting at least 50 ms per sample, the median of 7 samples.
"""
import argparse
import json
import math
import statistics
import time

import torch

SAMPLES = 7
MIN_SAMPLE_SECONDS = 0.05


def median_seconds(fn):
    fn()
    fn()
    start, calls = time.perf_counter(), 0
    while True:
        fn()
        calls += 1
        if time.perf_counter() - start >= 0.1:
            break
    per_call = (time.perf_counter() - start) / calls
    batch = max(1, math.ceil(MIN_SAMPLE_SECONDS / per_call))
    samples = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - start) / batch)
    return statistics.median(samples)


def blas_in_use():
    """The BLAS library this process has loaded (from /proc/self/maps), with OpenBLAS's own config string."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
    except OSError:
        return "unknown"
    for path in paths:
        if "openblas" in path:
            try:
                import ctypes
                lib = ctypes.CDLL(path)
                lib.openblas_get_config.restype = ctypes.c_char_p
                return f"{lib.openblas_get_config().decode()} ({path})"
            except (OSError, AttributeError):
                return path
    return ", ".join(paths) or "built into torch"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--sizes", default="128,256,512,1024")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        a = torch.rand(n, n, dtype=torch.float64) * 2 - 1
        b = torch.rand(n, n, dtype=torch.float64) * 2 - 1
        c = torch.empty(n, n, dtype=torch.float64)
        seconds = median_seconds(lambda: torch.matmul(a, b, out=c))
        results.append({"n": n, "seconds": seconds})
        print(f"[torch] threads={args.threads} n={n}: {2 * n ** 3 / seconds / 1e9:.2f} GFLOP/s", flush=True)

    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"benchmark": "gemm", "torch_version": torch.__version__, "blas": blas_in_use(),
                   "threads": args.threads, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
