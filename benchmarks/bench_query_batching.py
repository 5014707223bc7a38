"""Exact single-head recovery at d = 128 (16 512 queries): batched oracle calls (2 048
queries a call) against one oracle call per query, same oracle, same inputs, estimates
checked equal (query-learning issue: target ≥ 50×).

    python benchmarks/bench_query_batching.py [--d 128] [--device cpu|cuda] [--repeats 7]
                                              [--profile]

Both sides: best of ``repeats`` runs, interleaved (batched, loop, batched, …) so that a
machine busy with something else slows both alike; one warm-up run of each first. The best
run estimates the time on a quiet machine. ``--profile`` splits the batched side into its
parts (building the queries, the oracle's GEMM W x_N, the oracle's other passes, inverting
the sigmoid): what it spends its time on, and so the floor of the ratio.
"""

from __future__ import annotations

import argparse
import time

import torch

from attnlab.probes import AttentionOracle, learn_exact, learn_exact_loop
from attnlab.probes._query_learners import CHUNK, _PairRows


def _sync(dev):
    if dev == "cuda":
        torch.cuda.synchronize()


def _best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def profile(W, v, dev, repeats: int) -> dict:
    """Seconds per learn_exact call spent in each part (best of ``repeats``), with the same
    blocks learn_exact sends: ⌊CHUNK/d⌋ whole rows of W per oracle call."""
    d = W.shape[0]
    oracle = AttentionOracle(W, v, device=dev)
    rows = max(1, CHUNK // d)
    block = _PairRows(rows, d, 1.0, dev)
    Wt, vt = oracle.stored
    blocks = [(i0, min(d, i0 + rows)) for i0 in range(0, d, rows)]
    Xs = [block(i0, i1).clone() for i0, i1 in blocks]
    keys = [X[:, -1, :] @ Wt.T for X in Xs]
    f = [oracle(X) for X in Xs]
    vhat = oracle(torch.eye(d, dtype=torch.float64, device=dev)[:, None, :])

    def build():
        for i0, i1 in blocks:
            block(i0, i1)

    def gemm():
        for X in Xs:
            X[:, -1, :] @ Wt.T
        _sync(dev)

    def rest():
        for X, k in zip(Xs, keys, strict=True):
            logits = torch.bmm(X, k[:, :, None])[..., 0]
            w = torch.softmax(logits, dim=-1)
            torch.bmm(w[:, None, :], (X @ vt)[:, :, None])
        _sync(dev)

    def invert():
        for (i0, i1), y in zip(blocks, f, strict=True):
            torch.logit((y.reshape(i1 - i0, d) - vhat[None, :]) / vhat[i0:i1, None])
        _sync(dev)

    def whole():
        learn_exact(AttentionOracle(W, v, device=dev))
        _sync(dev)

    return {name: _best(fn, repeats) for name, fn in
            (("whole learn_exact", whole), ("build queries", build),
             ("oracle GEMM X_N Wᵀ", gemm), ("oracle other passes", rest),
             ("invert sigmoid", invert))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    d, dev = args.d, args.device
    g = torch.Generator().manual_seed(0)
    W = torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5
    v = torch.randn(d, generator=g, dtype=torch.float64)

    def batched():
        est = learn_exact(AttentionOracle(W, v, device=dev))
        _sync(dev)
        return est

    def loop():
        return learn_exact_loop(AttentionOracle(W, v, device=dev))

    print(f"d = {d}, device {dev}, torch threads = {torch.get_num_threads()}, "
          f"queries = {d * d + d:,}, best of {args.repeats} (interleaved)")
    fast, slow = batched(), loop()  # warm-up (allocator, kernels) and the estimates compared
    t_fast, t_slow = float("inf"), float("inf")
    for _ in range(args.repeats):
        t_fast = min(t_fast, batched().seconds)
        t_slow = min(t_slow, loop().seconds)
    diff = float(((fast.W.cpu() - slow.W.cpu()).abs() / slow.W.cpu().abs()).max())
    err = float(((fast.W.cpu() - W).abs() / W.abs()).max())
    print(f"batched: {t_fast * 1e3:9.1f} ms   per-query loop: {t_slow * 1e3:9.1f} ms"
          f"   ratio {t_slow / t_fast:7.1f}x (target ≥ 50x)")
    print(f"max relative difference batched vs loop: {diff:.1e}; recovery error vs true W: "
          f"{err:.1e}; queries counted: {fast.queries:,} and {slow.queries:,}")
    if args.profile:
        parts = profile(W, v, dev, args.repeats)
        whole = parts.pop("whole learn_exact")
        print(f"batched side, best of {args.repeats}: {whole * 1e3:.2f} ms per learn_exact; its "
              "parts, each timed alone over all blocks (so with colder caches, adding to more "
              "than the whole): " + "; ".join(f"{k} {s * 1e3:.2f} ms" for k, s in parts.items()))
        floor = parts["oracle GEMM X_N Wᵀ"]
        print(f"floor: the oracle's GEMM alone ({d}⁴ = {d**4 / 1e6:.0f} M multiply-adds) "
              f"would allow at most {t_slow / floor:.0f}x against this loop")
    return 0 if diff <= 1e-12 and fast.queries == slow.queries == d * d + d else 1


if __name__ == "__main__":
    raise SystemExit(main())
