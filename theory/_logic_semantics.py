"""Semantics of the encoder–decoder logic on (encoder word u, decoder word w), random formulas,
and bounded-threshold types (arXiv 2605.07705; our reconstruction):

    u, i ⊨ q_a        iff  u_i = a
    u, i ⊨ ⟨G⟩^{≥k}ψ  iff  |{j : u, j ⊨ ψ}| ≥ k                 (independent of i)
    (u, w), t ⊨ p_b   iff  w_t = b
    (u, w), t ⊨ ⟨P⟩φ  iff  (u, w), t' ⊨ φ for some t' ≤ t  (strict: t' < t)
    (u, w), t ⊨ ⟨G⟩^{≥k}ψ iff |{j : u, j ⊨ ψ}| ≥ k

Words are strings of one-character letters. With no positional information the encoder is a
multiset: ``encoder_values_counts`` evaluates ψ per letter from letter counts (any size), and
two encoder words whose letter counts agree after truncation at K (``encoder_type``) satisfy
the same formulas with thresholds ≤ K.
"""

from __future__ import annotations

import numpy as np

from ._logic import And, Atom, Formula, Global, Not, Past, subformulas

__all__ = ["encoder_values", "encoder_values_counts", "decoder_values", "random_formula",
           "encoder_type", "refine_types"]


def _counts_from_word(u: str, alphabet: str) -> np.ndarray:
    return np.array([u.count(a) for a in alphabet], dtype=np.int64)


def encoder_values_counts(psi: Formula, alphabet: str, counts) -> dict:
    """Truth of every encoder subformula of ψ per letter: {subformula: bool [len(alphabet)]}
    for an encoder word given by its letter ``counts`` [len(alphabet)] (any size)."""
    counts = np.asarray(counts, dtype=np.int64)
    vals: dict = {}
    for g in subformulas(psi):
        if isinstance(g, Atom):
            if g.side != "enc":
                raise ValueError("decoder atom inside an encoder formula")
            vals[g] = np.array([a == g.letter for a in alphabet])
        elif isinstance(g, Not):
            vals[g] = ~vals[g.arg]
        elif isinstance(g, And):
            vals[g] = vals[g.left] & vals[g.right]
        elif isinstance(g, Global):
            n = int(counts[vals[g.arg]].sum())
            vals[g] = np.full(len(alphabet), n >= g.k)
        else:
            raise ValueError("⟨P⟩ inside an encoder formula")
    return vals


def encoder_values(psi: Formula, u: str, alphabet: str) -> np.ndarray:
    """u, i ⊨ ψ for every encoder position i: bool [len(u)]."""
    per_letter = encoder_values_counts(psi, alphabet, _counts_from_word(u, alphabet))[psi]
    idx = np.array([alphabet.index(c) for c in u], dtype=np.int64)
    return per_letter[idx] if len(u) else np.zeros(0, bool)


def decoder_values(phi: Formula, counts, w: str, alphabet: str, *, strict: bool = False
                   ) -> np.ndarray:
    """(u, w), t ⊨ φ at every decoder position t: bool [len(w)]; the encoder word u is given
    by its letter ``counts`` (a string is counted first)."""
    if isinstance(counts, str):
        counts = _counts_from_word(counts, alphabet)
    n = len(w)
    vals: dict = {}
    for g in subformulas(phi):
        if isinstance(g, Atom):
            vals[g] = (np.array([c == g.letter for c in w], bool) if g.side == "dec"
                       else None)
        elif isinstance(g, Global):
            enc = encoder_values_counts(g, alphabet, counts)[g]
            vals[g] = np.full(n, bool(enc[0]) if len(alphabet) else False)
        elif isinstance(g, Not):
            vals[g] = None if vals[g.arg] is None else ~vals[g.arg]
        elif isinstance(g, And):
            a, b = vals[g.left], vals[g.right]
            vals[g] = None if a is None or b is None else a & b
        elif isinstance(g, Past):
            x = vals[g.arg]
            seen = np.logical_or.accumulate(x) if n else x
            vals[g] = np.concatenate([[False], seen[:-1]]) if strict and n else seen
    if vals[phi] is None:
        raise ValueError("an encoder formula is not a decoder formula: wrap it in G>=k")
    return vals[phi]


def random_formula(rng: np.random.Generator, *, enc_alphabet: str, dec_alphabet: str,
                   depth: int, max_k: int, size: int = 6, decoder: bool = True) -> Formula:
    """A random decoder (or encoder) formula of modal depth ≤ ``depth``, thresholds ≤ max_k,
    about ``size`` connectives; generated top-down, each node's kind drawn uniformly among
    those its side and remaining depth allow."""

    def gen(side, d, budget):
        kinds = ["atom"]
        if budget > 0:
            kinds += ["not", "and"]
            if d > 0:
                kinds += ["G", "G"] + (["P"] if side == "dec" else [])
        kind = kinds[rng.integers(len(kinds))]
        if kind == "atom":
            alpha = enc_alphabet if side == "enc" else dec_alphabet
            return Atom(side, alpha[rng.integers(len(alpha))])
        if kind == "not":
            return Not(gen(side, d, budget - 1))
        if kind == "and":
            left = int(rng.integers(budget))
            return And(gen(side, d, left), gen(side, d, budget - 1 - left))
        if kind == "G":
            return Global(int(rng.integers(1, max_k + 1)), gen("enc", d - 1, budget - 1))
        return Past(gen(side, d - 1, budget - 1))

    return gen("dec" if decoder else "enc", depth, size)


def encoder_type(counts, K: int) -> tuple:
    """The bounded-threshold type of an encoder word: its letter counts truncated at K."""
    return tuple(int(c) for c in np.minimum(np.asarray(counts, np.int64), K))


def refine_types(u: str, K: int, rounds: int | None = None) -> list[tuple]:
    """Colour refinement with global counting truncated at K: colour_0(i) = u_i,
    colour_{r+1}(i) = (colour_r(i), {{colour_r(j) : j}} with multiplicities truncated at K).
    Returns the stable colouring (it stabilises after one round: the global multiset is the
    same at every position). Two words have the same K-type iff their colourings' multisets
    agree after truncation at K."""
    colours = list(u)
    for _ in range(rounds if rounds is not None else len(u) + 1):
        glob = {}
        for c in colours:
            glob[c] = min(glob.get(c, 0) + 1, K)
        summary = tuple(sorted(glob.items()))
        new = [(c, summary) for c in colours]
        if len(set(new)) == len(set(colours)):
            return new
        colours = new
    return colours
