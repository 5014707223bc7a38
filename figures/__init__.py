"""One style and pure plotting functions: data in, Figure out."""

from ._inverse_temperature import plot_bound_scatter as plot_bound_scatter
from ._inverse_temperature import plot_collapse as plot_collapse
from ._inverse_temperature import plot_counting_function as plot_counting_function
from ._inverse_temperature import plot_critical_beta as plot_critical_beta
from ._inverse_temperature import plot_head_scales as plot_head_scales
from ._inverse_temperature import plot_phase as plot_phase
from ._inverse_temperature import plot_scale_vs_n as plot_scale_vs_n
from ._linear_attention_ntk import plot_drift as plot_drift
from ._linear_attention_ntk import plot_function_gap as plot_function_gap
from ._linear_attention_ntk import plot_kappa_chain as plot_kappa_chain
from ._linear_attention_ntk import plot_kernel_errors as plot_kernel_errors
from ._linear_attention_ntk import plot_malleability as plot_malleability
from ._linear_attention_ntk import plot_width_law as plot_width_law
from ._pooled_spectra import plot_alignment as plot_alignment
from ._pooled_spectra import plot_decay as plot_decay
from ._pooled_spectra import plot_esd as plot_esd
from ._pooled_spectra import plot_outlier as plot_outlier
from ._pooled_spectra import plot_phase_diagram as plot_phase_diagram
from ._query_learning import plot_noise as plot_noise
from ._query_learning import plot_phase_transition as plot_phase_transition
from ._query_learning import plot_precision as plot_precision
from ._query_learning import plot_query_counts as plot_query_counts
from ._save import save_figure as save_figure
from ._style import PALETTE as PALETTE
from ._style import STYLE as STYLE
from ._style import style as style
