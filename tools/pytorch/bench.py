#!/usr/bin/python3
"""PyTorch side of the RnnToolkit speed benchmark (CPU, float32).

Shapes: batch B=64, time T=100, input I=32, hidden H=128.
Benchmarks (median wall-clock milliseconds per iteration, time.perf_counter):
  lstm_train  nn.LSTM(32, 128, batch_first=True) forward + backward of output.sum()
  gru_train   nn.GRU, same
  rnn_train   nn.RNN (tanh), same
  lstm_infer  nn.LSTM forward only, under torch.no_grad()
  mha_train   nn.MultiheadAttention(128, 4 heads, batch_first=True) self-attention
              on x of shape (64, 100, 128), forward + backward of output.sum()
Gradients are zeroed (set to None) before every training iteration.

--scaling runs instead the LSTM training rows of Bench/Scaling.cs: T in 50, 100,
400, 1000 at H=128 and H in 64, 256, 512 at T=100 (B=64, I=32), each named
lstm_train_T{T}_H{H}, with its peak memory: VmHWM after the row minus VmRSS
before it, after gc.collect(), malloc_trim(0) and resetting VmHWM (5 written to
/proc/self/clear_refs), the module and input already built. Timed iterations
per row: --iterations scaled by the row's work against T=100, H=128, at least 3
(the same rule as Bench/Scaling.cs); warm-up a quarter of that, 1 to --warmup.
Output then also has "scaling": {name: {"median_ms", "min_ms", "peak_mb"}}.

Usage (from the repository root):
    /usr/bin/python3 tools/pytorch/bench.py [--threads 2] [--iterations 20]
        [--warmup 5] [--only lstm_train,mha_train] [--scaling]

Prints ONE JSON object on stdout:
    {"torch": ..., "threads": N, "blas_threads": ..., "omp_wait_policy": ...,
     "blas": ..., "blas_library": ...,
     "openblas": true|false, "shapes": {...}, "iterations": .., "warmup": ..,
     "median_ms": {name: ms}, "min_ms": {name: ms}}
Human-readable progress and warnings go to stderr.

Needs Debian's python3-torch with OpenBLAS selected as libblas.so.3
(tools/pytorch/setup.sh); with Debian's reference BLAS it is ~10x slower and a
warning is printed.
"""

import argparse
import ctypes
import json
import os
import statistics
import sys
import time

B, T, I, H = 64, 100, 32, 128
HEADS = 4
ALL = ["lstm_train", "gru_train", "rnn_train", "lstm_infer", "mha_train"]
SCALING_ROWS = [(50, 128), (100, 128), (400, 128), (1000, 128), (100, 64), (100, 256), (100, 512)]


def scaling_iterations(configured, t, h):
    """Bench/Scaling.cs's rule: the configured count scaled by the row's work against T=100, H=128, at least 3."""
    return max(min(3, configured), min(configured, int(round(configured * 100.0 * 128 * 128 / (t * h * h)))))


