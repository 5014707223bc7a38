"""Compile a formula of the encoder–decoder logic into a transformer with explicit weights
(the logic → transformer direction of arXiv 2605.07705; the construction is our
reconstruction of it).

One residual dimension per memoised subformula, holding 0/1 exactly:

    ¬x = ReLU(1 − x),   x ∧ y = ReLU(x + y − 1)                          (FFN units)
    ⟨P⟩φ: masked decoder self-attention, scores L·φ_t', values φ_t'  → E = 1 − ReLU(1 − s·y)
    ⟨G⟩^{≥1}ψ: the same head over the encoder (encoder self-attention, or cross-attention
           from the decoder)
    ⟨G⟩^{≥k}ψ, k ≥ 2: E ∧ ¬[Y_a ∈ S] with the certified count gadget (``_compiler_gadgets``):
           a second head with values a·σ·ψ, its output scaled by powers of two to the integer
           Y_a (each factor ≤ 2^emax), an integer-indicator FFN, then ReLU(E − N).

Subformulas are scheduled by stage (modal depth): a stage is an attention sublayer (all its
heads in parallel) followed by the FFN sublayers of the gadgets and then of the Boolean
connectives, as many as their nesting needs. Encoder formulas are computed in the encoder; a
decoder-level ⟨G⟩ reads the encoder's last residual by cross-attention.
"""

from __future__ import annotations

import numpy as np

from attnlab.theory._logic import (
    And,
    Atom,
    Global,
    Not,
    Past,
    format_formula,
    parse_formula,
    subformulas,
)

from ._compiler_gadgets import check_m, exists_table, score_scale
from ._compiler_model import FFN, Attention, Head, Model
from ._floats import float_format

__all__ = ["build_transformer", "CompileError", "formula_thresholds"]


class CompileError(ValueError):
    """A formula this format cannot compile (an uncertifiable threshold)."""


class _Side:
    """The residual layout and sublayers of one side (encoder or decoder) being built."""

    def __init__(self, alphabet):
        self.dim = {}
        self.d = len(alphabet)
        self.alphabet = alphabet
        self.plan = []  # (kind, payload): ("attn", (source, mask, heads)), ("ffn", units)

    def new(self):
        self.d += 1
        return self.d - 1


def _side_nodes(phi):
    """Decoder-level nodes (above any ⟨G⟩ boundary) and encoder-level nodes."""
    dec, enc = [], []

    def walk(g, side):
        target = dec if side == "dec" else enc
        if g in target:
            return
        if isinstance(g, Global):
            walk(g.arg, "enc")
        elif isinstance(g, And):
            walk(g.left, side)
            walk(g.right, side)
        elif isinstance(g, Not | Past):
            walk(g.arg, side)
        target.append(g)

    walk(phi, "dec")
    order = {g: i for i, g in enumerate(subformulas(phi))}
    return sorted(dec, key=order.get), sorted(enc, key=order.get)


def _stage(g, side, memo):
    key = (g, side)
    if key not in memo:
        if isinstance(g, Atom):
            memo[key] = 0
        elif isinstance(g, Global):
            memo[key] = 1 + (_stage(g.arg, "enc", memo) if side == "enc" else 0)
        elif isinstance(g, Past):
            memo[key] = 1 + _stage(g.arg, side, memo)
        elif isinstance(g, Not):
            memo[key] = _stage(g.arg, side, memo)
        else:
            memo[key] = max(_stage(g.left, side, memo), _stage(g.right, side, memo))
    return memo[key]


def formula_thresholds(phi) -> list[int]:
    """The thresholds k ≥ 2 of the formula's ⟨G⟩ subformulas (each needs a count gadget)."""
    return sorted({g.k for g in subformulas(phi) if isinstance(g, Global) and g.k >= 2})


def build_transformer(phi, fmt="float32", *, gadgets: dict, order: str = "sorted",
                      enc_alphabet: str = "abc", dec_alphabet: str = "ab",
                      mask: str = "causal") -> Model:
    """The transformer whose output at decoder position t is 1.0 if (u, w), t ⊨ φ and 0.0
    otherwise (``mask``: "causal" for ⟨P⟩ over t' ≤ t, "strict" for t' < t), with the count
    gadget ``gadgets[k]`` for each threshold k ≥ 2 (``compile_formula`` certifies them)."""
    f = float_format(fmt)
    if isinstance(phi, str):
        phi = parse_formula(phi)
    dec_nodes, enc_nodes = _side_nodes(phi)
    if any(isinstance(g, Atom) and g.side == "enc" for g in dec_nodes):
        raise CompileError("encoder atoms q_a must sit under G>=k in a decoder formula")
    L = score_scale(f)
    e_scale = _exists_scale(f, "sorted")  # certified under the paper's sorted sums
    missing = [k for k in formula_thresholds(phi) if gadgets.get(k) is None]
    if missing:
        raise CompileError(f"⟨G⟩^≥k for k = {missing} has no certified gadget in {f.name} "
                           f"({order} sums)")
    memo = {}
    enc, dec = _Side(enc_alphabet), _Side(dec_alphabet)
    for side, nodes, name in ((enc, enc_nodes, "enc"), (dec, dec_nodes, "dec")):
        for g in nodes:
            if isinstance(g, Atom):
                side.dim[g] = side.alphabet.index(g.letter)
        top = max((_stage(g, name, memo) for g in nodes), default=0)
        for s in range(top + 1):
            _build_stage(side, name, [g for g in nodes if _stage(g, name, memo) == s], s,
                         enc, f, L, e_scale, gadgets, mask)
    model = Model(f, order, enc_alphabet, dec_alphabet, enc.d, dec.d,
                  _materialise(enc, enc.d, enc.d), _materialise(dec, dec.d, enc.d),
                  dec.dim[phi], notes={"formula": format_formula(phi), "L": L,
                                       "exists_scale": e_scale,
                                       "gadgets": {k: g.__dict__ for k, g in gadgets.items()},
                                       "enc_dims": {format_formula(g): d
                                                    for g, d in enc.dim.items()},
                                       "dec_dims": {format_formula(g): d
                                                    for g, d in dec.dim.items()}})
    return model


