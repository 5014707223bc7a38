"""The shape of each kind of linear-attention-ntk cell payload, as ``tables.py`` reads it.

``check(params, payload)`` is the sweep's payload check (``CellFunction(check=...)``): it raises
ValueError/TypeError for a stored payload that the tables would crash on or misread — a missing
key, a list where a number belongs, one error row per width and one entry per draw, per test
point and per ε where the tables zip them, the layers the cell was asked for, a zero λ_min that
κ(K) divides by — so that such a cell is recomputed instead. NaN and ±inf are numbers
(measurements may be); only the shape is checked, never the values' science.
"""

from __future__ import annotations

from .._payloads import FLAG, NUMBER, NUMBER_OR_NULL, conform, length, nonzero

__all__ = ["check"]


_LAYER = {"rel_error": NUMBER, "kappa_Z": NUMBER, "exponent": NUMBER,
          "exponent_naive": NUMBER_OR_NULL, "naive_negative": FLAG, "resolvable": FLAG}
_GRAM = {"n": NUMBER, "d": NUMBER, "kappa_d": NUMBER, "kappa_xtilde": NUMBER, "layers": {}}
_KERNEL = {"e_F": [[NUMBER]], "e_op": [[NUMBER]], "var_m1": NUMBER, "norm_inf": NUMBER,
           "kappa_d": NUMBER, "lambda_max": NUMBER, "lambda_min": NUMBER}
_TRAIN = {"drift": NUMBER, "weight_change": NUMBER, "loss": NUMBER, "f_gap": NUMBER,
          "f_ntk_rms": NUMBER}
# the attack cell's keys: model/attack, as the tables split them and the claims read them
ATTACKS = [f"{model}/{attack}" for model in ("relu", "attn_transductive", "attn_frozen")
           for attack in ("fgsm", "pgd")]
_ATTACK = {key: {"flip": [[NUMBER]], "spearman": [[NUMBER]]} for key in ATTACKS}
_LOO = {"spearman": [NUMBER], "top_sign_agreement": [NUMBER], "rel_change": [NUMBER]}
_PAPER_NET = {"flip": [NUMBER], "spearman": [NUMBER], "mim_flip": [NUMBER],
              "mim_spearman": [NUMBER], "train_accuracy": NUMBER, "train_loss": NUMBER}
_PAPER_ATTACK = {"attn": _PAPER_NET, "relu": _PAPER_NET}
_BOUND_CONTEXT = {"violations": NUMBER, "checks": NUMBER, "worst_ratio": NUMBER}
_BOUND = {"frozen": _BOUND_CONTEXT, "transductive": _BOUND_CONTEXT}
_KAPPAS = {"kappa_full": NUMBER_OR_NULL, "kappa_numerical": NUMBER, "rank": NUMBER}
_REALDATA = {"n": NUMBER, "d": NUMBER, "pixels": _KAPPAS, "unit": _KAPPAS,
             "centred-unit": _KAPPAS}
_SPECS = {"gram": _GRAM, "kernel": _KERNEL, "train": _TRAIN, "attack": _ATTACK, "loo": _LOO,
          "paper_attack": _PAPER_ATTACK,
          "bound": _BOUND, "realdata": _REALDATA}


def check(params: dict, payload) -> None:
    kind = params["kind"]
    conform(payload, _SPECS[kind])
    if kind == "gram":  # one entry per stacked depth k asked for, keyed str(k)
        layers = payload["layers"]
        if sorted(layers) != sorted(str(k) for k in params["layers"]):
            raise ValueError(f"payload.layers holds {sorted(layers)}, expected "
                             f"{[str(k) for k in params['layers']]}")
        for k, entry in layers.items():
            conform(entry, _LAYER, f"payload.layers.{k}")
    elif kind == "kernel":  # [len(widths)][draws]
        nonzero(payload["lambda_min"], "payload.lambda_min")
        for name in ("e_F", "e_op"):
            length(payload[name], len(params["widths"]), f"payload.{name}")
            for i, row in enumerate(payload[name]):
                length(row, params["draws"], f"payload.{name}[{i}]")
    elif kind == "attack":  # [points][len(eps)] per attack; the tables split every key
        if sorted(payload) != sorted(ATTACKS):
            raise ValueError(f"payload holds {sorted(payload)}, expected {sorted(ATTACKS)}")
        for key in ATTACKS:
            for name in ("flip", "spearman"):
                rows = payload[key][name]
                length(rows, params["points"], f"payload.{key}.{name}")
                for i, row in enumerate(rows):
                    length(row, len(params["eps"]), f"payload.{key}.{name}[{i}]")
    elif kind == "loo":  # one entry per test point
        for name in _LOO:
            length(payload[name], params["points"], f"payload.{name}")
    elif kind == "paper_attack":  # one entry per ε, per net
        for net in _PAPER_ATTACK:
            for name in ("flip", "spearman", "mim_flip", "mim_spearman"):
                length(payload[net][name], len(params["eps"]), f"payload.{net}.{name}")
    elif kind == "bound":  # the tables make a row of every context
        for ctx, entry in payload.items():
            conform(entry, _BOUND_CONTEXT, f"payload.{ctx}")
