"""The shape of each kind of logic-encoder-decoder cell payload, as ``tables.py`` reads it
(arXiv 2605.07705 reproduction). ``check(params, payload)`` raises ValueError/TypeError for a
stored payload the tables would misread, so that the cell is recomputed; only the shape is
checked, never the values."""

from __future__ import annotations

from .._payloads import NUMBER, conform

__all__ = ["check"]

LIST = object()  # a list of anything (its rows are read by name)
_OP = {"n_numpy": NUMBER, "mismatch_numpy": NUMBER, "n_exact": NUMBER, "mismatch_exact": NUMBER}
_SPECS = {
    "floats": {op: _OP for op in ("add", "sub", "mul", "div")},
    "saturation": {"p": NUMBER, "saturation": NUMBER, "saturation_numpy": NUMBER,
                   "predicted": NUMBER, "softmax_n": [NUMBER], "softmax_weight": [NUMBER],
                   "softmax_nonzero": NUMBER},
    "agreement": {"positions": NUMBER, "mismatches": NUMBER, "pairs": NUMBER,
                  "uncompiled": NUMBER, "formulas": LIST, "by_depth_length": LIST},
    "formats": {"certification": LIST, "formulas": NUMBER, "positions": NUMBER,
                "mismatches": NUMBER},
    "robustness": {"variants": LIST, "permutation": LIST},
    "indistinguishability": {"K": NUMBER, "pairs": NUMBER, "unequal": NUMBER,
                             "control_pairs": NUMBER, "control_distinguished": NUMBER,
                             "K_T": LIST},
    "separating": {"witnesses": LIST, "n_star": LIST, "counterparts": LIST, "through": LIST},
    "autoregressive": {"steps": NUMBER, "agree": NUMBER, "varied_runs": NUMBER,
                       "varied_steps": NUMBER, "varied_agree": NUMBER},
    "native": {"rows": LIST},
}


def check(params: dict, payload) -> None:
    spec = _SPECS[params["kind"]]
    lists = {k for k, v in spec.items() if v is LIST}
    conform(payload, {k: v for k, v in spec.items() if k not in lists})
    for key in lists:
        if not isinstance(payload[key], list):
            raise TypeError(f"payload.{key} is not a list")
