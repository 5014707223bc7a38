"""The cell function of the linear-attention-ntk sweep and its grid. Kinds:
``gram`` (T1, T2, the x̃ side of T4), ``kernel`` (T3, T5, the K∞ side of T4), ``train`` (T6, T7),
``paper_attack`` (T9, the paper's protocol), ``attack`` and ``loo`` (T9's test-point variant),
``bound`` (T10), ``realdata`` (T8). Datasets: the α family, the designed-κ_d family and the
digits. Each cell rebuilds its data from its parameters and returns plain JSON."""

from __future__ import annotations

import numpy as np

from attnlab import probes, theory

from .._sweep import Cell, CellFunction, cell_seed, run_kind
from . import payloads
from .config import Config, file_id

__all__ = ["CELL_FUNCTION", "grid", "dataset"]


RTOL = 1e-12  # κ_d over eigenvalues of XᵀX above RTOL·λ_max (the numerical rank)


def dataset(spec: dict, n: int):
    """(X [n, d] unit rows, y [n] ±1) for a dataset spec: the synthetic family or digits."""
    if spec["source"] == "synthetic":
        return probes.synthetic_spectrum(n, spec["d"], spec["alpha"], seed=spec["seed"])
    if spec["source"] == "designed":
        return probes.designed_spectrum(n, spec["d"], spec["kappa"], seed=spec["seed"])
    if spec["source"] == "digits":  # spec["file"], where present, only keys the copy read
        return probes.digits(n, seed=spec["seed"])
    raise ValueError(f"unknown dataset source {spec['source']!r}")


def _features(X, net: str, X_query=None):
    if net == "attn":
        return probes.attention_features(X, X_query)
    return X if X_query is None else X_query


def _gram_cell(p: dict, seed: int) -> dict:
    import torch

    X, _ = dataset(p["data"], p["n"])
    n, d = X.shape
    # the numerical rank (≤ min(n, d)): digits has pixels that are zero in every image
    r = len(theory.gram_eigenvalues(X, rtol=RTOL))
    kd = theory.kappa_d(X, rtol=RTOL)
    dev = p["device"]
    Xt = torch.as_tensor(X, device=dev)
    G = Xt @ Xt.T
    out = {"kappa_d": kd, "n": n, "d": d, "rank": r, "layers": {}}
    # eigendecomposing the power itself (below): its small eigenvalues drown in ε·λ_max
    # rounding (they come out tiny, or negative — |λ| is used, and the sign reported).
    # G^{2k+1} and (XᵀX)^{2k+1} share their non-zero eigenvalues; the smaller is formed
    Gs = G if n <= d else Xt.T @ Xt
    for k in p["layers"]:
        Zk = theory.linearized_attention(X, layers=k)
        Z = torch.as_tensor(Zk, device=dev)
        P = torch.linalg.matrix_power(G, 2 * k + 1)
        rel = float(torch.linalg.matrix_norm(Z @ Z.T - P) / torch.linalg.matrix_norm(P))
        s = np.linalg.svd(Zk, compute_uv=False)[:r]
        kz = float((s[0] / s[-1]) ** 2)  # κ(Z_k Z_kᵀ) from Z_k's singular values
        naive = torch.linalg.eigvalsh(torch.linalg.matrix_power(Gs, 2 * k + 1)
                                      ).flip(0)[:r].cpu().numpy()
        naive_k = float(naive[0] / abs(naive[-1])) if naive[-1] != 0 else float("inf")
        out["layers"][str(k)] = {
            "rel_error": rel, "kappa_Z": kz,
            "exponent": float(np.log(kz) / np.log(kd)),
            "exponent_naive": float(np.log(naive_k) / np.log(kd)) if np.isfinite(naive_k)
            else None, "naive_negative": bool(naive[-1] < 0),
            # SVD gives σ_min(Z) to ≈ ε·σ_max: the measured exponent is meaningful to 1e-8 only
            # while ε·κ(Z) ≪ 1e-8·ln κ(ZZᵀ)
            "resolvable": bool(np.finfo(np.float64).eps * np.sqrt(kz) < 1e-9 * np.log(kz))}
    U = probes.attention_features(X)
    su = np.linalg.svd(U, compute_uv=False)[:r]
    out["kappa_xtilde"] = float((su[0] / su[-1]) ** 2)
    return out


