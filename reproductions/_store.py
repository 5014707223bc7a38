"""Content-addressed, atomically written cell results (JSON; never pickle).

A cell's key is the SHA-256 of (paper slug, cell function name, its version, parameters,
seed) in canonical JSON. A cell file holds its key, that metadata, the payload and a checksum
of the payload; it is written to a temporary file in the same folder and renamed into place,
so a killed run leaves either the whole file or nothing. A file that does not parse or whose
checksum disagrees is reported, removed and recomputed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import warnings
from pathlib import Path

__all__ = ["cell_key", "CellStore", "atomic_write_text", "canonical_json"]


def canonical_json(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=True)


def cell_key(slug: str, function: str, version: int, params: dict, seed: int) -> str:
    blob = canonical_json(
        {"slug": slug, "function": function, "version": version, "params": params, "seed": seed}
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _checksum(payload) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


class CorruptCellWarning(UserWarning):
    pass


class CellStore:
    """Cells of one paper under ``root`` (``results/<slug>/cells`` by default)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def load(self, key: str):
        """The stored payload, or None if absent; a corrupt file is reported and removed."""
        path = self.path(key)
        if not path.exists():
            return None
        try:
            record = json.loads(path.read_text())
            ok = record["key"] == key and record["checksum"] == _checksum(record["payload"])
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            warnings.warn(f"corrupt cell {path}: removed, it will be recomputed",
                          CorruptCellWarning, stacklevel=2)
            path.unlink(missing_ok=True)
            return None
        return record["payload"]

    def save(self, key: str, meta: dict, payload) -> None:
        _reject_non_finite_keys(payload)
        record = {"key": key, "meta": meta, "payload": payload, "checksum": _checksum(payload)}
        atomic_write_text(self.path(key), canonical_json(record))

    def keys(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*/*.json"))


def _reject_non_finite_keys(payload) -> None:
    if isinstance(payload, float) and math.isnan(payload):
        return
    if not isinstance(payload, dict | list | str | int | float | bool | type(None)):
        raise TypeError(f"cell payloads must be plain JSON data, got {type(payload).__name__}")
