#!/usr/bin/env python3
"""Which BLAS on this machine multiplies a dense model's matrices fastest: the single-precision products of one training
step (forward A·W, weight gradient Aᵀ·dZ, input gradient dZ·Wᵀ except for the first layer) at the model's own shapes,
called straight through each library's cblas_sgemm, so that the figure is the library's and neither DL4J's nor
PyTorch's. When both sides of the peer benchmark multiply through the fastest library, neither can win on a model whose
step is mostly those products; this survey says whether another library would move that limit.

    src/bench/blas-survey.sh [--layers 3072,300,10] [--batch 512] [--rounds 3]

The defaults are a4_largest of experiments/bench/catalogue-models.json (two-layer-grid-001's largest point: CIFAR-10's
3,072 inputs, 300 hidden units, 10 classes, batch 512). Every library runs in a process of its own at 1 thread, the
order rotating over the rounds; a process's figure is the best of 5 repeats of 20 steps. blas-survey.sh fetches the
libraries and calls this file, once per process (--measure) and once for the table (--table).
"""
import ctypes
import hashlib
import json
import os
import statistics
import sys
import time


def fail(message):
    sys.exit(f"blas_survey: {message}")


def mkl_code_path(lib):
    """The code path a loaded MKL dispatched to on this processor: its conditional-numerical-reproducibility branch
    (mkl_cbwr_get_auto_branch; the constants of mkl_cbwr.h)."""
    branches = {2: "compatible", 3: "SSE2", 6: "SSSE3", 7: "SSE4.1", 8: "SSE4.2", 9: "AVX", 10: "AVX2",
                11: "AVX-512 MIC", 12: "AVX-512", 13: "AVX-512 MIC E1", 14: "AVX-512 E1"}
    branch = lib.mkl_cbwr_get_auto_branch()
    return branches.get(branch, f"branch {branch}")


def layer_products(layers, batch):
    """(m, n, k, transpose A, transpose B) of each product of one step, layer by layer, row-major."""
    products = []
    for i, (fan_in, fan_out) in enumerate(zip(layers, layers[1:])):
        products.append((batch, fan_out, fan_in, False, False))      # Z = A·W
        products.append((fan_in, fan_out, batch, True, False))       # dW = Aᵀ·dZ
        if i > 0:
            products.append((batch, fan_in, fan_out, False, True))   # dA = dZ·Wᵀ
    return products


def measure(library, layers, batch):
    import numpy as np
    lib = ctypes.CDLL(library, mode=ctypes.RTLD_GLOBAL)
    sgemm = lib.cblas_sgemm
    sgemm.restype = None
    p = ctypes.c_void_p
    sgemm.argtypes = [ctypes.c_int] * 6 + [ctypes.c_float, p, ctypes.c_int, p, ctypes.c_int, ctypes.c_float, p, ctypes.c_int]
    row_major, no_trans, trans = 101, 111, 112
    rng = np.random.default_rng(0)

    def operands(m, n, k, ta, tb):
        a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
        return a, b, np.empty((m, n), np.float32)

    def call(m, n, k, ta, tb, a, b, c):
        sgemm(row_major, trans if ta else no_trans, trans if tb else no_trans, m, n, k, 1.0, a.ctypes.data, a.shape[1],
              b.ctypes.data, b.shape[1], 0.0, c.ctypes.data, n)

    kernels = "unknown"
    if hasattr(lib, "openblas_get_corename"):
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        kernels = f"{lib.openblas_get_corename().decode()} ({lib.openblas_get_config().decode().strip()})"
    elif hasattr(lib, "mkl_cbwr_get_auto_branch"):
        kernels = f"MKL, auto branch {mkl_code_path(lib)} (mkl_cbwr_get_auto_branch)"
    step = [(shape, operands(*shape)) for shape in layer_products(layers, batch)]
    error = 0.0
    for (m, n, k, ta, tb), (a, b, c) in step:
        call(m, n, k, ta, tb, a, b, c)
        exact = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b).astype(np.float64)
        error = max(error, float(np.max(np.abs(c - exact)) / np.max(np.abs(exact))))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(20):
            for shape, ops in step:
                call(*shape, *ops)
        best = min(best, (time.perf_counter() - start) / 20)
    flops = sum(2 * m * n * k for (m, n, k, _, _), _ in step)
    square = 2048
    a, b, c = operands(square, square, square, False, False)
    best_square = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        call(square, square, square, False, False, a, b, c)
        best_square = min(best_square, time.perf_counter() - start)
    return {"kernels": kernels, "stepGflops": flops / best / 1e9, "samplesPerSecond": batch / best,
            "squareGflops": 2 * square ** 3 / best_square / 1e9, "relativeError": error}


