"""What a paper's subpackage provides to the shared machinery (sweep, outputs, report)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._claims import ClaimSpec
from ._sweep import CellFunction

__all__ = ["Paper", "SCALES"]

# smoke: seconds, for tests; quick: ~1 min on 2 CPU cores; full: paper scale, meant for a GPU
SCALES = ("smoke", "quick", "full")


@dataclass(frozen=True)
class Paper:
    slug: str
    title: str
    authors: str
    arxiv: str
    claims: Sequence[ClaimSpec]
    make_config: Callable  # (scale, device, seed) -> frozen config dataclass
    cells: Callable  # config -> list[Cell]
    cell_function: CellFunction
    tables: Callable  # (config, cells, payloads) -> dict[str, DataFrame]
    judge: Callable  # (config, tables) -> list[Claim]
    figures: Callable  # (config, tables) -> dict[str, Figure]
    cuda_capable: bool = True
