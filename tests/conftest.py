import os

import pytest
from hypothesis import settings

# Fixed seeds everywhere, property tests included: CI explores the same examples every run.
# HYPOTHESIS_PROFILE=explore draws new ones (and more of them) when hunting for bugs.
settings.register_profile("fixed", derandomize=True, max_examples=400)
settings.register_profile("explore", max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))

# Tests see the same thread budget as a 2-core CI machine, whatever runs them.
os.environ.setdefault("OMP_NUM_THREADS", "2")


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """One serial smoke-scale reproduction shared by the tests that read its outputs."""
    from attnlab.reproductions import run_paper

    out = tmp_path_factory.mktemp("results")
    result = run_paper("inverse-temperature", scale="smoke", device="cpu", out=out,
                       progress=False)
    return out, result