def _exists_scale(f, order) -> float:
    ys = exists_table(check_m(f), f, order)
    scale = 2.0 ** int(np.ceil(-np.log2(ys.min())))
    if not np.all(ys * scale >= 1):
        raise CompileError(f"the exists head cannot be certified in {f.name}")
    return scale


def _build_stage(side, name, nodes, s, enc, f, L, e_scale, gadgets, mask):
    modal = [g for g in nodes if isinstance(g, Global | Past)]
    for g in modal:
        side.dim[g] = side.new()
    if modal:
        self_heads, cross_heads, raws = [], [], []
        for g in modal:
            src = enc if isinstance(g, Global) else side
            key = src.dim[g.arg]
            heads = cross_heads if (isinstance(g, Global) and name == "dec") else self_heads
            ye = side.new()
            heads.append((key, 1.0, ye))
            raw = {"node": g, "ye": ye}
            if isinstance(g, Global) and g.k >= 2:
                raw["ya"] = side.new()
                heads.append((key, gadgets[g.k].a * f.smallest_subnormal, raw["ya"]))
            raws.append(raw)
        if self_heads:
            side.plan.append(("attn", ("self", mask if name == "dec" else "none", self_heads,
                                       L)))
        if cross_heads:
            side.plan.append(("attn", ("cross", "none", cross_heads, L)))
        # E = 1 − ReLU(1 − s·y) for every head; count heads also start their scaling
        shift = -(f.emin - f.p + 1)
        steps = []
        while shift > 0:
            steps.append(min(shift, f.emax))
            shift -= steps[-1]
        units = []
        for r in raws:
            g = r["node"]
            r["E"] = side.dim[g] if not (isinstance(g, Global) and g.k >= 2) else side.new()
            units.append(({r["ye"]: -e_scale}, 1.0, {r["E"]: -1.0}, {r["E"]: 1.0}))
        counts = [r for r in raws if "ya" in r]
        for i, t in enumerate(steps if counts else []):
            if i > 0:
                side.plan.append(("ffn", units))
                units = []
            for r in counts:
                z = side.new()
                units.append(({r["ya"]: 2.0 ** t}, 0.0, {z: 1.0}, {}))
                r["ya"] = z
        side.plan.append(("ffn", units))
        if counts:
            units = []
            for r in counts:
                r["N"] = side.new()
                if gadgets[r["node"].k].simple:  # N = [z ≥ 1] = 1 − ReLU(1 − z), z ∈ ℕ
                    units.append(({r["ya"]: -1.0}, 1.0, {r["N"]: -1.0}, {r["N"]: 1.0}))
                    continue
                for v in gadgets[r["node"].k].accept:
                    for off, c in ((1.0, 1.0), (0.0, -2.0), (-1.0, 1.0)):
                        units.append(({r["ya"]: 1.0}, off - v, {r["N"]: c}, {}))
            side.plan.append(("ffn", units))
            side.plan.append(("ffn", [({r["E"]: 1.0, r["N"]: -1.0}, 0.0,
                                       {side.dim[r["node"]]: 1.0}, {}) for r in counts]))
    pending = [g for g in nodes if isinstance(g, Not | And)]
    for g in pending:
        side.dim[g] = side.new()
    while pending:
        ready = [g for g in pending
                 if all(c in side.dim and c not in pending for c in _kids(g))]
        units = []
        for g in ready:
            if isinstance(g, Not):
                units.append(({side.dim[g.arg]: -1.0}, 1.0, {side.dim[g]: 1.0}, {}))
            else:
                inputs = {side.dim[g.left]: 1.0}  # x ∧ x (a memoised repeat) weighs 2
                inputs[side.dim[g.right]] = inputs.get(side.dim[g.right], 0.0) + 1.0
                units.append((inputs, -1.0, {side.dim[g]: 1.0}, {}))
        side.plan.append(("ffn", units))
        pending = [g for g in pending if g not in ready]


def _kids(g):
    return (g.left, g.right) if isinstance(g, And) else (g.arg,)


def _materialise(side, d, d_keys):
    """Turn the plan into sublayers with dense weight matrices of the final width."""
    layers = []
    for kind, payload in side.plan:
        if kind == "attn":
            source, mask, heads, L = payload
            dk = d_keys if source == "cross" else d
            built = []
            for key, c, out in heads:
                W_k = np.zeros((dk, 1))
                W_k[key, 0] = 1.0
                W_v = np.zeros((dk, 1))
                W_v[key, 0] = c
                W_o = np.zeros((1, d))
                W_o[0, out] = 1.0
                built.append(Head(np.zeros((d, 1)), np.array([L]), W_k, np.zeros(1), W_v,
                                  np.zeros(1), W_o))
            layers.append(Attention(built, source, mask))
            continue
        W1 = np.zeros((d, len(payload)))
        b1 = np.zeros(len(payload))
        W2 = np.zeros((len(payload), d))
        b2 = np.zeros(d)
        for j, (inputs, bias, outputs, out_bias) in enumerate(payload):
            for dim, w in inputs.items():
                W1[dim, j] = w
            b1[j] = bias
            for dim, w in outputs.items():
                W2[j, dim] = w
            for dim, w in out_bias.items():
                b2[dim] = w
        layers.append(FFN(W1, b1, W2, b2))
    return layers
