"""Content-addressed, atomically written cell results (JSON; never pickle).

A cell's key is the SHA-256 of (paper slug, cell function name, its version, parameters,
seed) in canonical JSON. A cell file holds its key, that metadata, the payload and a checksum
of the payload; it is written to a temporary file in the same folder and renamed into place,
so a killed run leaves either the whole file or nothing. A file that does not parse, whose
checksum disagrees, or whose recorded metadata (paper, function, version, parameters, seed) is
not what the key was asked for is reported, removed and recomputed — so a payload stored under
the wrong key by any mix-up is never reused. A read-only store (``judge``) reports such a file
as missing and leaves it alone. Files get the user's umask, like every other output.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import uuid
import warnings
from pathlib import Path

__all__ = ["cell_key", "cell_meta", "CellStore", "atomic_write_text", "canonical_json"]


def canonical_json(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=True)


def cell_key(slug: str, function: str, version: int, params: dict, seed: int) -> str:
    blob = canonical_json(cell_meta(slug, function, version, params, seed))
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def cell_meta(slug: str, function: str, version: int, params: dict, seed: int) -> dict:
    """What a cell is computed for: stored beside its payload and checked on every read."""
    return {"slug": slug, "function": function, "version": version, "params": params,
            "seed": seed}


def fsync_folder(folder: Path) -> None:
    """Make a rename into ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, flushed to
    disk, and a rename. The file gets the process's umask, like any file open() creates
    (mkstemp would make it 0600: unreadable to colleagues sharing a store)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_folder(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _checksum(payload) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


class CorruptCellWarning(UserWarning):
    pass


class CellStore:
    """Cells of one paper under ``root`` (``results/<slug>/cells`` by default).
    ``read_only``: a corrupt cell is reported as missing and left in place."""

    def __init__(self, root: Path, *, read_only: bool = False):
        self.root = Path(root)
        self.read_only = read_only

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def load(self, key: str, meta: dict | None = None, check=None):
        """The stored payload, or None if absent. A corrupt file — unreadable, a checksum or
        key that disagrees, metadata other than ``meta``, or a payload that ``check(payload)``
        rejects with a ValueError/KeyError/TypeError (the wrong shape for the tables that
        read it) — is reported and removed (kept, in a read-only store)."""
        path = self.path(key)
        if not path.exists() and not path.is_symlink():
            return None
        why = None
        try:
            record = json.loads(path.read_text())
            if record["key"] != key or record["checksum"] != _checksum(record["payload"]):
                why = "its checksum or key does not match"
            elif meta is not None and canonical_json(record["meta"]) != canonical_json(meta):
                why = "it was computed for other parameters or another seed"
            elif check is not None:
                try:
                    check(record["payload"])
                except (ValueError, KeyError, TypeError, IndexError) as e:
                    why = f"its payload does not have the shape the tables read ({e})"
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as e:
            why = f"unreadable ({type(e).__name__})"
        if why is None:
            return record["payload"]
        if self.read_only:
            warnings.warn(f"corrupt cell {path}: {why}; left in place (read-only)",
                          CorruptCellWarning, stacklevel=2)
            return None
        warnings.warn(f"corrupt cell {path}: {why}; removed, it will be recomputed",
                      CorruptCellWarning, stacklevel=2)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        return None

    def save(self, key: str, meta: dict, payload) -> None:
        if self.read_only:
            raise RuntimeError(f"{self.root} is opened read-only")
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