def status_kb(field):
    """A kB field of /proc/self/status."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak():
    """Return freed heap memory to the system, reset VmHWM to the current RSS and return that RSS in kB."""
    import gc
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError as e:
        log("cannot reset VmHWM (%s); peak memory is the process's" % e)
    return status_kb("VmRSS")


def parse_args():
    ap = argparse.ArgumentParser(description="PyTorch recurrent-layer speed benchmark")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--iterations", type=int, default=20, help="timed iterations (default 20)")
    ap.add_argument("--warmup", type=int, default=5, help="warm-up iterations (default 5)")
    ap.add_argument("--blas-threads", type=int, default=None,
                    help="OpenBLAS thread count (default: same as --threads)")
    ap.add_argument("--only", default=None, help="comma-separated subset of: " + ",".join(ALL))
    ap.add_argument("--scaling", action="store_true",
                    help="LSTM training against T and H with peak memory instead of the main rows")
    args = ap.parse_args()
    if args.blas_threads is None:
        args.blas_threads = args.threads
    if args.threads < 1 or args.blas_threads < 1 or args.iterations < 1 or args.warmup < 0:
        ap.error("--threads, --blas-threads and --iterations must be >= 1, --warmup >= 0")
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        bad = [n for n in names if n not in ALL]
        if bad:
            ap.error("unknown benchmark(s) %s; choose from %s" % (",".join(bad), ",".join(ALL)))
        args.names = names
    else:
        args.names = list(ALL)
    return args


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def mapped_libraries():
    """Real paths of the shared objects mapped into this process."""
    libs = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split(None, 5)
                if len(parts) == 6:
                    path = parts[5].strip()
                    if path.startswith("/") and ".so" in path and path not in libs:
                        libs.append(path)
    except OSError:
        pass
    return libs


def detect_blas(torch):
    """Return (description, library path, is_openblas, openblas handle or None)."""
    a = torch.randn(64, 64)
    (a @ a).sum().item()  # make sure the BLAS is loaded and used
    libs = mapped_libraries()
    blas_libs = [p for p in libs if os.path.basename(p).startswith(("libblas", "libopenblas", "libmkl", "libblis"))]
    openblas = None
    desc = None
    for p in blas_libs:
        if "openblas" in os.path.basename(p) or "openblas" in p:
            try:
                lib = ctypes.CDLL(p)
                get_config = lib.openblas_get_config
                get_config.restype = ctypes.c_char_p
                desc = get_config().decode(errors="replace")
                openblas = lib
                break
            except (OSError, AttributeError):
                continue
    libblas = next((p for p in blas_libs if os.path.basename(p).startswith("libblas")), None)
    main_lib = libblas or (blas_libs[0] if blas_libs else None)
    if openblas is not None:
        # OpenBLAS actually serves BLAS calls only if libblas.so.3 is its own
        # (openblas-pthread/ or openblas-openmp/) or torch links it directly.
        is_openblas = libblas is None or "openblas" in libblas
    else:
        is_openblas = False
    if desc is None:
        if main_lib is None:
            desc = "unknown (no BLAS library found in /proc/self/maps)"
        elif "mkl" in main_lib:
            desc = "MKL"
        elif "/blas/" in main_lib:
            desc = "reference BLAS (Debian libblas3)"
        else:
            desc = "unknown"
    elif not is_openblas:
        desc = "reference BLAS (Debian libblas3); OpenBLAS mapped but not used: " + desc
    return desc, main_lib, is_openblas, openblas


def main():
    args = parse_args()
    # OpenBLAS (pthread build) sizes its own thread pool from this variable;
    # torch.set_num_threads does not control it. Must be set before loading.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    # Debian's torch uses GNU OpenMP for its own kernels and the pthread
    # OpenBLAS has a separate thread pool; with the default (active) wait
    # policy idle OpenMP workers spin and steal the cores OpenBLAS needs.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch
    import torch.nn as nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    blas, blas_lib, is_openblas, openblas = detect_blas(torch)
    blas_threads = None
    if openblas is not None:
        try:
            openblas.openblas_set_num_threads(ctypes.c_int(args.blas_threads))
            blas_threads = int(openblas.openblas_get_num_threads())
        except AttributeError:
            pass
    log("torch %s, threads %d, BLAS: %s (%s)" % (torch.__version__, torch.get_num_threads(), blas, blas_lib))
    if not is_openblas:
        log("WARNING: PyTorch is NOT using OpenBLAS (found: %s). Timings will be far slower "
            "(~10x with Debian's reference BLAS). Fix: apt-get install libopenblas0-pthread and "
            "update-alternatives --set libblas.so.3-x86_64-linux-gnu "
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 (see tools/pytorch/setup.sh)." % blas)

    def recurrent_train(cls, **kw):
        m = cls(I, H, batch_first=True, **kw)
        x = torch.randn(B, T, I)
        params = list(m.parameters())

        def step():
            for p in params:
                p.grad = None
            out, _ = m(x)
            out.sum().backward()
        return step

    def lstm_infer():
        m = nn.LSTM(I, H, batch_first=True)
        x = torch.randn(B, T, I)

        def step():
            with torch.no_grad():
                m(x)
        return step

    def mha_train():
        m = nn.MultiheadAttention(embed_dim=H, num_heads=HEADS, batch_first=True)
        x = torch.randn(B, T, H)
        params = list(m.parameters())

        def step():
            for p in params:
                p.grad = None
            out, _ = m(x, x, x, need_weights=False)
            out.sum().backward()
        return step

    makers = {
        "lstm_train": lambda: recurrent_train(nn.LSTM),
        "gru_train": lambda: recurrent_train(nn.GRU),
        "rnn_train": lambda: recurrent_train(nn.RNN, nonlinearity="tanh"),
        "lstm_infer": lstm_infer,
        "mha_train": mha_train,
    }

    median_ms, min_ms, scaling = {}, {}, {}
    for t, h in (SCALING_ROWS if args.scaling else []):
        name = "lstm_train_T%d_H%d" % (t, h)
        m = nn.LSTM(I, h, batch_first=True)
        x = torch.randn(B, t, I)
        params = list(m.parameters())
        iterations = scaling_iterations(args.iterations, t, h)
        warmup = min(args.warmup, max(1, iterations // 4))
        baseline = reset_peak()
        times = []
        for k in range(-warmup, iterations):
            t0 = time.perf_counter()
            for p in params:
                p.grad = None
            out, _ = m(x)
            out.sum().backward()
            del out
            if k >= 0:
                times.append((time.perf_counter() - t0) * 1000.0)
        peak_mb = (status_kb("VmHWM") - baseline) / 1024.0
        scaling[name] = {"median_ms": round(statistics.median(times), 3), "min_ms": round(min(times), 3),
                         "peak_mb": round(peak_mb, 1)}
        median_ms[name] = scaling[name]["median_ms"]
        log("%-22s median %9.3f ms  peak +%.1f MB  (%d iterations, %d warm-up)"
            % (name, median_ms[name], peak_mb, iterations, warmup))
        del m, x, params
    for name in ([] if args.scaling else args.names):
        step = makers[name]()
        for _ in range(args.warmup):
            step()
        times = []
        for _ in range(args.iterations):
            t0 = time.perf_counter()
            step()
            times.append((time.perf_counter() - t0) * 1000.0)
        median_ms[name] = round(statistics.median(times), 3)
        min_ms[name] = round(min(times), 3)
        log("%-11s median %9.3f ms  min %9.3f ms  (%d iterations, %d warm-up)"
            % (name, median_ms[name], min_ms[name], args.iterations, args.warmup))

    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas_threads": blas_threads,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "blas": blas,
        "blas_library": blas_lib,
        "openblas": is_openblas,
        "shapes": {"batch": B, "time": T, "input_size": I, "hidden_size": H, "mha_heads": HEADS},
        "iterations": args.iterations,
        "warmup": args.warmup,
        "median_ms": median_ms,
        "min_ms": min_ms,
    }
    if args.scaling:
        result["scaling"] = scaling
    print(json.dumps(result))


if __name__ == "__main__":
    main()
