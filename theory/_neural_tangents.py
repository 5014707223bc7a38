"""neural-tangents 0.6.5 without TensorFlow: the field's reference for infinite-width kernels,
used as an independent oracle for our closed forms.

Its wheel hard-requires TensorFlow (~2 GB) only for ``neural_tangents.experimental`` (a TF
bridge we never use), so ``make install`` installs it with ``--no-deps`` (README.md,
"Dependencies") and we register an empty module under that name before importing; the kernels
it then computes are the ones tests/test_neural_tangents.py and tests/test_linear_attention.py
check. jax must stay < 0.6: 0.6.5 imports JAX internals removed there.
"""

from __future__ import annotations

import sys
import types
import warnings

__all__ = ["import_neural_tangents"]


def import_neural_tangents():
    """``neural_tangents`` with its TensorFlow-only submodule stubbed out."""
    sys.modules.setdefault("neural_tangents.experimental",
                           types.ModuleType("neural_tangents.experimental"))
    with warnings.catch_warnings():
        # 0.6.5 touches jax.core names that jax 0.5 deprecates (still present there)
        warnings.simplefilter("ignore", DeprecationWarning)
        import neural_tangents

    return neural_tangents
