"""What a paper's subpackage provides to the shared machinery (sweep, outputs, report)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._claims import Claim, ClaimSpec, enough_at_scale
from ._sweep import CellFunction

__all__ = ["Paper", "SCALES"]

# smoke: seconds, for tests; quick: minutes on 2 CPU cores; medium (where a paper offers it):
# what its criteria need, still on 2 CPU cores (≤ 15 min); full: paper scale, meant for a GPU
SCALES = ("smoke", "quick", "medium", "full")
DEFAULT_SCALES = ("smoke", "quick", "full")


@dataclass(frozen=True)
class Paper:
    """Everything the shared machinery needs from one paper. A paper's subpackage defines
    ``PAPER = Paper(...)`` in its ``__init__``; that is all registration there is (discovery:
    ``_registry``). ``claims`` is the paper's :class:`ClaimList`, each claim with its judge."""

    slug: str
    title: str
    authors: str
    arxiv: str
    claims: Sequence[ClaimSpec]
    make_config: Callable  # (scale, device, seed) -> frozen config dataclass
    cells: Callable  # config -> list[Cell]
    cell_function: CellFunction
    tables: Callable  # (config, cells, payloads) -> dict[str, DataFrame]
    figures: Callable  # (config, tables) -> dict[str, Figure]
    cuda_capable: bool = True
    scales: tuple = DEFAULT_SCALES  # the scales make_config accepts, a subset of SCALES

    def __post_init__(self):
        if not set(self.scales) <= set(SCALES) or "quick" not in self.scales:
            raise ValueError(f"paper {self.slug}: scales {self.scales} must include 'quick' "
                             f"and come from {SCALES}")
        ids = [c.id for c in self.claims]
        if len(set(ids)) != len(ids):
            raise ValueError(f"paper {self.slug}: claim ids repeat: {ids}")
        unjudged = [c.id for c in self.claims if c.judge is None]
        if unjudged:
            raise ValueError(f"paper {self.slug}: claims without a judge: {unjudged}")

    def judge(self, config, tables) -> list[Claim]:
        """Every claim's verdict, in the order the claims are declared, under the shared
        enough-data rule (:func:`enough_at_scale`: smoke scale decides exact claims only)."""
        scale = getattr(config, "scale", None)
        return [enough_at_scale(claim, claim(config, tables), scale) for claim in self.claims]
