"""Closed forms: pure functions of numpy arrays (no torch import, no I/O)."""

from ._bounds import entropy_bound as entropy_bound
from ._bounds import max_weight_bound as max_weight_bound
from ._bounds import partition_bound as partition_bound
from ._bounds import top_two_gap_bound as top_two_gap_bound
from ._families import FAMILIES as FAMILIES
from ._families import LAWS as LAWS
from ._families import ScoreFamily as ScoreFamily
from ._families import get_family as get_family
from ._families import law_scale as law_scale
from ._families import predicted_scale as predicted_scale
from ._families import sharp_entropy_crossing as sharp_entropy_crossing
from ._families import sharp_entropy_fraction as sharp_entropy_fraction
from ._gaps import accumulation_scale as accumulation_scale
from ._gaps import gap_counting_function as gap_counting_function
from ._gaps import gaps_from_scores as gaps_from_scores
from ._neural_tangents import import_neural_tangents as import_neural_tangents
from ._query import SIGMOID_SLOPE_HALF as SIGMOID_SLOPE_HALF
from ._query import breakdown_logit as breakdown_logit
from ._query import canonical_multi_head_count as canonical_multi_head_count
from ._query import equivalent_multi_head_pairs as equivalent_multi_head_pairs
from ._query import exact_query_count as exact_query_count
from ._query import low_rank_dof as low_rank_dof
from ._query import noisy_entry_bound as noisy_entry_bound
from ._query import unit_probe_error as unit_probe_error
