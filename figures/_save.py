"""Saving: PNG and PDF side by side, provenance in both files' metadata."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["save_figure"]


def save_figure(fig, stem, *, provenance: dict | None = None) -> list[Path]:
    """Write ``stem.png`` and ``stem.pdf``; ``provenance`` (git sha, config hash, …) goes into
    the PNG text chunk ``Description`` and the PDF ``Subject`` as JSON."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    blob = json.dumps(provenance or {}, sort_keys=True)
    png, pdf = stem.with_suffix(".png"), stem.with_suffix(".pdf")
    fig.savefig(png, metadata={"Title": stem.name, "Software": "attnlab", "Description": blob})
    fig.savefig(pdf, metadata={"Title": stem.name, "Creator": "attnlab", "Subject": blob})
    return [png, pdf]
