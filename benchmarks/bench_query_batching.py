"""Exact single-head recovery at d = 128 (16 512 queries): batched oracle calls (8 192
queries a call) against one oracle call per query, same oracle, same inputs, estimates
checked equal (query-learning issue: target ≥ 50×).

    python benchmarks/bench_query_batching.py [--d 128] [--device cpu|cuda] [--repeats 3]

Both sides: best of ``repeats`` runs, in this process.
"""

from __future__ import annotations

import argparse

import torch

from attnlab.probes import AttentionOracle, learn_exact, learn_exact_loop


def _best(fn, repeats):
    return min((fn() for _ in range(repeats)), key=lambda e: e.seconds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    d, dev = args.d, args.device
    g = torch.Generator().manual_seed(0)
    W = torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5
    v = torch.randn(d, generator=g, dtype=torch.float64)

    def batched():
        est = learn_exact(AttentionOracle(W, v, device=dev))
        if dev == "cuda":
            torch.cuda.synchronize()
        return est

    print(f"d = {d}, device {dev}, torch threads = {torch.get_num_threads()}, "
          f"queries = {d * d + d:,}, best of {args.repeats}")
    batched()  # warm-up (allocator, kernels)
    fast = _best(batched, args.repeats)
    loop = _best(lambda: learn_exact_loop(AttentionOracle(W, v, device=dev)), args.repeats)
    diff = float(((fast.W.cpu() - loop.W.cpu()).abs() / loop.W.cpu().abs()).max())
    err = float(((fast.W.cpu() - W).abs() / W.abs()).max())
    print(f"batched: {fast.seconds * 1e3:9.1f} ms   per-query loop: {loop.seconds * 1e3:9.1f} ms"
          f"   ratio {loop.seconds / fast.seconds:7.1f}x (target ≥ 50x)")
    print(f"max relative difference batched vs loop: {diff:.1e}; recovery error vs true W: "
          f"{err:.1e}; queries counted: {fast.queries:,} and {loop.queries:,}")
    return 0 if diff <= 1e-12 and fast.queries == loop.queries == d * d + d else 1


if __name__ == "__main__":
    raise SystemExit(main())
