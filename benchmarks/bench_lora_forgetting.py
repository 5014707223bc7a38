"""Batched ensemble integration of the sphere self-attention particle system (the
lora-forgetting paper, arXiv 2402.15415) against scipy's DOP853 run member by member.

One process, same inputs: 64 members (n = 64 tokens, d = 8, T = 20, β = 1, each member its
own V = I + 0.3 G), a reference from the batched DOP853 at rtol 1e-13. For each scipy
tolerance we measure scipy's worst final error over the members, then the loosest batched
tolerance (on a quarter-decade grid) whose worst error is no larger (matched error), and time
both. The peer's
right-hand side is plain numpy (its fastest form); we also time scipy calling our torch
field. Both sides are timed best of 3, one thread each (torch and, via threadpoolctl,
numpy's BLAS). Ours runs on --device (cpu or cuda); scipy always on the CPU. "evals/member" is the
right-hand-side evaluations per member (scipy's nfev averaged; ours summed over the batch's
rows): each of our members keeps its own step, so the two sides do about the same steps and
the ratio is the cost of one member's evaluation, batched against one numpy call.

    python benchmarks/bench_lora_forgetting.py [--device cuda] [--members 64]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from scipy.integrate import solve_ivp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_of  # noqa: E402

from attnlab import probes  # noqa: E402


def numpy_rhs(n, d, V):
    def f(t, y):
        X = y.reshape(n, d)
        logits = X @ X.T
        w = np.exp(logits - logits.max(1, keepdims=True))
        w /= w.sum(1, keepdims=True)
        out = w @ (X @ V.T)
        return (out - (out * X).sum(1, keepdims=True) * X).ravel()
    return f


def torch_rhs(n, d, V):
    system = probes.ParticleSystem(torch.as_tensor(V)[None], torch.eye(d, dtype=torch.float64))

    def f(t, y):
        return system.field(torch.as_tensor(y).reshape(1, n, d))[0].reshape(-1).numpy()
    return f


def scipy_members(X0, Vs, T, rtol, rhs, nfev=None):
    B, n, d = X0.shape
    out = np.empty_like(X0)
    for b in range(B):
        sol = solve_ivp(rhs(n, d, Vs[b]), (0.0, T), X0[b].ravel(), method="DOP853",
                        rtol=rtol, atol=rtol / 100)
        out[b] = sol.y[:, -1].reshape(n, d)
        if nfev is not None:
            nfev.append(sol.nfev)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    ap.add_argument("--members", type=int, default=64)
    ap.add_argument("--tolerances", default="1e-6,1e-8,1e-10")
    args = ap.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        print("--device cuda: CUDA is not available here", file=sys.stderr)
        return 2
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)  # one core for both sides: the comparison is per core
    threadpool_limits(1)  # numpy's BLAS too (scipy's side)
    B, n, d, T = args.members, 64, 8, 20.0
    rng = np.random.default_rng(0)
    Vs = np.stack([np.eye(d) + 0.3 * rng.standard_normal((d, d)) for _ in range(B)])
    X0 = probes.uniform_sphere(B, n, d, seed=1).numpy()
    dev = torch.device(args.device)
    system = probes.ParticleSystem(torch.as_tensor(Vs, device=dev),
                                   torch.eye(d, dtype=torch.float64, device=dev))
    X0_t = torch.as_tensor(X0, device=dev)

    def ours(rtol):
        X, info = probes.dop853_batched(system.field, X0_t, T, rtol=rtol, atol=rtol / 100)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        return X.cpu().numpy(), info

    ref, _ = ours(1e-13)
    # the reference is ours: check it against scipy's own at the same tolerance (4 members)
    ref_peer = scipy_members(X0[:4], Vs[:4], T, 1e-13, numpy_rhs)
    print(f"ensemble: {B} members, n = {n}, d = {d}, T = {T:g}; ours on {args.device}, "
          f"scipy DOP853 member by member on the CPU (1 thread); reference (ours at rtol "
          f"1e-13) against scipy's at 1e-13: {np.abs(ref[:4] - ref_peer).max():.1e}")
    print(f"{'scipy rtol':>10} {'scipy err':>10} {'scipy s':>8} {'evals/member':>12} "
          f"{'ours rtol':>10} {'ours err':>10} {'ours s':>8} {'evals/member':>12} "
          f"{'ratio':>7}")
    ratios = []
    for tol in (float(x) for x in args.tolerances.split(",")):
        nfev = []
        scipy_members(X0, Vs, T, tol, numpy_rhs, nfev)
        t_peer, peer = best_of(lambda tol=tol: scipy_members(X0, Vs, T, tol, numpy_rhs), 3)
        err_peer = float(np.abs(peer - ref).max())
        for ours_tol in (tol * 10 ** (k / 4) for k in range(8, -9, -1)):  # quarter decades
            X, info = ours(ours_tol)
            err = float(np.abs(X - ref).max())
            if err <= err_peer:
                break
        else:
            print(f"{tol:>10.0e}: no tolerance on the grid matched scipy's error "
                  f"{err_peer:.2e} (ours {err:.2e} at {ours_tol:.1e}): no ratio")
            continue
        t_ours, _ = best_of(lambda t=ours_tol: ours(t), 3)
        ratios.append(t_peer / t_ours)
        print(f"{tol:>10.0e} {err_peer:>10.2e} {t_peer:>8.2f} {np.mean(nfev):>12.0f} "
              f"{ours_tol:>10.1e} {err:>10.2e} {t_ours:>8.3f} "
              f"{info['member_evaluations'] / B:>12.0f} {t_peer / t_ours:>6.1f}×")
    t_torch, _ = best_of(lambda: scipy_members(X0[:8], Vs[:8], T, 1e-8, torch_rhs), 1)
    print(f"scipy calling our torch field instead (rtol 1e-8): {t_torch * B / 8:.2f} s for "
          f"{B} members (extrapolated from 8)")
    if ratios:
        print(f"speed-up at matched error: {min(ratios):.1f}× – {max(ratios):.1f}× "
              f"(target ≥ 10×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
