"""Measurements on finite models: attention rows, their softmax statistics, real logits."""

from ._beta_grid import SoftmaxStatistics as SoftmaxStatistics
from ._beta_grid import softmax_statistics as softmax_statistics
from ._beta_grid import softmax_statistics_direct as softmax_statistics_direct
from ._gpt import RandomGPT as RandomGPT
from ._query_learners import HeadEstimate as HeadEstimate
from ._query_learners import learn_exact as learn_exact
from ._query_learners import learn_exact_loop as learn_exact_loop
from ._query_oracle import AttentionOracle as AttentionOracle
from ._query_oracle import MultiHeadOracle as MultiHeadOracle
from ._query_oracle import QueryLog as QueryLog
from ._rows import RowSummary as RowSummary
from ._rows import row_scales as row_scales
from ._rows import summarize_row as summarize_row
from ._samplers import SemiAnalyticRow as SemiAnalyticRow
from ._samplers import exact_rows as exact_rows
from ._samplers import exact_scores as exact_scores
from ._samplers import semi_analytic_row as semi_analytic_row
from ._text import stdlib_text as stdlib_text
from ._text import text_windows as text_windows
