"""Tidy tables of the lora-forgetting sweep: one frame per measurement, theory as columns
(the Grönwall envelope, the deviation-time bound, the gap) so figures import no theory."""

from __future__ import annotations

import numpy as np
import pandas as pd

from attnlab import theory

from .._sweep import cells_of_kind

__all__ = ["build_tables"]


def _numerics(items) -> dict:
    rows, steps = [], []
    for _, out in items:
        rows.append({k: out[k] for k in ("norm_error", "norm_error_unprojected",
                                         "field_naive", "base_vs_base", "halving", "refinement")})
        steps += [{"h": h, "error": e} for h, e in zip(out["steps"], out["errors"],
                                                       strict=True)]
    return {"numerics": pd.DataFrame(rows), "rk4_order": pd.DataFrame(steps)}


def _response(items) -> dict:
    rows = []
    for _, out in items:
        times, L = out["times"], out["lipschitz"]
        for k, eps in enumerate(out["eps"]):
            envelope = theory.gronwall_envelope(times, L, out["delta"][k])
            for r, series in enumerate(out["coupled"][k]):
                for j, t in enumerate(times):
                    rows.append({"seed": r, "eps": eps, "t": t, "coupled": series[j],
                                 "max": out["max"][k][r][j], "w2": out["w2"][k][r][j],
                                 "jvp": out["jvp"][r][j], "envelope": envelope[j],
                                 "Delta": out["delta"][k],
                                 "lipschitz": L})
    return {"response": pd.DataFrame(rows)}


def _transition(items) -> dict:
    rows = []
    for _, out in items:
        for s, crit in enumerate(out["critical"]):
            rows.append({"seed": s, "gap": out["gap"], "critical": crit,
                         "w2_below": out["w2_below"][s], "w2_above": out["w2_above"][s],
                         "base_a1_merge": out["base_a1_merge"][s]})
    return {"transition": pd.DataFrame(rows)}


def _depth(items) -> dict:
    rows, dev, series, smooth, traj = [], [], [], [], []
    for params, out in items:
        g, L = out["gap"], out["lipschitz"]
        for k, eps in enumerate(out["eps"]):
            for s, t_star in enumerate(out["t_star"][k]):
                rows.append({"seed": s, "eps": eps, "gap": g, "offset": eps - g,
                             "t_star": t_star, "terminal_w2": out["terminal_w2"][k][s],
                             "base_a1_merge": out["base_a1_merge"][s],
                             "base_a1_own_merge": out["base_a1_own_merge"][s],
                             "lora_merge_t": out["lora_merge_t"][k][s],
                             "lora_a1_at_merge": out["lora_a1_at_merge"][k][s],
                             "sup_full": out["sup_full"][s][k],
                             "sup_half": out["sup_half"][s][k]})
                for i, delta in enumerate(params["deltas"]):
                    dev.append({"seed": s, "eps": eps, "gap": g, "delta": delta,
                                "t_dev": out["t_dev"][i][k][s],
                                "bound": theory.deviation_time_lower_bound(delta, L, eps)})
            for j, t in enumerate(out["times"]):
                series.append({"eps": eps, "gap": g, "t": t,
                               "coupled": out["coupled_seed0"][k][j],
                               "w2": out["w2_seed0"][k][j]})
        for j, t in enumerate(out["times"]):
            smooth.append({"model": "continuous", "t": t, "index": out["oversmoothing"][j]})
            for which in ("base", "lora"):
                for i, x in enumerate(out[f"trajectory_{which}"][j]):
                    traj.append({"model": which, "t": t, "token": i, "x": x[0], "y": x[1],
                                 "z": x[2]})
        step = out["times"][1] - out["times"][0] if len(out["times"]) > 1 else 1.0
        for j, v in enumerate(out["oversmoothing_discrete"]):
            smooth.append({"model": "discrete depth", "t": j * 5 * step, "index": v})
    return {"depth": pd.DataFrame(rows), "deviation": pd.DataFrame(dev),
            "depth_series": pd.DataFrame(series), "oversmoothing": pd.DataFrame(smooth),
            "trajectory": pd.DataFrame(traj)}


def _rank(items) -> dict:
    rows = []
    for _, out in items:
        for norm in ("op", "fro"):
            for i, r in enumerate(out["ranks"]):
                rows += [{"norm": norm, "rank": r, "seed": s, "ratio": v}
                         for s, v in enumerate(out[norm][i])]
    return {"rank": pd.DataFrame(rows)}


def _meanfield(items) -> dict:
    rows = [{"n": out["n"], "seed": s, "coupled": v} for _, out in items
            for s, v in enumerate(out["coupled"])]
    return {"meanfield": pd.DataFrame(rows)}


def _v1(items) -> dict:
    rows = []
    for _, out in items:
        for k, eps in enumerate(out["eps"]):
            dep = out["departure"][k]
            rows.append({"v1_seed": out["v1_seed"], "eps": eps, "entry": out["entry"][k],
                         "departure": dep, "c": eps * dep,
                         "departure_half_step": out["departure_half_step"][k],
                         "clusters_end": out["clusters_end"][k],
                         "base_clusters": out["base_clusters"],
                         "base_entry": out["base_entry"], "finite": out["finite"]})
    return {"v1": pd.DataFrame(rows)}


def _beta(items) -> dict:
    rows = []
    for _, out in items:
        for b, beta in enumerate(out["betas"]):
            for s, t in enumerate(out["t_dev"][b]):
                rows.append({"beta": beta, "seed": s, "t_dev": t, "censored": not np.isfinite(t),
                             "horizon": out["T"], "sup": out["sup"][b][s]})
    return {"beta": pd.DataFrame(rows)}


_BUILDERS = {"numerics": _numerics, "response": _response, "transition": _transition,
             "depth": _depth, "rank": _rank, "meanfield": _meanfield, "v1": _v1, "beta": _beta}


def build_tables(config, cells, payloads) -> dict:
    out = {}
    for kind, build in _BUILDERS.items():
        out.update(build(cells_of_kind(cells, payloads, kind)))
    return out
