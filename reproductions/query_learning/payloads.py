"""The shape of each kind of query-learning cell payload, as ``tables.py`` reads it.

``check(params, payload)`` is the sweep's payload check (``CellFunction(check=...)``): it raises
ValueError/TypeError for a stored payload that the tables would crash on or misread — a missing
key, a list where a number belongs, one run per seed or trial and one precision row per
(seed, z), a zero machine ε that the breakdown prediction log(2/ε) divides by — so that such a
cell is recomputed instead. NaN and ±inf are numbers (measurements may be); only the shape is
checked, never the values' science.
"""

from __future__ import annotations

from .._payloads import FLAG, NUMBER, conform, length, nonzero

__all__ = ["check"]


_EXACT_RUN = {"queries": NUMBER, "calls": NUMBER, "max_length": NUMBER, "err_W": NUMBER,
              "max_entry_err_W": NUMBER, "err_v": NUMBER, "seconds": NUMBER}
_PRECISION_ROW = {"seed": NUMBER, "z": NUMBER, **{
    f"{probe}_{what}": NUMBER for probe in ("unit", "adaptive")
    for what in ("nonfinite", "max_rel", "median_rel", "queries")},
    "unit_rms_err": NUMBER, "unit_rms_pred": NUMBER}
_LOWRANK_RUN = {"queries": NUMBER, "err": NUMBER, "success": FLAG, "iterations": NUMBER,
                "seconds": NUMBER}
_NOISE_RUN = {"err_fro": NUMBER, "err_max": NUMBER, "margin": NUMBER, "queries": NUMBER,
              "nonfinite": NUMBER}
_TRANSFORMER_RUN = {"identity_rel": NUMBER, "queries": NUMBER, "max_length": NUMBER,
                    "err_W": NUMBER, "err_v": NUMBER}
_PAIR = {"distance": NUMBER, "max_output_diff": NUMBER, "output_scale": NUMBER,
         "consistency_multi": NUMBER}
PAIRS = ("permuted", "merged", "zero-value")  # theory.equivalent_multi_head_pairs' kinds
_MULTIHEAD_SEED = {"consistency_single": NUMBER, **{pair: _PAIR for pair in PAIRS}}
_CANONICAL_RUN = {"queries": NUMBER, "max_length": NUMBER, "err_W": NUMBER, "err_v": NUMBER,
                  "consistency": NUMBER, "rows": NUMBER, "directions": NUMBER}
_GPU_PROBES = {"queries": NUMBER, "calls": NUMBER, "seconds": NUMBER, "nonfinite": NUMBER,
               "err_W": NUMBER}
_SPECS = {
    "exact": {"runs": [_EXACT_RUN]},
    "precision": {"eps": NUMBER, "rows": [_PRECISION_ROW]},
    "lowrank": {"m": NUMBER, "runs": [_LOWRANK_RUN]},
    "noise": {"entry_bound": NUMBER, "runs": [_NOISE_RUN]},
    "transformer": {"runs": [_TRANSFORMER_RUN]},
    "multihead": {"seeds": [_MULTIHEAD_SEED]},
    "canonical": {"budget": NUMBER, "runs": [_CANONICAL_RUN]},
    "gpu": {"unit": _GPU_PROBES, "adaptive": _GPU_PROBES},
}
# how many runs a cell makes, from its parameters
_RUNS = {"exact": "seeds", "lowrank": "trials", "noise": "seeds", "transformer": "seeds",
         "canonical": "seeds"}


def check(params: dict, payload) -> None:
    kind = params["kind"]
    conform(payload, _SPECS[kind])
    if kind in _RUNS:
        length(payload["runs"], params[_RUNS[kind]], "payload.runs")
    elif kind == "precision":
        nonzero(payload["eps"], "payload.eps")
        length(payload["rows"], params["seeds"] * len(params["z"]), "payload.rows")
    elif kind == "multihead":  # the tables make a row of every pair in every seed's entry
        length(payload["seeds"], params["seeds"], "payload.seeds")
        for k, per_seed in enumerate(payload["seeds"]):
            for pair, entry in per_seed.items():
                if pair != "consistency_single":
                    conform(entry, _PAIR, f"payload.seeds[{k}].{pair}")
    elif kind == "gpu":  # and of every probe kind
        for probe, entry in payload.items():
            conform(entry, _GPU_PROBES, f"payload.{probe}")
