"""numpy or torch, chosen from the inputs — without importing torch.

theory/ is pure numpy at import time; a few closed forms (unit rows, stable angles, K∞) also
serve the torch probes, on the GPU and under autograd. They look their namespace up here.
"""

from __future__ import annotations

import sys

import numpy as np

__all__ = ["array_namespace"]


def array_namespace(*arrays):
    """``torch`` if any of ``arrays`` is a ``torch.Tensor``, else ``numpy`` (``None`` entries
    are skipped). torch is looked up in ``sys.modules``, never imported: no input can be a
    tensor unless the caller has loaded torch already."""
    torch = sys.modules.get("torch")
    if torch is not None and any(isinstance(a, torch.Tensor) for a in arrays):
        return torch
    return np
