"""Real text without downloads: the source of Python's own standard library, as bytes."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

__all__ = ["stdlib_text", "text_windows"]


@functools.lru_cache(maxsize=1)
def stdlib_text(max_bytes: int = 4_000_000) -> bytes:
    """Concatenated ``*.py`` files of the standard library (sorted paths, deterministic)."""
    root = Path(os.__file__).parent
    chunks, size = [], 0
    for path in sorted(root.glob("*.py")):
        data = path.read_bytes()
        chunks.append(data)
        size += len(data)
        if size >= max_bytes:
            break
    return b"\n".join(chunks)[:max_bytes]


def text_windows(n: int, rows: int, *, seed: int) -> np.ndarray:
    """``[rows, n]`` byte tokens from random offsets of :func:`stdlib_text`."""
    data = np.frombuffer(stdlib_text(), dtype=np.uint8)
    if n > data.size:
        raise ValueError(f"window of {n} bytes is longer than the text ({data.size} bytes)")
    starts = np.random.default_rng(seed).integers(0, data.size - n, size=rows)
    return np.stack([data[s : s + n] for s in starts]).astype(np.int64)
