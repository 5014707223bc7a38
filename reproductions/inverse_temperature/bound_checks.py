"""The T1 check shared by every kind of cell: count (row, β) pairs and bound violations.

The exact per-row bounds of :mod:`attnlab.theory` (``top_two_gap_bound``, ``partition_bound``,
``max_weight_bound``, ``entropy_bound``) hold at r = β/Λ for the *raw* accumulation scale Λ of
the row (Hayase & Karakida, arXiv 2605.12697; the bounds are this reproduction's derivation,
see ``reproductions/inverse_temperature/README.md``). Family rows, adversarial rows and model
logits (:mod:`.cells`, :mod:`.models`) all count their pairs here, so T1 judges one tally.
"""

from __future__ import annotations

import numpy as np

from attnlab import theory

__all__ = ["BOUND_REL_TOL", "check_bounds", "add_checks", "bound_samples"]

# T1's tolerance: a violation is an excess beyond 1e-9 relative, far above the ~1e-13 to which
# the β-grid sums agree with a direct sum (attnlab.probes.softmax_statistics). T1's criterion
# is formatted from this constant (claims.py), so the prose and the check cannot differ.
BOUND_REL_TOL = 1e-9


def check_bounds(stats, lambda_raw: float) -> dict:
    """Count (row, β) pairs and violations of the four exact bounds at r = β/Λ_raw.

    ``stats`` is one row's :class:`attnlab.probes.SoftmaxStatistics` on a β grid ``[B]``;
    returns ``{"pairs": B, "<bound>_checked", "<bound>_violations", "<bound>_max_ratio"}``
    (max_ratio: the tightest measured/bound over the pairs where the bound is active).
    """
    r = stats.beta / lambda_raw if lambda_raw > 0 else np.full_like(stats.beta, np.inf)
    r = np.where(np.isinf(lambda_raw), 0.0, r)
    z = np.exp(stats.log_partition)
    checks = {
        "top_two_gap": (stats.top_two_gap, theory.top_two_gap_bound(r), r < 1),
        "partition": (z, theory.partition_bound(r), r > 1),
        "entropy": (stats.entropy, theory.entropy_bound(r), r > 1),
    }
    out = {"pairs": int(r.size)}
    for name, (measured, bound, active) in checks.items():
        excess = measured - bound * (1 + BOUND_REL_TOL)
        out[f"{name}_checked"] = int(active.sum())
        out[f"{name}_violations"] = int((active & (excess > 0)).sum())
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(active & (bound > 0), measured / bound, 0.0)
        out[f"{name}_max_ratio"] = float(ratio.max()) if ratio.size else 0.0
    lower = theory.max_weight_bound(r)
    active = r > 1
    out["max_weight_checked"] = int(active.sum())
    out["max_weight_violations"] = int(
        (active & (stats.max_weight < lower * (1 - BOUND_REL_TOL))).sum())
    return out


def add_checks(total: dict, new: dict) -> dict:
    """Combine two tallies of :func:`check_bounds`: counts add, max ratios take the max."""
    return {k: (max(total.get(k, 0.0), v) if k.endswith("max_ratio") else total.get(k, 0) + v)
            for k, v in new.items()}


def bound_samples(stats, lambda_raw, every: int = 5) -> list:
    """Every ``every``-th β of one row as ``[r, top-two gap, p_max, H]`` for the T1 scatter."""
    if not np.isfinite(lambda_raw) or lambda_raw <= 0:
        return []
    r = stats.beta[::every] / lambda_raw
    return [[float(a), float(b), float(c), float(d)] for a, b, c, d in
            zip(r, stats.top_two_gap[::every], stats.max_weight[::every],
                stats.entropy[::every], strict=True)]
