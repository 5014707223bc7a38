"""Run chosen cells of a paper's full-scale grid on a device, one at a time, and print one JSON
line per cell: its parameters, wall time, peak device memory and a short result. For sizing
`--scale full --device cuda` and checking its largest cells fit, without the whole sweep.

    python benchmarks/gpu_cells.py query-learning --where kind=gpu
    python benchmarks/gpu_cells.py inverse-temperature --where kind=exact --min-n 100000000
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from attnlab.reproductions._registry import get_paper


def _short(payload) -> str:
    text = json.dumps(payload)
    return text if len(text) <= 600 else text[:600] + "…"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("slug")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--where", action="append", default=[], help="param=value (strings)")
    ap.add_argument("--min-n", type=float, default=0)
    ap.add_argument("--limit", type=int, default=100)
    args = ap.parse_args()
    paper = get_paper(args.slug)
    config = paper.make_config("full", device=args.device)
    want = dict(w.split("=", 1) for w in args.where)
    cells = [c for c in paper.cells(config)
             if all(str(c.params.get(k)) == v for k, v in want.items())
             and c.params.get("n", 0) >= args.min_n][: args.limit]
    print(json.dumps({"device": torch.cuda.get_device_name(0) if args.device == "cuda"
                      else args.device, "cells": len(cells)}), flush=True)
    for cell in cells:
        if args.device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        out = paper.cell_function.fn(cell.params, cell.seed)
        if args.device == "cuda":
            torch.cuda.synchronize()
        row = {"params": {k: v for k, v in cell.params.items() if k != "x"},
               "seconds": round(time.perf_counter() - t0, 2)}
        if args.device == "cuda":
            row["peak_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
        row["result"] = _short(out if args.slug == "query-learning" else
                               {k: out[k] for k in ("scale", "rows") if k in out})
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
