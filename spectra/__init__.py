"""Random-matrix tooling: Marchenko–Pastur, the product laws MP_δ ⊠ MP_γ and MP_δ ⊠ H,
spiked models, distances between an ESD and a law, top eigenpairs by Lanczos, the Silverstein
equation."""

from ._compound import compound_mp_atom as compound_mp_atom
from ._compound import compound_mp_cdf as compound_mp_cdf
from ._compound import compound_mp_moments as compound_mp_moments
from ._compound import compound_mp_stieltjes as compound_mp_stieltjes
from ._mp import mp_atom as mp_atom
from ._mp import mp_cauchy as mp_cauchy
from ._mp import mp_cauchy_derivative as mp_cauchy_derivative
from ._mp import mp_cdf as mp_cdf
from ._mp import mp_density as mp_density
from ._mp import mp_edges as mp_edges
from ._mp import mp_moment as mp_moment
from ._product import product_mp_atom as product_mp_atom
from ._product import product_mp_cdf as product_mp_cdf
from ._product import product_mp_density as product_mp_density
from ._product import product_mp_edges as product_mp_edges
from ._product import product_mp_moments as product_mp_moments
from ._product import product_mp_u as product_mp_u
from ._spike import population_spike as population_spike
from ._spike import sample_spike as sample_spike
from ._spike import spike_map as spike_map
from ._spike import spike_map_derivative as spike_map_derivative
from ._tools import covariance_operator as covariance_operator
from ._tools import empirical_moments as empirical_moments
from ._tools import ks_distance as ks_distance
from ._tools import silverstein_density as silverstein_density
from ._tools import top_eigenpairs as top_eigenpairs
from ._tools import wasserstein1 as wasserstein1
