"""The shape of each kind of lora-forgetting cell payload, as ``tables.py`` reads it.

``check(params, payload)`` raises ValueError/TypeError for a stored payload the tables would
crash on or misread (a missing key, a list where a number belongs, a series of the wrong
length), so that such a cell is recomputed. NaN and ±inf are numbers (measurements may be:
a run that never deviates has T_dev = ∞)."""

from __future__ import annotations

from .._payloads import FLAG, NUMBER, conform, length

__all__ = ["check"]

_SERIES = [NUMBER]
_GRID = [[NUMBER]]
_SPECS = {
    "numerics": {"steps": _SERIES, "errors": _SERIES, "norm_error": NUMBER,
                 "norm_error_unprojected": NUMBER, "field_naive": NUMBER,
                 "base_vs_base": NUMBER, "halving": NUMBER,
                 "refinement": NUMBER},
    "response": {"times": _SERIES, "eps": _SERIES, "coupled": [_GRID], "max": [_GRID],
                 "w2": [_GRID], "jvp": _GRID, "lipschitz": NUMBER, "delta": _SERIES},
    "transition": {"gap": NUMBER, "critical": _SERIES, "w2_below": _SERIES,
                   "w2_above": _SERIES, "base_a1_merge": _SERIES},
    "depth": {"gap": NUMBER, "eps": _SERIES, "times": _SERIES, "t_star": _GRID,
              "t_dev": [_GRID], "sup_full": _GRID, "sup_half": _GRID, "terminal_w2": _GRID,
              "coupled_seed0": _GRID, "base_a2_max": _SERIES, "base_a1_merge": _SERIES,
              "lora_merge_t": _GRID, "lora_a1_at_merge": _GRID, "base_a1_own_merge": _SERIES,
              "w2_seed0": _GRID,
              "oversmoothing": _SERIES,
              "oversmoothing_discrete": _SERIES, "lipschitz": NUMBER,
              "trajectory_base": [_GRID], "trajectory_lora": [_GRID]},
    "rank": {"ranks": _SERIES, "op": _GRID, "fro": _GRID},
    "meanfield": {"n": NUMBER, "coupled": _SERIES},
    "v1": {"v1_seed": NUMBER, "eps": _SERIES, "entry": _SERIES, "departure": _SERIES,
           "base_entry": NUMBER, "clusters_end": _SERIES, "departure_half_step": _SERIES,
           "base_clusters": NUMBER,
           "finite": FLAG},
    "beta": {"betas": _SERIES, "t_dev": _GRID, "T": NUMBER, "sup": _GRID},
}


def check(params: dict, payload) -> None:
    kind = params["kind"]
    conform(payload, _SPECS[kind])
    if kind == "numerics":
        length(payload["errors"], len(payload["steps"]), "payload.errors")
    elif kind in ("response", "depth", "v1"):
        for key in (("coupled",) if kind == "response" else ("t_star",) if kind == "depth"
                    else ("entry", "departure")):
            length(payload[key], len(payload["eps"]), f"payload.{key}")
    elif kind == "beta":
        length(payload["t_dev"], len(payload["betas"]), "payload.t_dev")
