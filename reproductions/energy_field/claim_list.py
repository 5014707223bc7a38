"""The energy-field claim list (Lee, arXiv 2605.02907): ``claims.py`` declares T0 and T1 on
it, then ``claims_model.py`` T2, T2-trained, T3 and T4."""

from __future__ import annotations

from .._claims import ClaimList

__all__ = ["CLAIMS", "SRC"]

CLAIMS = ClaimList()
SRC = "arXiv 2605.02907, abstract; formulas reconstructed (reproductions/energy_field/README.md)"
