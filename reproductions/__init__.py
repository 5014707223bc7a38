"""Machinery every paper shares (claims, sweeps, store, outputs, CLI) and one subpackage per
paper. ``run_paper`` is what ``attnlab run`` calls."""

from ._claims import INCONCLUSIVE as INCONCLUSIVE
from ._claims import NOT_REPRODUCED as NOT_REPRODUCED
from ._claims import REPRODUCED as REPRODUCED
from ._claims import Claim as Claim
from ._claims import ClaimList as ClaimList
from ._claims import ClaimSpec as ClaimSpec
from ._claims import Power as Power
from ._claims import decide as decide
from ._claims import surrogate_power as surrogate_power
from ._claims import verdict_from as verdict_from
from ._paper import SCALES as SCALES
from ._paper import Paper as Paper
from ._registry import get_paper as get_paper
from ._registry import paper_slugs as paper_slugs
from ._registry import papers as papers
from ._report import write_report as write_report
from ._run import UsageError as UsageError
from ._run import load_tables as load_tables
from ._run import run_paper as run_paper
from ._store import CellStore as CellStore
from ._store import cell_key as cell_key
from ._sweep import Cell as Cell
from ._sweep import CellFunction as CellFunction
from ._sweep import cell_seed as cell_seed
from ._sweep import run_sweep as run_sweep
