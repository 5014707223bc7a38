"""The shape of each kind of energy-field cell payload, as ``tables.py`` reads it: the sweep's
payload check (``CellFunction(check=...)``) raises ValueError/TypeError for a stored payload the
tables would misread, so that cell is recomputed. Only the shape is checked, never values."""

from __future__ import annotations

from .._payloads import NUMBER, conform

__all__ = ["check"]

_NULL = {k: [NUMBER] for k in ("mu_K", "pr_over_L", "max_Lp", "ipr_top", "comps90",
                               "comps90_wqk", "i6_slack")}
_METRICS = {"mu_K": NUMBER, "pr_over_L": NUMBER, "max_Lp": NUMBER, "comps90": NUMBER,
            "i6_slack": NUMBER, "i6_linf_slack": NUMBER, "p0": NUMBER}


def check(params: dict, payload) -> None:
    kind = params["kind"]
    if not isinstance(payload, dict):
        raise TypeError(f"payload of a {kind} cell must be a dict")
    if kind in ("smollm2", "minilm") and "missing" in payload:
        if not isinstance(payload["missing"], str):
            raise TypeError("payload.missing must be a string")
        return
    if kind == "block":
        conform(payload, {"d_h": NUMBER, "heads": [{"i1": NUMBER, "i4": NUMBER,
                                                     "ctrl_query_bias": NUMBER}],
                          "kv_heads": [{**_METRICS, "group_tail": NUMBER}]})
    elif kind == "null":
        conform(payload, {**_NULL, "beta_mu95": NUMBER})
    elif kind in ("smollm2", "minilm"):
        conform(payload, {"heads": [{**_METRICS, "comps90_wqk": NUMBER}]})
    elif kind == "train":
        conform(payload, {"history": [{"step": NUMBER, "eval_loss": NUMBER}]})
    elif kind == "monitor":
        conform(payload, {"history": [{"step": NUMBER, "eval_loss": NUMBER}]})
    else:
        raise ValueError(f"unknown cell kind {kind!r}")