def table(rows_file, config):
    rows = [json.loads(line) for line in open(rows_file) if line.strip()]
    if not rows:
        fail(f"{rows_file} holds no measurements; run src/bench/blas-survey.sh")
    names = list(dict.fromkeys(r["library"] for r in rows))
    # The ratios are to the setup this project's runs load: the first library on the instruction set's kernels where
    # the survey forced them (its detection may fall back to generic ones), else the first as it detects.
    reference = next((n for n in names if n.startswith(names[0]) and n.endswith(" forced")), names[0])
    by_round = {}
    for r in rows:
        by_round.setdefault(r["round"], {})[r["library"]] = r
    layers, batch = config["layers"], config["batch"]
    out = ["# Which BLAS multiplies a dense model's step fastest on this machine\n",
           f"The single-precision products of one training step of a {'-'.join(map(str, layers))} net at batch {batch} "
           f"({config['model']}): forward A·W, weight gradient Aᵀ·dZ and input gradient dZ·Wᵀ except for the first layer, "
           f"called straight through each library's cblas_sgemm from a process of its own at 1 thread (no DL4J, no "
           f"PyTorch), the environment's OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE taken out so that each library picks its "
           f"own kernels (a row named \"forced\" sets OPENBLAS_CORETYPE as its source says). {config['rounds']} rounds, the order rotating; a process's figure is the best of 5 repeats of 20 "
           f"steps, a row's the median over the rounds, and × {reference} the median of the within-round ratios. Error: "
           f"the largest relative difference from the same products in double precision. CPU: {config['cpu']}. Code: "
           f"{config['commit']}. This machine is shared and its speed swings 2–5×: compare within the table only.\n",
           "| library | kernels or code path | step GFLOP/s | samples/s (products only) | × " + reference
           + " (range) | square 2048³ GFLOP/s | largest relative error | file md5 |",
           "|---|---|---:|---:|---|---:|---:|---|"]
    summary = {}
    for name in names:
        mine = [r for r in rows if r["library"] == name]
        ratios = [by_round[r["round"]][name]["stepGflops"] / by_round[r["round"]][reference]["stepGflops"]
                  for r in mine if reference in by_round[r["round"]]]
        row = {k: statistics.median(r[k] for r in mine) for k in ("stepGflops", "samplesPerSecond", "squareGflops")}
        row.update(ratio=statistics.median(ratios), ratioMin=min(ratios), ratioMax=max(ratios),
                   relativeError=max(r["relativeError"] for r in mine), kernels=mine[0]["kernels"], md5=mine[0]["md5"],
                   file=mine[0]["file"])
        summary[name] = row
        out.append(f"| {name} | {row['kernels']} | {row['stepGflops']:.0f} | {row['samplesPerSecond']:,.0f} | "
                   f"{row['ratio']:.2f} ({row['ratioMin']:.2f}–{row['ratioMax']:.2f}) | {row['squareGflops']:.0f} | "
                   f"{row['relativeError']:.1e} | {row['md5'][:12]} |")
    out.append("")
    out.append("Where each comes from: " + "; ".join(f"{n}: {config['sources'][n]} (`{summary[n]['file']}`)"
                                                 for n in names) + ".\n")
    out.append(f"Regenerate: `src/bench/blas-survey.sh --layers {','.join(map(str, layers))} --batch {batch} "
               f"--rounds {config['rounds']}" + (f" --name {config['name']}" if config.get("name") else "") + "`.")
    return "\n".join(out) + "\n", {"config": config, "libraries": summary, "measurements": rows}


def main(args):
    if args[:1] == ["--measure"]:
        if len(args) != 6:
            fail("usage: --measure NAME LIBRARY LAYERS BATCH ROUND")
        name, library, layers, batch, rnd = args[1], args[2], [int(x) for x in args[3].split(",")], int(args[4]), int(args[5])
        result = {"library": name, "file": os.path.basename(library), "round": rnd}
        result.update(measure(library, layers, batch))
        result["md5"] = hashlib.md5(open(os.path.realpath(library), "rb").read()).hexdigest()
        print(json.dumps(result))
    elif args[:1] == ["--table"]:
        if len(args) != 4:
            fail("usage: --table ROWS.jsonl CONFIG.json OUT (writes OUT.md and OUT.json)")
        md, data = table(args[1], json.load(open(args[2])))
        with open(args[3] + ".json.tmp", "w") as f:
            json.dump(data, f, indent=1)
        with open(args[3] + ".md.tmp", "w") as f:
            f.write(md)
        os.replace(args[3] + ".json.tmp", args[3] + ".json")
        os.replace(args[3] + ".md.tmp", args[3] + ".md")
    else:
        fail("give --measure or --table (src/bench/blas-survey.sh runs both)")


if __name__ == "__main__":
    main(sys.argv[1:])
