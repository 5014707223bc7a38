"""Pooled-spectra performance (pooled-spectra issue), in one process on the same inputs:

1. the theoretical bulk density of MP_δ ⊠ MP_γ on a 1000-point grid plus the predicted outlier
   and alignments, against the Monte-Carlo route (numpy.linalg.eigvalsh of a d = 1000 sample
   covariance of the same model); agreement: KS of the MC spectrum against the theory;
2. the top-k eigenpairs by Lanczos (``spectra.top_eigenpairs``) against dense
   ``numpy.linalg.eigh`` at d = 2000, on the formed covariance and matrix-free from X;
   agreement of eigenvalues and eigenvectors checked. Target ≥ 10×.

    python benchmarks/bench_spectra.py
"""

from __future__ import annotations

import numpy as np
from _timing import best_of  # benchmarks/ is on sys.path when run as a script

from attnlab import probes, spectra, theory


def main() -> int:
    delta, gamma, T = 0.5, 0.25, 8
    ok = True
    # 1. density + outlier prediction vs Monte Carlo at d = 1000
    d = 1000
    rho = theory.rho_profile(T, "linear", start=0.3, end=0.1)
    R = theory.class_correlation_R(rho)
    w = theory.mean_weights(T)
    alpha, kappa = theory.pooled_alpha_kappa(w, R)
    grid = np.linspace(0, 4, 1000)

    def theory_side():
        dens = spectra.product_mp_density(grid, delta, gamma)
        pred = theory.pooled_prediction(2.0, alpha=alpha, kappa=kappa, delta=delta, gamma=gamma)
        return dens, pred

    def mc_side():
        table = probes.make_table(int(d / delta), d, 2.0, seed=0)
        X = probes.pool(table, probes.sample_tokens(table, int(d / gamma), rho, seed=1), w)
        return np.linalg.eigvalsh(probes.pooled_covariance(X))

    t_th, (dens, pred) = best_of(theory_side)
    t_mc, ev = best_of(mc_side, repeats=1)
    ks = spectra.ks_distance(ev[:-1] / kappa, lambda q: spectra.product_mp_cdf(q, delta, gamma))
    print(f"[1] density (1000 points) + outlier prediction: {t_th * 1e3:.1f} ms; Monte Carlo "
          f"d = {d} (pool + eigvalsh): {t_mc:.2f} s; ratio {t_mc / t_th:.0f}×")
    print(f"    agreement: KS(MC bulk, theory) = {ks:.4f}; outlier {ev[-1] / kappa:.3f} vs "
          f"{pred.outlier / kappa:.3f} (κ units)")
    ok &= ks < 0.02 and abs(ev[-1] / pred.outlier - 1) < 0.05
    # 2. top-k eigenpairs at d = 2000
    d, N, k = 2000, 4000, 3
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N, d))
    X[:, :k] *= np.array([3.0, 2.6, 2.3])  # three outliers above the bulk
    C = probes.pooled_covariance(X)
    t_dense, (vals, vecs) = best_of(lambda: np.linalg.eigh(C), repeats=2)
    t_lz, (lv, lV) = best_of(lambda: spectra.top_eigenpairs(C, k))
    t_free, (fv, fV) = best_of(lambda: spectra.top_eigenpairs(spectra.covariance_operator(X), k))
    top, topV = vals[::-1][:k], vecs[:, ::-1][:, :k]
    err_val = max(float(np.max(np.abs(lv - top) / top)), float(np.max(np.abs(fv - top) / top)))
    err_vec = max(float(np.max(1 - np.abs(np.sum(lV * topV, axis=0)))),
                  float(np.max(1 - np.abs(np.sum(fV * topV, axis=0)))))
    print(f"[2] top-{k} at d = {d}: dense eigh {t_dense:.2f} s; Lanczos on C {t_lz * 1e3:.0f} ms "
          f"(ratio {t_dense / t_lz:.1f}×, target ≥ 10×); matrix-free from X {t_free * 1e3:.0f} "
          f"ms (ratio {t_dense / t_free:.1f}×)")
    print(f"    agreement: eigenvalues {err_val:.1e} relative, eigenvectors 1 − |cos| ≤ "
          f"{err_vec:.1e}")
    ok &= err_val < 1e-8 and err_vec < 1e-8
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
