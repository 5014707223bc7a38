"""The papers this toolkit reproduces, by slug."""

from __future__ import annotations

from ._paper import Paper

__all__ = ["get_paper", "paper_slugs", "PLANNED"]

# Specified in shared/papers/ and tracked as issues; not implemented yet.
PLANNED = {
    "energy-field": "Lee (arXiv 2605.02907)",
    "lora-forgetting": "Koubbi, Hernandez, Boussard (arXiv 2402.15415)",
    "logic-encoder-decoder": "Ahvonen, Heiman, Kuusisto, Moreno, Selin (arXiv 2605.07705)",
}


def _papers() -> dict[str, Paper]:
    from .inverse_temperature import PAPER as inverse_temperature
    from .linear_attention_ntk import PAPER as linear_attention_ntk
    from .pooled_spectra import PAPER as pooled_spectra
    from .query_learning import PAPER as query_learning

    return {p.slug: p for p in (inverse_temperature, query_learning, pooled_spectra,
                                 linear_attention_ntk)}


def paper_slugs() -> list[str]:
    return list(_papers())


def get_paper(slug: str) -> Paper:
    papers = _papers()
    if slug in papers:
        return papers[slug]
    if slug in PLANNED:
        raise ValueError(f"paper {slug!r} is planned but not implemented yet")
    raise ValueError(f"unknown paper {slug!r}; known: {', '.join(papers)}")
