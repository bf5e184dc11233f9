"""Times torch.nn.functional.layer_norm at the harness benchmark's shape.

usage: /usr/bin/python3 bench/torch_layer_norm.py [THREADS...] [--json FILE]

For each thread count (default: 1 and all hardware threads) prints the
median wall and process-CPU milliseconds over repeated runs of
F.layer_norm on an 8192 x 4096 float32 matrix with weight and bias, and of
a torch copy of the same bytes (Tensor.copy_), the memcpy floor as torch
sees it. The harness's own figures come from bench/HarnessBench.cpp;
bench/harness.sh runs both and prints the ratios.
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

ROWS, WIDTH, REPEATS = 8192, 4096, 15


def timed(fn):
    fn()  # warm up (first touch of the output)
    wall, cpu = [], []
    for _ in range(REPEATS):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return statistics.median(wall), statistics.median(cpu)


def main(argv):
    out = None
    if "--json" in argv:
        i = argv.index("--json")
        out = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    threads = [int(a) for a in argv] or sorted({1, os.cpu_count() or 1})
    g = torch.Generator().manual_seed(1)
    x = torch.randn(ROWS, WIDTH, generator=g) * 2.0 + 0.5
    w = 1.0 + 0.1 * torch.randn(WIDTH, generator=g)
    b = 0.1 * torch.randn(WIDTH, generator=g)
    y = torch.empty_like(x)
    results = []
    for t in threads:
        torch.set_num_threads(t)
        ln = timed(lambda: F.layer_norm(x, (WIDTH,), w, b, 1e-5))
        cp = timed(lambda: y.copy_(x))
        for name, (wall, cpu) in (("torch_layer_norm", ln), ("torch_copy", cp)):
            results.append({"name": name, "threads": t, "wall_ms": wall, "cpu_ms": cpu})
            print(f"{name:18s} threads {t}: median wall {wall:7.1f} ms, cpu {cpu:7.1f} ms")
    if out:
        with open(out, "w") as f:
            json.dump({"torch": torch.__version__, "results": results}, f)


if __name__ == "__main__":
    main(sys.argv[1:])