def _kernel_cell(p: dict, seed: int) -> dict:
    X, _ = dataset(p["data"], p["n"])
    U = _features(X, p["net"])
    res = probes.ntk_errors(U, p["widths"], seed=seed, draws=p["draws"], device=p["device"])
    return {**res, "kappa_d": theory.kappa_d(X, rtol=RTOL)}


_REFERENCE: dict = {}  # f_NTK per (data, net, dynamics kind, steps): the same at every width


def _ntk_reference(p: dict, U, ytr, Ute, lr: float):
    import torch

    kind = "krr" if p["dynamics"] == "adam" else "gd"
    key = repr((p["data"], p["n"], p["n_test"], p["net"], kind, p["steps"], lr))
    if key not in _REFERENCE:
        dev = p["device"]
        Ut, Utet = torch.as_tensor(U, device=dev), torch.as_tensor(Ute, device=dev)
        K = theory.ntk_infinite(Ut).cpu().numpy()
        Kx = theory.ntk_infinite(Utet, Ut).cpu().numpy()
        if kind == "krr":  # Adam has no exact NTK limit: kernel ridge regression, λ = L2 = 1e-3
            _REFERENCE[key] = Kx @ np.linalg.solve(K + 1e-3 * np.eye(len(K)), ytr)
        else:  # GD (and μP's same function-space step): the exact finite-step prediction
            _REFERENCE[key] = theory.ntk_gd_prediction(K, Kx, ytr, lr=lr, steps=p["steps"])[1]
        if len(_REFERENCE) > 16:
            _REFERENCE.pop(next(iter(_REFERENCE)))
    return _REFERENCE[key]


def _train_cell(p: dict, seed: int) -> dict:
    X, y = dataset(p["data"], p["n"] + p["n_test"])
    Xtr, ytr, Xte = X[:p["n"]], y[:p["n"]], X[p["n"]:]
    U, Ute = _features(Xtr, p["net"]), _features(Xtr, p["net"], Xte)
    res = probes.train_two_layer(U, ytr, p["m"], dynamics=p["dynamics"], steps=p["steps"],
                                 seed=seed, U_test=Ute, device=p["device"])
    f_ntk = _ntk_reference(p, U, ytr, Ute, res["lr"])
    return {"drift": res["drift"], "weight_change": res["weight_change"], "loss": res["loss"],
            "f_gap": float(np.sqrt(np.mean((res["f_test"] - f_ntk) ** 2))),
            "f_ntk_rms": float(np.sqrt(np.mean(f_ntk**2)))}


def _attack_cell(p: dict, seed: int) -> dict:
    X, y = dataset(p["data"], p["n"] + p["points"])
    Xtr, ytr = X[:p["n"]], y[:p["n"]]
    out = {}
    for net, context in (("relu", "transductive"), ("attn", "transductive"),
                         ("attn", "frozen")):
        name = "relu" if net == "relu" else f"attn_{context}"
        for attack in ("fgsm", "pgd"):
            rows = [probes.influence_attack(Xtr, ytr, x, net=net, context=context,
                                            eps=p["eps"], attack=attack, lam=p["ridge"])
                    for x in X[p["n"]:]]
            out[f"{name}/{attack}"] = {"flip": [r["flip"] for r in rows],
                                       "spearman": [r["spearman"] for r in rows]}
    return out


