"""The lora-forgetting claim list, its sources and the T11 numerics gate every numerical claim
depends on (Koubbi, Hernandez, Boussard, arXiv 2402.15415)."""

from __future__ import annotations

import numpy as np

from .._claims import ClaimList, all_of, decide

__all__ = ["CLAIMS", "ABSTRACT", "SUMMARY", "RECON", "GATE_LIMITS", "gate_checks",
           "gate_failure", "fit_line"]

CLAIMS = ClaimList()

ABSTRACT = "arXiv 2402.15415 v2, abstract"
SUMMARY = ("arXiv 2402.15415 v2 as summarised by papernotes.org (ICML 2026 notes): "
           "'a long-term stability condition controlled by the eigenvalue gap of V'")
RECON = "reconstruction (reproductions/lora_forgetting/README.md)"

# T11's numbers, shared by the gate below and T11's declaration
# (the unprojected run's norm drift gets the step-halving budget: both are RK4's own error)
GATE_LIMITS = {"order_band": (3.8, 4.2), "norm_tol": 1e-12, "halving_tol": 1e-8,
               "field_tol": 1e-12}


def fit_line(x, y) -> tuple[float, float, float]:
    """OLS slope of y on x with its standard error and R²: (slope, se, r2)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.size < 3:
        slope = float(np.polyfit(x, y, 1)[0]) if x.size == 2 else float("nan")
        return slope, float("nan"), float("nan")
    A = np.vstack([x, np.ones_like(x)]).T
    coef, res, *_ = np.linalg.lstsq(A, y, rcond=None)
    resid = y - A @ coef
    s2 = float(resid @ resid) / (x.size - 2)
    se = float(np.sqrt(s2 / ((x - x.mean()) ** 2).sum()))
    ss = float(((y - y.mean()) ** 2).sum())
    r2 = 1 - float(resid @ resid) / ss if ss > 0 else float("nan")
    return float(coef[0]), se, r2


def gate_checks(tables, limits=GATE_LIMITS) -> dict:
    """T11's checks, each a verdict by ``decide`` on an exact number: RK4 order (log-log
    slope of error vs h), |‖x_i‖ − 1|, base-vs-base D, step halving (RK4) and tolerance
    refinement (DOP853), the norm drift of RK4 without renormalisation (the projection is
    not hiding a wrong field), and the batched field against a per-token loop."""
    num, order = tables.get("numerics"), tables.get("rk4_order")
    if num is None or num.empty or order is None or order.empty:
        return {}
    slope = fit_line(np.log(order.h), np.log(order.error))[0]
    row = num.iloc[0]
    change = max(float(row.halving), float(row.refinement))
    return {"order": (slope, decide(slope, slope, limits["order_band"])),
            "norm": (float(row.norm_error),
                     decide(row.norm_error, row.norm_error, (0.0, limits["norm_tol"]))),
            "base_vs_base": (float(row.base_vs_base),
                             decide(row.base_vs_base, row.base_vs_base, (0.0, 0.0))),
            "halving": (change, decide(change, change, (0.0, limits["halving_tol"]))),
            "norm_unprojected": (float(row.norm_error_unprojected),
                                 decide(row.norm_error_unprojected, row.norm_error_unprojected,
                                        (0.0, limits["halving_tol"]))),
            "field_naive": (float(row.field_naive),
                            decide(row.field_naive, row.field_naive, (0.0, limits["field_tol"])))}


def gate_failure(tables) -> str:
    """'' if T11's gate passes; otherwise why the dependent claims are inconclusive."""
    checks = gate_checks(tables)
    if not checks:
        return "the numerics gate T11 has no data"
    if all_of(v for _, v in checks.values()) == "reproduced":
        return ""
    bad = ", ".join(f"{k} = {v:.3g}" for k, (v, verdict) in checks.items()
                    if verdict != "reproduced")
    return f"the numerics gate T11 failed ({bad}): the measurement cannot be trusted"
