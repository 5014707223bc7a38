"""Score families s = g(E), E ~ Exp(1), and the critical scales the theory predicts for them.

Writing a row's scores as s_j = g(E_j) with E_j i.i.d. Exp(1), the top order statistic sits at
E ≈ log n, and the accumulation scale is (Hayase & Karakida, arXiv 2605.12697; only the
abstract is public, so this follows the reconstruction described in
``reproductions/inverse_temperature/README.md``)

    Λ_n ≈ L_pred(n) = 1 / g'(log n)                              (hazard rate at the 1/n quantile)

so the prior laws are different g: exponential (g = E) → constant; Gaussian → (log n)^½;
log E (needle + bounded bulk) → log n; thin endpoint (g = −1/E) → (log n)²; uniform
(g = −e^{−E}) → n; keys uniform on the sphere in d dims → n^{2/(d−1)}. Any bounded row has
Λ_n ≥ log n / range, which is what sets the scale of heavy tails (Pareto, Cauchy).

For g ∝ ±E^θ the normalised entropy at β = c·L_pred has the sharp limit
h = H/log n → (1 − c^{1/(1−θ)})₊ (θ < 1), a step at c = 1 for θ = 1; so h = ½ is crossed at
c_½ = 2^{−(1−θ)}: 0.707 for the Gaussian (θ = ½), 0.5 for log E (θ → 0), 1 for the
exponential, 0.25 for the thin endpoint (θ = −1).

Each ``g`` accepts numpy arrays or torch tensors (a sampler on a GPU applies it in place);
additive constants are dropped where they would cost precision (gaps are shift-invariant).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = [
    "ScoreFamily",
    "FAMILIES",
    "get_family",
    "predicted_scale",
    "law_scale",
    "LAWS",
    "sharp_entropy_fraction",
    "sharp_entropy_crossing",
]


def _is_torch(x) -> bool:
    return type(x).__module__.startswith("torch")


def _ops(x):
    if _is_torch(x):
        import torch  # only reached when the caller already uses torch

        return torch, torch.special.ndtri
    return np, special.ndtri


def _g_exponential(E):
    return E


def _g_gaussian(E):
    xp, ndtri = _ops(E)
    # upper quantile of N(0,1) at tail probability e^{−E}: −Φ^{-1}(e^{−E})
    return -ndtri(xp.exp(-E))


def _g_log_exponential(E):
    xp, _ = _ops(E)
    return xp.log(E)


def _g_thin_endpoint(E):
    return -1.0 / E


def _g_uniform(E):
    xp, _ = _ops(E)
    return -xp.exp(-E)  # 1 − e^{−E} ~ U(0,1), shifted by −1 to keep gaps exact near the top


def _g_pareto(E, alpha=2.0):
    xp, _ = _ops(E)
    return xp.exp(E / alpha)


def _g_cauchy(E):
    xp, _ = _ops(E)
    p = xp.exp(-E)  # upper tail probability
    return 1.0 / xp.tan(math.pi * p)  # upper quantile of the standard Cauchy


def _sphere_g(d: int) -> Callable:
    a = (d - 1) / 2

    def g(E):
        if _is_torch(E):
            raise TypeError("the sphere family samples on the CPU (needs scipy's betaincinv)")
        # s = ⟨q, k⟩ = 1 − 2B, B ~ Beta(a, a) upper tail e^{−E}; the constant 1 is dropped
        return -2.0 * special.betaincinv(a, a, np.exp(-E))

    return g


def _sphere_sample(d: int) -> Callable:
    a = (d - 1) / 2
    return lambda rng, shape: -2.0 * rng.beta(a, a, size=shape)  # s − 1 = −2B, B ~ Beta(a, a)


def _sphere_scale(d: int) -> Callable[[np.ndarray], np.ndarray]:
    a = (d - 1) / 2

    def scale(n):
        n = np.asarray(n, dtype=np.float64)
        b = special.betaincinv(a, a, 1.0 / n)  # B at the 1/n quantile; s = 1 − 2B
        density_s = np.exp((a - 1) * np.log(b * (1 - b)) - special.betaln(a, a)) / 2
        return n * density_s  # hazard f(s_n)/P(S > s_n) with P = 1/n

    return scale


@dataclass(frozen=True)
class ScoreFamily:
    """A row model s = g(E). ``scale(n)`` is L_pred(n) = 1/g'(log n); ``law`` names its
    asymptotic form; ``xi`` is the exponent in L ∝ (log n)^ξ (None when not of that form);
    ``theta`` is θ in g ∝ ±E^θ (None where the sharp constant does not apply)."""

    name: str
    g: Callable
    scale: Callable
    law: str
    xi: float | None
    theta: float | None
    bounded: bool
    note: str
    sample: Callable | None = None  # (numpy Generator, shape) -> scores, same law, faster

    def draw(self, rng, shape):
        """Scores of this family: ``sample`` if given, else g(E) with E ~ Exp(1)."""
        if self.sample is not None:
            return self.sample(rng, shape)
        return self.g(rng.standard_exponential(shape))


def _hazard(dg):
    return lambda n: 1.0 / dg(np.log(np.asarray(n, dtype=np.float64)))


def _gaussian_scale(n):
    s = -special.ndtri(1.0 / np.asarray(n, dtype=np.float64))
    return np.exp(-0.5 * s * s) / np.sqrt(2 * np.pi) * np.asarray(n, dtype=np.float64)


def _pareto_scale(n, alpha=2.0):
    # 1/g' vanishes; the bounded-row floor log n / range sets Λ (range ≈ n^{1/α} Γ(1 − 1/α))
    n = np.asarray(n, dtype=np.float64)
    return np.log(n) / (n ** (1 / alpha) * special.gamma(1 - 1 / alpha))


def _cauchy_scale(n):
    # maximum of n Cauchy scores is ≈ n/π (Fréchet, α = 1): log n / range with range ≈ n/π
    n = np.asarray(n, dtype=np.float64)
    return np.log(n) * np.pi / n


FAMILIES: dict[str, ScoreFamily] = {
    f.name: f
    for f in [
        ScoreFamily("exponential", _g_exponential, _hazard(lambda E: np.ones_like(E)),
                    "constant", 0.0, 1.0, False, "g = E"),
        ScoreFamily("gaussian", _g_gaussian, _gaussian_scale, "(log n)^1/2", 0.5, 0.5, False,
                    "i.i.d. N(0,1) logits; L = n φ(s_n) ≈ √(2 log n)"),
        ScoreFamily("log-exponential", _g_log_exponential, _hazard(lambda E: 1 / E),
                    "log n", 1.0, 0.0, False, "g = log E: needle + bounded bulk"),
        ScoreFamily("thin-endpoint", _g_thin_endpoint, _hazard(lambda E: 1 / E**2),
                    "(log n)^2", 2.0, -1.0, True, "g = −1/E"),
        ScoreFamily("uniform", _g_uniform, _hazard(lambda E: np.exp(-E)), "n", None, None,
                    True, "bounded, density > 0 at the endpoint (κ = 1)"),
        ScoreFamily("sphere-8", _sphere_g(8), _sphere_scale(8), "n^(2/7)", None, None, True,
                    "⟨q, k⟩ with k uniform on S^7: n^{2/(d−1)}", _sphere_sample(8)),
        ScoreFamily("pareto", _g_pareto, _pareto_scale, "log n / range", None, None, False,
                    "Pareto tail index 2: scale set by the bulk"),
        ScoreFamily("cauchy", _g_cauchy, _cauchy_scale, "log n / range", None, None, False,
                    "Cauchy logits: scale set by the bulk"),
    ]
}


def get_family(name: str) -> ScoreFamily:
    try:
        return FAMILIES[name]
    except KeyError:
        raise ValueError(f"unknown score family {name!r}; known: {', '.join(FAMILIES)}") from None


def predicted_scale(family: str | ScoreFamily, n) -> np.ndarray:
    """L_pred(n) = 1/g'(log n) for a family (``n`` scalar or array, n ≥ 2)."""
    fam = family if isinstance(family, ScoreFamily) else get_family(family)
    if np.any(np.asarray(n) < 2):
        raise ValueError("n must be ≥ 2")
    return np.asarray(fam.scale(n), dtype=np.float64)


