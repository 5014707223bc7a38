"""The installed oracle works without TensorFlow (later papers compare kernels against it)."""

import numpy as np

from attnlab import theory


def test_neural_tangents_imports_and_computes_a_kernel():
    nt = theory.import_neural_tangents()
    assert nt.__version__ == "0.6.5"
    _, _, kernel_fn = nt.stax.serial(nt.stax.Dense(1, W_std=1.0, b_std=0.0))
    x = np.array([[1.0, 0.0], [0.6, 0.8]])
    # a linear layer's NNGP kernel is W_std² x xᵀ / d_in
    np.testing.assert_allclose(np.asarray(kernel_fn(x, x, "nngp")), x @ x.T / 2, rtol=1e-6)
