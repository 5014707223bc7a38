"""End-to-end certification of counting gadgets per (format, k), and the public compiler.

A candidate gadget for ⟨G⟩^{≥k} (``_compiler_gadgets.count_candidates``) is certified when the
whole compiled transformer of ``G>=k q_a`` — attention, power-of-two scaling, indicator FFN,
ReLU(E − N), every operation in the emulated format — outputs exactly [m ≥ k] for every
encoder word with m letters a and 0 or 3 other letters, m over ``check_m`` (1 … M
exhaustively, then a logarithmic grid past the format's saturation 2^p, ±1), evaluated with
the closed-form multiset sums (sorted summation, arXiv 2605.07705's convention as we read it).
Uncertifiable k are reported, never approximated.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from attnlab.theory._logic import Atom, Global, parse_formula

from ._compiler import CompileError, build_transformer, formula_thresholds  # noqa: F401
from ._compiler_gadgets import check_m, count_candidates
from ._compiler_model import Model, evaluate_counts
from ._floats import float_format

__all__ = ["certified_gadget", "compile_formula", "certification_table", "describe_transformer"]


@cache
def _candidates(k: int, fmt_name: str, order: str = "sorted") -> tuple:
    return tuple(count_candidates(k, float_format(fmt_name), order))


@cache
def certified_gadget(k: int, fmt_name: str, order: str = "sorted"):
    """The first candidate gadget for ⟨G⟩^{≥k} that the compiled transformer confirms on
    every checked count; None if none does."""
    f = float_format(fmt_name)
    phi = Global(k, Atom("enc", "a"))
    m = check_m(f, extra=64)
    counts = np.concatenate([np.stack([m, np.zeros_like(m)], 1),
                             np.stack([m, np.full_like(m, 3)], 1),
                             [[0, 0], [0, 5]]])
    truth = counts[:, 0] >= k
    for g in _candidates(k, f.name, order):
        model = build_transformer(phi, f, gadgets={k: g}, order="sorted", enc_alphabet="ab",
                                  dec_alphabet="a")
        out = evaluate_counts(model, counts, ["a"] * len(counts))[:, 0]
        if np.array_equal(out, truth.astype(np.float64)):
            return g
    return None


def compile_formula(phi, fmt="float32", *, order: str = "sorted", enc_alphabet: str = "abc",
                    dec_alphabet: str = "ab", mask: str = "causal") -> Model:
    """Compile a formula (AST or concrete syntax) into a transformer in format ``fmt`` with
    certified gadgets; raises CompileError for a threshold the format cannot certify."""
    f = float_format(fmt)
    if isinstance(phi, str):
        phi = parse_formula(phi)
    gadgets = {}
    for k in formula_thresholds(phi):
        gadgets[k] = certified_gadget(k, f.name, "sorted")
        if gadgets[k] is None:
            raise CompileError(f"⟨G⟩^≥{k} has no certified gadget in {f.name}")
    return build_transformer(phi, f, gadgets=gadgets, order=order,
                             enc_alphabet=enc_alphabet, dec_alphabet=dec_alphabet, mask=mask)


def certification_table(fmt, ks) -> list[dict]:
    """One row per k: simple (one-head) / composite / uncertifiable, with a and |S|."""
    f = float_format(fmt)
    rows = []
    for k in ks:
        g = certified_gadget(int(k), f.name, "sorted") if k >= 2 else None
        found = _candidates(int(k), f.name, "sorted") if k >= 2 else ()
        simple_candidates = [c for c in found if c.simple]
        rows.append({"format": f.name, "p": f.p, "k": int(k),
                     "one_head": bool(simple_candidates),
                     "certified": k == 1 or g is not None,
                     "gadget": "exists head" if k == 1 else (
                         "uncertifiable" if g is None else
                         ("one head" if g.simple else f"composite |S|={len(g.accept)}")),
                     "a": None if g is None else g.a})
    return rows



def describe_transformer(model: Model) -> str:
    """A readable listing of a compiled transformer: its residual layout and every sublayer
    (attention heads with their score scale L and value constant, FFN widths)."""
    lines = [f"formula {model.notes.get('formula', '?')}  ({model.fmt.name}, {model.order} "
             f"sums)", f"encoder residual d = {model.d_enc}: {model.notes.get('enc_dims')}",
             f"decoder residual d = {model.d_dec}: {model.notes.get('dec_dims')}",
             f"gadgets (k: value a·σ, accepted Y): "
             f"{ {k: (g['a'], g['accept']) for k, g in model.notes.get('gadgets', {}).items()} }"]
    for side, layers in (("encoder", model.encoder), ("decoder", model.decoder)):
        for i, layer in enumerate(layers):
            if hasattr(layer, "heads"):
                heads = ", ".join(f"score {float(h.b_q[0]):g}·x[{int(np.flatnonzero(h.W_k)[0])}]"
                                  f" value {float(h.W_v.max()):.3g}" for h in layer.heads)
                lines.append(f"{side} {i}: attention ({layer.source}, mask {layer.mask}): "
                             f"{heads}")
            else:
                lines.append(f"{side} {i}: FFN, {layer.W1.shape[1]} ReLU units")
    return "\n".join(lines)
