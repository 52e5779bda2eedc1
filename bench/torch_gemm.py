"""PyTorch's column of the GEMM table: torch.matmul on n x n float64 matrices.

Run by bench/run.sh, once per thread count, with OMP_NUM_THREADS / OPENBLAS_NUM_THREADS /
MKL_NUM_THREADS set to that count before Python starts (the BLAS reads them at load time):

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 bench/torch_gemm.py --threads 1 --out t1.json

Timing mirrors bench/TransformerCourse.Bench/Measure.cs: two calls and 0.1 s of warm-up, a batch
of calls lasting at least 50 ms per sample, the median of 7 samples. OpenBLAS's cblas_dgemm is timed
too, interleaved with torch.matmul, so that torch / OpenBLAS is a fair ratio even on a busy machine:
the C# harness measures native / OpenBLAS the same way, and the table joins the two ratios.
"""
import argparse
import ctypes
import json
import math
import statistics
import time

import torch

SAMPLES = 7
MIN_SAMPLE_SECONDS = 0.05


def calibrate(fn):
    """Warms up (two calls, then at least 0.1 s) and returns how many calls make one sample."""
    fn()
    fn()
    start, calls = time.perf_counter(), 0
    while True:
        fn()
        calls += 1
        if time.perf_counter() - start >= 0.1:
            break
    per_call = (time.perf_counter() - start) / calls
    return max(1, math.ceil(MIN_SAMPLE_SECONDS / per_call))


def interleaved_samples(fns, samples=SAMPLES):
    """Seconds per call of each function in each sample, the samples interleaved (a, b, b, a, ...)."""
    batches = [calibrate(fn) for fn in fns]
    times = [[] for _ in fns]
    for s in range(samples):
        order = range(len(fns)) if s % 2 == 0 else reversed(range(len(fns)))
        for i in order:
            start = time.perf_counter()
            for _ in range(batches[i]):
                fns[i]()
            times[i].append((time.perf_counter() - start) / batches[i])
    return times


def raw_openblas_dgemm():
    """cblas_dgemm of libopenblas.so.0 through ctypes (the same reference the C# harness uses), or None."""
    try:
        lib = ctypes.CDLL("libopenblas.so.0")
    except OSError:
        return None
    f = lib.cblas_dgemm
    f.restype = None
    f.argtypes = [ctypes.c_int] * 6 + [ctypes.c_double, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                                       ctypes.c_double, ctypes.c_void_p, ctypes.c_int]
    row_major, no_trans = 101, 111
    return lambda n, a, b, c: f(row_major, no_trans, no_trans, n, n, n, 1.0, a.data_ptr(), n, b.data_ptr(), n, 0.0, c.data_ptr(), n)


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
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    raw = raw_openblas_dgemm()
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        a = torch.rand(n, n, dtype=torch.float64) * 2 - 1
        b = torch.rand(n, n, dtype=torch.float64) * 2 - 1
        c = torch.empty(n, n, dtype=torch.float64)
        c_raw = torch.empty(n, n, dtype=torch.float64)
        fns = [lambda: torch.matmul(a, b, out=c)]
        if raw is not None:
            fns.append(lambda: raw(n, a, b, c_raw))
        times = interleaved_samples(fns, args.samples)
        seconds = [statistics.median(t) for t in times]
        results.append({"n": n, "seconds": seconds[0],
                        "raw_seconds": seconds[1] if raw is not None else None,
                        # torch's speed over raw OpenBLAS: the median of side-by-side sample ratios
                        "torch_speed_over_raw": statistics.median(r / t for t, r in zip(*times)) if raw is not None else None})
        print(f"[torch] threads={args.threads} n={n}: torch {2 * n ** 3 / seconds[0] / 1e9:.2f} GFLOP/s"
              + (f", raw OpenBLAS {2 * n ** 3 / seconds[1] / 1e9:.2f}" if raw is not None else ""), flush=True)

    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"benchmark": "gemm", "torch_version": torch.__version__, "blas": blas_in_use(),
                   "threads": args.threads, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
