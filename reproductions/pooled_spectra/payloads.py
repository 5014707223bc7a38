"""The shape of each kind of pooled-spectra cell payload, as ``tables.py`` reads it.

``check(params, payload)`` is the sweep's payload check (``CellFunction(check=...)``): it raises
ValueError/TypeError for a stored payload that the tables would crash on or misread — a missing
key, a list where a number belongs, histogram edges that do not bracket the counts, a zero κ
that α/κ divides by — so that such a cell is recomputed instead. NaN and ±inf are numbers
(measurements may be); only the shape is checked, never the values' science.
"""

from __future__ import annotations

from .._payloads import NUMBER, conform, length, nonzero

__all__ = ["check"]


_SCALES = {"alpha": NUMBER, "kappa": NUMBER}
_LAW = {"ks": NUMBER, "moments": [NUMBER], "lambda_max": NUMBER}  # an ideal surrogate's
_BULK = {**_SCALES, "ks": NUMBER, "ks_mp": NUMBER, "w1": NUMBER, "lambda_max": NUMBER,
         "moments": [NUMBER], "hist": [NUMBER], "edges": [NUMBER], "ks_finite": NUMBER,
         "moments_finite": [NUMBER], "ideal": {"finite": _LAW, "product": _LAW}}
_OUTLIER = {"lambda": NUMBER, "lambda_2": NUMBER, "align_m": NUMBER}
_SPIKE = {**_SCALES, "centred": {**_OUTLIER, "align_mu": NUMBER}, "uncentred": _OUTLIER,
          "population": {"lambda": NUMBER, "align_m": NUMBER}}
_ATTENTION = {**_SCALES, "mean_abs_w": NUMBER, "lambda": NUMBER, "align_m": NUMBER,
              "align_mu": NUMBER}
_SPECS = {"bulk": _BULK, "spike": _SPIKE, "attention": _ATTENTION}
MOMENTS = 3  # the tables' m1, m2, m3


def check(params: dict, payload) -> None:
    kind = params["kind"]
    conform(payload, _SPECS[kind])
    nonzero(payload["kappa"], "payload.kappa")
    if kind == "bulk":
        length(payload["moments"], MOMENTS, "payload.moments")
        length(payload["edges"], len(payload["hist"]) + 1, "payload.edges")
