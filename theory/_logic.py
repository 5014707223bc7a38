"""The temporal logic of encoder–decoder transformers: abstract syntax, concrete syntax, parser.

Ahvonen, Heiman, Kuusisto, Moreno, Selin, arXiv 2605.07705 (abstract, for the
logic): "propositional logic with a counting global modality over the encoder input and a
past modality over the decoder input". The exact grammar is our reconstruction (the paper's
definitions could not be read):

    encoder ψ ::= q_a | ¬ψ | ψ ∧ ψ | ⟨G⟩^{≥k} ψ
    decoder φ ::= p_b | ¬φ | φ ∧ φ | ⟨P⟩ φ | ⟨G⟩^{≥k} ψ

Concrete syntax (ASCII or Unicode): ``q_a``/``p_b`` atoms (one lower-case letter or digit),
``!``/``¬``, ``&``/``∧``, ``|``/``∨`` (sugar for ¬(¬x ∧ ¬y)), ``G>=k x`` / ``⟨G⟩≥k x``
(``G x`` is k = 1), ``P x`` / ``⟨P⟩ x``, parentheses. Unary operators bind tightest, then ∧,
then ∨. Example: ``P (p_b & G>=3 (q_a & !G>=2 q_c))``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Atom", "Not", "And", "Global", "Past", "Formula", "parse_formula", "format_formula",
           "formula_or", "subformulas", "modal_depth", "is_encoder", "max_threshold"]


@dataclass(frozen=True)
class Atom:
    side: str  # "enc" (q_a) or "dec" (p_b)
    letter: str


@dataclass(frozen=True)
class Not:
    arg: Formula


@dataclass(frozen=True)
class And:
    left: Formula
    right: Formula


@dataclass(frozen=True)
class Global:
    """⟨G⟩^{≥k} ψ: at least k encoder positions satisfy the encoder formula ψ."""

    k: int
    arg: Formula


@dataclass(frozen=True)
class Past:
    """⟨P⟩ φ: φ holds at some decoder position t' ≤ t (t' < t under the strict mask)."""

    arg: Formula


Formula = Atom | Not | And | Global | Past


def formula_or(a: Formula, b: Formula) -> Formula:
    return Not(And(Not(a), Not(b)))


def is_encoder(f: Formula) -> bool:
    """Whether f is an encoder formula: no p_b and no ⟨P⟩ outside the scope of a ⟨G⟩ (a
    ⟨G⟩^{≥k}ψ is both: it reads the encoder and holds at every position of either side)."""
    if isinstance(f, Atom):
        return f.side == "enc"
    if isinstance(f, Past):
        return False
    if isinstance(f, Global):
        return True
    if isinstance(f, Not):
        return is_encoder(f.arg)
    return is_encoder(f.left) and is_encoder(f.right)


def subformulas(f: Formula) -> list[Formula]:
    """Distinct subformulas, children before parents (the compiler's memo order)."""
    out, seen = [], set()

    def visit(g):
        if g in seen:
            return
        for c in _children(g):
            visit(c)
        seen.add(g)
        out.append(g)

    visit(f)
    return out


def _children(f):
    if isinstance(f, Atom):
        return ()
    if isinstance(f, And):
        return (f.left, f.right)
    return (f.arg,)


def modal_depth(f: Formula) -> int:
    if isinstance(f, Atom):
        return 0
    if isinstance(f, Global | Past):
        return 1 + modal_depth(f.arg)
    return max(modal_depth(c) for c in _children(f))


def max_threshold(f: Formula) -> int:
    ks = [g.k for g in subformulas(f) if isinstance(g, Global)]
    return max(ks, default=0)


def format_formula(f: Formula) -> str:
    """The concrete ASCII syntax (``parse_formula(format_formula(f)) == f``)."""
    if isinstance(f, Atom):
        return f"{'q' if f.side == 'enc' else 'p'}_{f.letter}"
    if isinstance(f, Not):
        return "!" + _wrap(f.arg)
    if isinstance(f, And):
        return f"{_wrap(f.left)} & {_wrap(f.right)}"
    if isinstance(f, Global):
        return f"G>={f.k} " + _wrap(f.arg)
    return "P " + _wrap(f.arg)


def _wrap(f):
    s = format_formula(f)
    return f"({s})" if isinstance(f, And) else s


_TOKEN = re.compile(r"\s*(?:(?P<atom>[qp]_[a-z0-9])|(?P<g>⟨G⟩|G)(?:\s*(?:>=|≥)\s*(?P<k>\d+))?"
                    r"|(?P<p>⟨P⟩|P)|(?P<op>[!¬&∧|∨()]))")


def parse_formula(text: str) -> Formula:
    """Parse the concrete syntax above; a malformed formula raises ValueError naming the
    position."""
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read formula at position {pos}: {text[pos:pos + 12]!r}")
        pos = m.end()
        if m["atom"]:
            tokens.append(("atom", m["atom"]))
        elif m["g"]:
            k = int(m["k"]) if m["k"] else 1
            if k < 1:
                raise ValueError(f"threshold must be ≥ 1 in {text!r}")
            tokens.append(("G", k))
        elif m["p"]:
            tokens.append(("P", None))
        else:
            tokens.append(({"¬": "!", "∧": "&", "∨": "|"}.get(m["op"], m["op"]), None))
    f, i = _parse_or(tokens, 0, text)
    if i != len(tokens):
        raise ValueError(f"unexpected {tokens[i][0]!r} in formula {text!r}")
    _check_sides(f, text)
    return f


def _parse_or(t, i, text):
    f, i = _parse_and(t, i, text)
    while i < len(t) and t[i][0] == "|":
        g, i = _parse_and(t, i + 1, text)
        f = formula_or(f, g)
    return f, i


def _parse_and(t, i, text):
    f, i = _parse_unary(t, i, text)
    while i < len(t) and t[i][0] == "&":
        g, i = _parse_unary(t, i + 1, text)
        f = And(f, g)
    return f, i


def _parse_unary(t, i, text):
    if i >= len(t):
        raise ValueError(f"formula {text!r} ends too early")
    kind, val = t[i]
    if kind == "atom":
        return Atom("enc" if val[0] == "q" else "dec", val[2]), i + 1
    if kind == "!":
        f, i = _parse_unary(t, i + 1, text)
        return Not(f), i
    if kind == "G":
        f, i = _parse_unary(t, i + 1, text)
        return Global(val, f), i
    if kind == "P":
        f, i = _parse_unary(t, i + 1, text)
        return Past(f), i
    if kind == "(":
        f, i = _parse_or(t, i + 1, text)
        if i >= len(t) or t[i][0] != ")":
            raise ValueError(f"missing ')' in formula {text!r}")
        return f, i + 1
    raise ValueError(f"unexpected {kind!r} in formula {text!r}")


def _check_sides(f, text):
    """⟨G⟩ must take an encoder formula (no p_b, no ⟨P⟩ inside)."""
    for g in subformulas(f):
        if isinstance(g, Global) and not is_encoder(g.arg):
            raise ValueError(f"G>={g.k} takes an encoder formula (q_a, !, &, G), got "
                             f"{format_formula(g.arg)!r} in {text!r}")
