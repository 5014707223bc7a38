"""The shape of each kind of inverse-temperature cell payload, as ``tables.py`` and
``tables_models.py`` read it.

``check(params, payload)`` is the sweep's payload check (``CellFunction(check=...)``): it raises
ValueError/TypeError for a stored payload that the tables would crash on or misread — a missing
key, a list where a number belongs, per-β sums, group sums and p_max curves of one entry per
grid point x, six scalars per row, sample points of four numbers, one Λ̂, σ and p_max curve per
row of a head, the T1 tallies that the bounds table adds up — so that such a cell is recomputed
instead. NaN and ±inf are numbers (measurements may be); only the shape is checked, never the
values' science. When the cells or the tables change what they write or read, this changes
with them (and the cell version is bumped).
"""

from __future__ import annotations

from .._payloads import NUMBER, NUMBER_OR_NULL, conform, length, nonzero

__all__ = ["check"]


# the T1 tallies of bound_checks.check_bounds (more keys may follow; these are read)
_CHECKS = {"pairs": NUMBER, "max_weight_checked": NUMBER, "max_weight_violations": NUMBER,
           **{f"{bound}_{what}": NUMBER for bound in ("top_two_gap", "partition", "entropy")
              for what in ("checked", "violations", "max_ratio")}}
_QUAD = [[NUMBER]]  # sample points [r, gap, p_max, H]
# per row: Λ_raw, Λ_robust, T2 gap, T2 entropy (numbers), median gap, largest gap (or null)
ROW = (NUMBER,) * 4 + (NUMBER_OR_NULL,) * 2
_FAMILY = {"scale": NUMBER, "sum": {"pmax": [NUMBER], "gap": [NUMBER], "h": [NUMBER]},
           "rows": [[NUMBER_OR_NULL]], "checks": _CHECKS, "samples": _QUAD}
_SEMI = {**_FAMILY, "groups": {"pmax": [[NUMBER]], "h": [[NUMBER]]}, "group_rows": NUMBER}
_HEAD = {"layer": NUMBER, "head": NUMBER, "lambda_head": NUMBER, "lambda_raw": [NUMBER],
         "lambda_robust": [NUMBER], "sigma": [NUMBER], "pmax": [NUMBER]}
_MINILM = {"checks": _CHECKS, "gauss_robust": NUMBER, "heads": [_HEAD]}
# random-init heads also feed the bootstraps: per-row p_max curves, the Gaussian reference rows
_MODEL = {**_MINILM, "gauss_rows": [NUMBER], "heads": [{**_HEAD, "pmax_rows": [[NUMBER]]}]}
_SPECS = {"exact": _FAMILY, "semi": _SEMI,
          "adversarial": {"checks": _CHECKS, "samples": _QUAD},
          "model": _MODEL, "minilm": _MINILM}


def check(params: dict, payload) -> None:
    kind = params["kind"]
    conform(payload, _SPECS[kind])
    for name, value in payload["checks"].items():  # every tally is summed or maximised
        conform(value, NUMBER, f"payload.checks.{name}")
    for i, row in enumerate(payload.get("samples", [])):  # model cells have none
        length(row, 4, f"payload.samples[{i}]")
    if kind in ("exact", "semi"):
        for name, sums in payload["sum"].items():  # every sum is added up per grid point
            conform(sums, [NUMBER], f"payload.sum.{name}")
            length(sums, len(params["x"]), f"payload.sum.{name}")
        length(payload["rows"], params["rows"], "payload.rows")
        for i, row in enumerate(payload["rows"]):  # unpacked into six
            length(row, len(ROW), f"payload.rows[{i}]")
            for j, (value, spec) in enumerate(zip(row, ROW, strict=True)):
                conform(value, spec, f"payload.rows[{i}][{j}]")
        counting = payload.get("counting")
        if counting:  # the N(t) curve: t and N zipped
            conform(counting, {"t": [NUMBER], "N": [NUMBER]}, "payload.counting")
            length(counting["N"], len(counting["t"]), "payload.counting.N")
    if kind == "semi":  # per-group sums, [⌈rows / group_rows⌉][len(x)], divided by group_rows
        nonzero(payload["group_rows"], "payload.group_rows")
        for name, sums in payload["groups"].items():
            length(sums, -(-params["rows"] // payload["group_rows"]), f"payload.groups.{name}")
            for g, row in enumerate(sums):
                length(row, len(params["x"]), f"payload.groups.{name}[{g}]")
    elif kind in ("model", "minilm"):
        for i, head in enumerate(payload["heads"]):
            for name in ("lambda_raw", "lambda_robust", "sigma"):
                length(head[name], params["rows"], f"payload.heads[{i}].{name}")
            length(head["pmax"], len(params["x"]), f"payload.heads[{i}].pmax")
            if "control_lambda_sigma" in head:  # optional; a median is taken of it
                conform(head["control_lambda_sigma"], [NUMBER],
                        f"payload.heads[{i}].control_lambda_sigma")
            if kind == "model":
                length(head["pmax_rows"], params["rows"], f"payload.heads[{i}].pmax_rows")
                for r, row in enumerate(head["pmax_rows"]):
                    length(row, len(params["x"]), f"payload.heads[{i}].pmax_rows[{r}]")
