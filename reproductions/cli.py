"""The ``attnlab`` command: list, run, judge, report. Bad input: one line on stderr, exit code 2."""

from __future__ import annotations

import argparse
import sys

from ._paper import SCALES
from ._sweep import ENGINES

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one readable line instead of usage + message
        sys.stderr.write(f"attnlab: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="attnlab", description="Theory verification for papers on attention.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="papers, their claims and scales")
    run = sub.add_parser("run", help="run one paper's reproduction")
    run.add_argument("slug")
    run.add_argument("--scale", default="quick", choices=SCALES)
    run.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    run.add_argument("--engine", default="serial", choices=ENGINES)
    run.add_argument("--workers", type=int, default=None, help="dask: local worker processes")
    run.add_argument("--scheduler", default=None, help="dask: address of a running scheduler")
    run.add_argument("--out", default="results", help="results folder (default: results)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    jud = sub.add_parser("judge", help="rebuild tables, verdicts and figures from stored "
                         "cells only (no computation), e.g. a GPU run's cells on a laptop")
    jud.add_argument("slug")
    jud.add_argument("--scale", default="quick", choices=SCALES)
    jud.add_argument("--device", default="cpu", choices=("cpu", "cuda"),
                     help="the device the cells were computed on")
    jud.add_argument("--out", default="results", help="results folder (default: results)")
    jud.add_argument("--seed", type=int, default=0)
    rep = sub.add_parser("report", help="write <out>/REPORT.md over every run so far")
    rep.add_argument("--out", default="results")
    return p


def _list() -> None:
    from ._registry import PLANNED, get_paper, paper_slugs

    for slug in paper_slugs():
        paper = get_paper(slug)
        print(f"{slug}  —  {paper.authors}, {paper.title} (arXiv {paper.arxiv})")
        print(f"  scales: {', '.join(SCALES)}")
        for c in paper.claims:
            print(f"  {c.id:4s} {c.statement}")
    print("planned (not implemented yet):")
    for slug, who in PLANNED.items():
        print(f"  {slug}  —  {who}")


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    from ._run import UsageError

    try:
        if args.command == "list":
            _list()
        elif args.command == "report":
            from ._report import write_report

            print(write_report(args.out))
        else:
            from ._run import judge_stored, run_paper

            if args.command == "judge":
                result = judge_stored(args.slug, scale=args.scale, device=args.device,
                                      out=args.out, seed=args.seed)
            else:
                result = run_paper(args.slug, scale=args.scale, device=args.device,
                                   engine=args.engine, workers=args.workers,
                                   scheduler=args.scheduler, out=args.out, seed=args.seed,
                                   progress=not args.no_progress)
            s = result.stats
            print(f"{args.slug} [{args.scale}]: {s.computed} cells computed, {s.reused} reused "
                  f"(sweep {s.seconds:.1f} s, whole run {result.manifest['wall_seconds']:.1f} s)")
            for c in result.claims:
                print(f"  {c.id:4s} {c.verdict:15s} {c.measurement}")
            print(f"wrote {result.path}/VERDICT.md")
    except UsageError as e:
        sys.stderr.write(f"attnlab: error: {e}\n")
        return EXIT_USAGE
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
