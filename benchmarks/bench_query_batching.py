"""Exact single-head recovery at d = 128 (16 512 queries): one batched oracle call per query
length against one oracle call per query, same oracle, same estimates (query-learning issue:
target ≥ 50×). Groundwork: the query-learning reproduction itself is not built yet.

    python benchmarks/bench_query_batching.py [--d 128]
"""

from __future__ import annotations

import argparse

import torch

from probes import AttentionOracle, learn_exact, learn_exact_loop


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=128)
    args = ap.parse_args()
    d = args.d
    g = torch.Generator().manual_seed(0)
    W = torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5
    v = torch.randn(d, generator=g, dtype=torch.float64)
    print(f"d = {d}, torch threads = {torch.get_num_threads()}, queries = {d * d + d:,}")
    batched = min((learn_exact(AttentionOracle(W, v)) for _ in range(3)),
                  key=lambda e: e.seconds)
    loop = learn_exact_loop(AttentionOracle(W, v))
    diff = float(((batched.W - loop.W).abs() / loop.W.abs()).max())
    err = float(((batched.W - W).abs() / W.abs()).max())
    print(f"batched: {batched.seconds * 1e3:9.1f} ms   per-query loop: {loop.seconds * 1e3:9.1f} ms"
          f"   ratio {loop.seconds / batched.seconds:7.1f}x (target ≥ 50x)")
    print(f"max relative difference batched vs loop: {diff:.1e}; recovery error vs true W: "
          f"{err:.1e}; queries counted: {batched.queries:,} and {loop.queries:,}")
    return 0 if diff <= 1e-12 and batched.queries == loop.queries == d * d + d else 1


if __name__ == "__main__":
    raise SystemExit(main())