def _loo_cell(p: dict, seed: int) -> dict:
    """MLP-Attn's influences: the closed LOO formula (features fixed) against the exact LOO in
    which sample i also leaves the attention context (features recomputed, n retrainings)."""
    from scipy.stats import spearmanr

    X, y = dataset(p["data"], p["n"] + p["points"])
    Xtr, ytr = X[:p["n"]], y[:p["n"]]
    k = max(1, int(round(0.1 * p["n"])))
    out = {"spearman": [], "top_sign_agreement": [], "rel_change": []}
    for x in X[p["n"]:]:
        a = probes.loo_influences(Xtr, ytr, x, lam=p["ridge"], refeaturize=False)
        b = probes.loo_influences(Xtr, ytr, x, lam=p["ridge"], refeaturize=True)
        top = np.argsort(-np.abs(a))[:k]
        out["spearman"].append(float(spearmanr(a, b).statistic))
        out["top_sign_agreement"].append(float(np.mean(np.sign(a[top]) == np.sign(b[top]))))
        out["rel_change"].append(float(np.linalg.norm(a - b) / np.linalg.norm(a)))
    return out


def _paper_attack_cell(p: dict, seed: int) -> dict:
    """Both nets under the paper's protocol on one random digits subset (pixels in [0, 1])."""
    P, digit = probes.digits_raw()
    idx = np.random.default_rng(p["data"]["seed"]).choice(len(P), p["n"] + p["n_test"],
                                                          replace=False)
    tr, te = idx[:p["n"]], idx[p["n"]:]
    return {net: probes.training_point_attack(P[tr], digit[tr], P[te], digit[te], net=net,
                                              m=p["m"], steps=p["steps"], seed=seed,
                                              eps=p["eps"], lam=p["ridge"],
                                              mim="mim" in p["attacks"])
            for net in ("attn", "relu")}


def _bound_cell(p: dict, seed: int) -> dict:
    X, _ = dataset(p["data"], p["n"])
    return probes.sensitivity_violations(X, eps=p["eps"], pairs=p["pairs"], seed=seed)


_PREPROCESSING = ("pixels", "unit", "centred-unit")


def _realdata_cell(p: dict, seed: int) -> dict:
    if p["source"] == "digits":
        raw, _ = probes.digits_raw()
    else:
        raw = probes.load_images(p["path"])
    out = {"n": int(raw.shape[0]), "d": int(raw.shape[1])}
    for how in _PREPROCESSING:
        X = raw if how == "pixels" else theory.unit_rows(
            raw - raw.mean(0) if how == "centred-unit" else raw)
        full = theory.kappa_d(X)  # inf: zero-variance pixels give λ = 0 (stored as null)
        out[how] = {"kappa_full": full if np.isfinite(full) else None,
                    "kappa_numerical": theory.kappa_d(X, rtol=RTOL),
                    "rank": len(theory.gram_eigenvalues(X, rtol=RTOL))}
    return out


_KINDS = {"gram": _gram_cell, "kernel": _kernel_cell, "train": _train_cell,
          "attack": _attack_cell, "loo": _loo_cell,
          "paper_attack": _paper_attack_cell, "bound": _bound_cell,
          "realdata": _realdata_cell}


def _cell(params: dict, seed: int) -> dict:
    return run_kind(_KINDS, params, seed)


CELL_FUNCTION = CellFunction("linear_attention_ntk.cell", 4, _cell, check=payloads.check)


def _digits(config: Config) -> dict:
    """The digits' data spec; the file's hash joins it only where ``$ATTNLAB_DIGITS_CSV`` is
    the copy read (scikit-learn missing), so scikit-learn's cells keep their keys."""
    spec = {"source": "digits", "seed": cell_seed(config.seed, "digits")}
    return {**spec, "file": config.digits_file} if config.digits_file else spec


