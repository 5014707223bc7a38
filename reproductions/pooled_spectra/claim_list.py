"""The pooled-spectra claim list and the numbers its judges share (Seddik, arXiv 2605.06826):
``claims.py`` declares T-A1–T-A2d on it, then ``claims_transitions.py`` T-A3 and
``claims_design.py`` T-A4–T-A6."""

from __future__ import annotations

from .._claims import ClaimList

__all__ = ["CLAIMS", "SRC", "SPIKE_TOLERANCES", "POWER_DRAWS"]

CLAIMS = ClaimList()

SRC = ("arXiv 2605.06826, abstract; formulas reconstructed "
       "(reproductions/pooled_spectra/README.md)")
# T-A2's outlier/alignment tolerances; T-A5 judges the attention-pooled covariance by the same
SPIKE_TOLERANCES = {"rel_tol": 0.03, "se_mult": 3, "align_tol": 0.03}
POWER_DRAWS = 400  # ideal-model draws per power check (100 left a 98% pass rate reading 94%)
