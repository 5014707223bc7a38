"""Cell payloads → tidy tables for the claims and figures (arXiv 2605.07705 reproduction).

``floats`` (A1: one row per format × op), ``saturation`` (A2), ``softmax_support`` (A2),
``agreement`` (A3: totals per chunk), ``depth_length`` (A3: positions and mismatches per modal
depth × encoder-length bin, the heat-map), ``counterexamples`` (A3/A4: the smallest
mismatching pair of each cell), ``certification`` (A4: per format × k), ``format_agreement``
(A4), ``robustness`` and ``permutation`` (A5), ``indistinguishability`` (A6), ``witnesses``,
``majority`` (with log₂ n*), ``counterparts`` and ``witness_runs`` (A7: the witness pairs through
transformers), ``autoregressive`` (A8, with the non-constant runs), ``native``
(A9: torch kernels against the emulator).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._sweep import cells_of_kind
from .config import Config

__all__ = ["build_tables", "LENGTH_BINS"]

LENGTH_BINS = (0, 4, 16, 64, 1_000, 10 ** 9)  # encoder-length bins of the heat-map
LENGTH_LABELS = ("1–4", "5–16", "17–64", "65–1000", "> 1000")


def _frame(rows, columns):
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def build_tables(config: Config, cells, payloads) -> dict:
    t = {}
    rows = []
    for p, o in cells_of_kind(cells, payloads, "floats"):
        for op, r in o.items():
            rows.append({"format": p["format"], "op": op, **{k: r[k] for k in (
                "n_numpy", "mismatch_numpy", "n_exact", "mismatch_exact")},
                "n_overflow": r.get("n_overflow", 0), "n_subnormal": r.get("n_subnormal", 0)})
    t["floats"] = _frame(rows, ["format", "op", "n_numpy", "mismatch_numpy", "n_exact",
                                "mismatch_exact", "n_overflow", "n_subnormal"])
    sat, soft = [], []
    for p, o in cells_of_kind(cells, payloads, "saturation"):
        sat.append({"format": p["format"], "p": o["p"], "saturation": o["saturation"],
                    "saturation_numpy": o["saturation_numpy"], "predicted": o["predicted"],
                    "log2_saturation": float(np.log2(max(o["saturation"], 1))),
                    "softmax_nonzero": o["softmax_nonzero"], "softmax_points":
                    len(o["softmax_n"])})
        soft += [{"format": p["format"], "n": n, "weight": w}
                 for n, w in zip(o["softmax_n"], o["softmax_weight"], strict=False)]
    t["saturation"] = _frame(sat, ["format", "p", "saturation", "saturation_numpy",
                                   "predicted", "log2_saturation", "softmax_nonzero",
                                   "softmax_points"])
    t["softmax_support"] = _frame(soft, ["format", "n", "weight"])
    agree, heat, counter = [], [], []
    for p, o in cells_of_kind(cells, payloads, "agreement"):
        agree.append({"chunk": p["chunk"], "formulas": len(o["formulas"]), "pairs": o["pairs"],
                      "positions": o["positions"], "mismatches": o["mismatches"],
                      "uncompiled": o["uncompiled"]})
        heat += [{"depth": d, "enc_len": n, "positions": pos, "mismatches": bad}
                 for d, n, pos, bad in o["by_depth_length"]]
        if o["counterexample"]:
            counter.append({"claim": "A3", **o["counterexample"]})
    t["agreement"] = _frame(agree, ["chunk", "formulas", "pairs", "positions", "mismatches",
                                    "uncompiled"])
    h = _frame(heat, ["depth", "enc_len", "positions", "mismatches"])
    if not h.empty:
        h["length_bin"] = pd.cut(h.enc_len, LENGTH_BINS, right=True, labels=LENGTH_LABELS)
        h = h.groupby(["depth", "length_bin"], as_index=False, observed=True)[
            ["positions", "mismatches"]].sum()
        h["length_bin"] = h.length_bin.astype(str)
    t["depth_length"] = h
    cert, fa = [], []
    for p, o in cells_of_kind(cells, payloads, "formats"):
        cert += o["certification"]
        fa.append({"format": p["format"], "formulas": o["formulas"],
                   "positions": o["positions"], "mismatches": o["mismatches"]})
        if o.get("counterexample"):
            counter.append({"claim": "A4", **o["counterexample"]})
    t["certification"] = _frame(cert, ["format", "p", "k", "one_head", "certified", "gadget",
                                       "a"])
    t["format_agreement"] = _frame(fa, ["format", "formulas", "positions", "mismatches"])
    t["counterexamples"] = _frame(counter, ["claim", "formula", "n_enc", "u", "w", "expected",
                                            "got"])
    rob, perm = [], []
    for _, o in cells_of_kind(cells, payloads, "robustness"):
        rob += o["variants"]
        perm += o["permutation"]
    t["robustness"] = _frame(rob, ["format", "mask", "order", "split_heads", "positions",
                                   "mismatches"])
    t["permutation"] = _frame(perm, ["order", "pairs", "changed"])
    ind = [{"chunk": p["chunk"], "format": p["format"], **{k: o[k] for k in (
        "K", "pairs", "unequal", "control_pairs", "control_distinguished")},
        "models": len(o.get("K_T", [])), "blind": sum(k == 0 for k in o.get("K_T", [])),
        "K_T_max": max(o.get("K_T", [0]) or [0]), "scan_max": o.get("scan_max", 0)}
        for p, o in cells_of_kind(cells, payloads, "indistinguishability")]
    t["indistinguishability"] = _frame(ind, ["chunk", "format", "K", "pairs", "unequal",
                                             "control_pairs", "control_distinguished",
                                             "models", "blind", "K_T_max", "scan_max"])
    wit, maj, cp, thr = [], [], [], []
    for _, o in cells_of_kind(cells, payloads, "separating"):
        wit += o["witnesses"]
        thr += o.get("through", [])
        maj += [{"p": r["p"], "n_star": r["n_star"], "tie_first_failure": r["tie_first_failure"],
                 "log2_n_star": float(np.log2(r["n_star"])) if r["n_star"] > 0 else np.nan}
                for r in o["n_star"]]
        cp += o["counterparts"]
    t["witnesses"] = _frame(wit, ["language", "u1", "u2", "type_equal", "membership_differs",
                                  "formulas_separating", "formulas"])
    t["majority"] = _frame(maj, ["p", "n_star", "tie_first_failure", "log2_n_star"])
    t["counterparts"] = _frame(cp, ["formula", "pairs", "mismatches"])
    t["witness_runs"] = _frame(thr, ["transformer", "language", "K", "membership_differs",
                                     "separated"])
    ar_cols = ["steps", "agree", "runs", "varied_runs", "varied_steps", "varied_agree"]
    ar = [{k: o.get(k, 0) for k in ar_cols}
          for _, o in cells_of_kind(cells, payloads, "autoregressive")]
    t["autoregressive"] = _frame(ar, ar_cols)
    nat = [r for _, o in cells_of_kind(cells, payloads, "native") for r in o["rows"]]
    t["native"] = _frame(nat, ["dtype", "device", "positions", "agree"])
    return t
