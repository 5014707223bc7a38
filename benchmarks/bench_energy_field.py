"""Energy-field performance (energy-field issue), in one process on the same heads: every
per-head statistic (leverage, μ_K, p_j, stable rank, components for 90%, IPR, the I6 slacks)
through QR factors of Q and K_c — O(L·d_h²) per head, ``theory.head_metrics`` — against the
dense route — the L × L field, its SVD and the dense hat matrix, O(L³),
``theory.head_metrics_dense`` — at L = 1024, d_h = 64, on random heads and on SmolLM2-135M's
real heads when its package is installed. Agreement of every statistic is checked. Target ≥ 20×.

    python benchmarks/bench_energy_field.py
"""

from __future__ import annotations

import numpy as np
from _timing import best_of  # benchmarks/ is on sys.path when run as a script

from attnlab import theory

KEYS = ("mu_K", "max_leverage", "stable_rank", "pr_over_L", "max_Lp", "p0", "leverage0",
        "ipr_top")


def _agree(a: dict, b: dict) -> float:
    """Largest relative difference over the statistics (integers must be equal)."""
    if a["comps90"] != b["comps90"] or a["rank_K"] != b["rank_K"]:
        return float("inf")
    return max(abs(a[k] - b[k]) / max(abs(b[k]), 1e-12) for k in KEYS)


def main() -> int:
    L, d_h, heads = 1024, 64, 6
    rng = np.random.default_rng(0)
    # anisotropic keys with a mean (a key bias), as in trained heads
    pairs = [(rng.standard_normal((L, d_h)),
              rng.standard_normal((L, d_h)) * rng.uniform(0.2, 3, d_h) + 2.0)
             for _ in range(heads)]
    fast, qr = best_of(lambda: [theory.head_metrics(q, k) for q, k in pairs])
    slow, dense = best_of(lambda: [theory.head_metrics_dense(q, k) for q, k in pairs],
                          repeats=1)
    err = max(_agree(a, b) for a, b in zip(qr, dense, strict=True))
    ratio = slow / fast
    print(f"per-head metrics, L = {L}, d_h = {d_h}, {heads} heads: QR {fast / heads * 1e3:.1f} "
          f"ms/head, dense L×L SVD {slow / heads * 1e3:.0f} ms/head → {ratio:.0f}× "
          f"(max relative disagreement {err:.1e})")
    ok = err < 1e-6 and ratio >= 20
    print("OK" if ok else "FAILED (target: agreement < 1e-6 and ≥ 20×)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