LAWS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "constant": lambda n: np.ones_like(np.asarray(n, dtype=np.float64)),
    "(log n)^1/2": lambda n: np.sqrt(np.log(n)),
    "log n": lambda n: np.log(n),
    "(log n)^2": lambda n: np.log(n) ** 2,
}


def law_scale(law: str, n) -> np.ndarray:
    """One of the competing prior laws for β_c(n), up to a constant."""
    try:
        return LAWS[law](np.asarray(n, dtype=np.float64))
    except KeyError:
        raise ValueError(f"unknown law {law!r}; known: {', '.join(LAWS)}") from None


def sharp_entropy_fraction(c, theta: float) -> np.ndarray:
    """Limit of H/log n at β = c·L_pred for g ∝ ±E^θ: (1 − c^{1/(1−θ)})₊; a step at θ = 1,
    where at c = 1 itself the weights fall off like 1/rank (exponential scores: the k-th gap
    is ≈ log k), whose entropy is ½ log n — so the step takes the value ½ there."""
    c = np.asarray(c, dtype=np.float64)
    if theta >= 1:
        return np.where(c < 1, 1.0, np.where(c > 1, 0.0, 0.5))
    return np.clip(1 - c ** (1 / (1 - theta)), 0, None)


def sharp_entropy_crossing(theta: float) -> float:
    """c at which the limiting H/log n equals ½: 2^{−(1−θ)} (1 for θ = 1)."""
    return 1.0 if theta >= 1 else 0.5 ** (1 - theta)