def datasets(config: Config, *, d: int | None = None) -> list[dict]:
    """The family members, the designed-κ_d family and digits, each with its own fixed data
    seed."""
    d = d or config.d
    out = [{"source": "synthetic", "alpha": a, "d": d,
            "seed": cell_seed(config.seed, "data", a)} for a in config.family_alpha]
    out.append(_digits(config))
    out += [{"source": "designed", "kappa": k, "d": d,
             "seed": cell_seed(config.seed, "design", k)} for k in config.design_kappa]
    return out


def _named(config: Config, name: str) -> dict:
    if name == "synthetic":
        a = config.train_alpha
        return {"source": "synthetic", "alpha": a, "d": config.d,
                "seed": cell_seed(config.seed, "data", a)}
    return _digits(config)


def grid(config: Config) -> list[Cell]:
    dev = config.device
    cells = []
    for data in datasets(config):
        n = config.digits_n if data["source"] == "digits" else config.n
        cells.append(Cell({"kind": "gram", "data": data, "n": n, "layers": list(config.layers),
                           "device": dev}, cell_seed(config.seed, "gram", repr(data))))
        for net in ("attn", "relu"):
            cells.append(Cell({"kind": "kernel", "data": data, "n": n, "net": net,
                               "widths": list(config.widths), "draws": config.draws,
                               "device": dev},
                              cell_seed(config.seed, "kernel", repr(data), net)))
    for name in config.train_sets:
        data = _named(config, name)
        for net in ("attn", "relu"):
            for dyn in ("gd", "adam", "mup"):
                for m in config.train_widths:
                    for s in range(config.train_seeds):
                        cells.append(Cell({"kind": "train", "data": data, "n": config.train_n,
                                           "n_test": config.n_test, "net": net,
                                           "dynamics": dyn, "m": m, "steps": config.train_steps,
                                           "replicate": s, "device": dev},
                                          cell_seed(config.seed, "train", name, s)))
    for name in config.attack_sets:
        data = _named(config, name)
        for s in range(config.attack_seeds):
            # each replicate attacks different test points: a shifted subset of the data
            data_s = {**data, "seed": cell_seed(config.seed, "attack", name, s)}
            cells.append(Cell({"kind": "attack", "data": data_s, "n": config.attack_n,
                               "points": config.attack_points, "eps": list(config.attack_eps),
                               "ridge": config.ridge, "replicate": s},
                              cell_seed(config.seed, "attack", name, s)))
            # a new kind, not a new version: the other kinds' stored cells stay valid
            cells.append(Cell({"kind": "loo", "data": data_s, "n": config.attack_n,
                               "points": config.attack_points, "ridge": config.ridge},
                              cell_seed(config.seed, "loo", name, s)))
    for s in range(config.paper_replicates):  # a new kind: the stored kinds keep their keys
        data = {**_digits(config), "seed": cell_seed(config.seed, "paper_attack", s)}
        cells.append(Cell({"kind": "paper_attack", "data": data, "n": config.paper_n,
                           "n_test": config.paper_n_test, "m": config.paper_width,
                           "steps": config.paper_steps, "eps": list(config.paper_eps),
                           "ridge": config.ridge, "replicate": s, "attacks": ["pgd", "mim"],
                           "box_projected": True},
                          cell_seed(config.seed, "paper_attack", s)))
    for name in ("synthetic", "digits"):
        n = min(config.n, config.digits_n) if name == "digits" else config.n
        cells.append(Cell({"kind": "bound", "data": _named(config, name), "n": n,
                           "eps": list(config.bound_eps), "pairs": config.bound_pairs},
                          cell_seed(config.seed, "bound", name)))
    digits_file = {"file": config.digits_file} if config.digits_file else {}
    cells.append(Cell({"kind": "realdata", "source": "digits", **digits_file}, 0))
    for source, path in (("mnist", config.mnist_path), ("cifar10", config.cifar_path)):
        if path:
            cells.append(Cell({"kind": "realdata", "source": source, "path": str(path),
                               "file": file_id(path)}, 0))
    return cells
