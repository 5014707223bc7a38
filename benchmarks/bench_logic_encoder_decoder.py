"""Logic-encoder-decoder performance (arXiv 2605.07705 reproduction), in one process on the
same compiled transformer and the same word pairs:

the vectorised exact float emulator (``probes._compiler_model.evaluate``: numpy over pairs,
positions and terms) against a straightforward per-element Python implementation of the same
semantics (``probes._compiler_scalar.evaluate_scalar``: loops, ``round_scalar`` per
operation). Outputs are checked bitwise equal; words per second and the ratio are printed.
Target ≥ 50×.

    python benchmarks/bench_logic_encoder_decoder.py
"""

from __future__ import annotations

import numpy as np
from _timing import best_of  # benchmarks/ is on sys.path when run as a script

from attnlab.probes._compiler_certify import compile_formula
from attnlab.probes._compiler_model import evaluate
from attnlab.probes._compiler_scalar import evaluate_scalar
from attnlab.theory._logic import parse_formula
from attnlab.theory._logic_semantics import decoder_values

FORMULA = "P (p_b & G>=3 (q_a & !G>=2 q_c)) | (G>=5 q_b & !P p_a)"


def main() -> int:
    model = compile_formula(FORMULA, "float32")
    rng = np.random.default_rng(0)
    pairs = 250
    us = ["".join(rng.choice(list("abc"), int(rng.integers(1, 65)))) for _ in range(pairs)]
    ws = ["".join(rng.choice(list("ab"), int(rng.integers(1, 17)))) for _ in range(pairs)]
    t_vec, vec = best_of(lambda: evaluate(model, us, ws), repeats=3)
    t_ref, ref = best_of(lambda: evaluate_scalar(model, us, ws), repeats=1)
    same = all(np.array_equal(vec[i, :len(w)].view(np.int64),
                              np.asarray(ref[i], np.float64).view(np.int64))
               for i, w in enumerate(ws))
    phi = parse_formula(FORMULA)
    truth = all(np.array_equal(vec[i, :len(w)], decoder_values(phi, u, w, "abc").astype(float))
                for i, (u, w) in enumerate(zip(us, ws, strict=False)))
    print(f"formula: {FORMULA}")
    print(f"transformer: d_enc {model.d_enc}, d_dec {model.d_dec}, {len(model.encoder)} + "
          f"{len(model.decoder)} sublayers, float32, sorted sums")
    print(f"{pairs} word pairs (encoder 1–64, decoder 1–16)")
    print(f"  vectorised emulator : {t_vec:8.3f} s  ({pairs / t_vec:9.1f} pairs/s)")
    print(f"  per-element Python  : {t_ref:8.3f} s  ({pairs / t_ref:9.1f} pairs/s)")
    print(f"  bitwise equal: {same}; agrees with the logic: {truth}")
    print(f"  ratio: {t_ref / t_vec:.1f}x (target >= 50x)")
    return 0 if same and truth else 1


if __name__ == "__main__":
    raise SystemExit(main())
