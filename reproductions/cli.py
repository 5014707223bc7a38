"""The ``attnlab`` command: list, run, judge, report. Bad input: one line on stderr, exit code 2."""

from __future__ import annotations

import argparse
import re
import sys

from ._paper import SCALES
from ._sweep import ENGINES

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one readable line instead of usage + message
        sys.stderr.write(f"attnlab: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="attnlab", description="Theory verification for papers on attention.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    lst = sub.add_parser("list", help="papers, their claims and scales")
    form = lst.add_mutually_exclusive_group()
    form.add_argument("--slugs", action="store_true", help="only the slugs, one a line")
    form.add_argument("--markdown", action="store_true",
                      help="the paper table as Markdown (the README's table is this)")
    run = sub.add_parser("run", help="run one paper's reproduction")
    run.add_argument("slug")
    run.add_argument("--scale", default="quick", choices=SCALES)
    run.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    run.add_argument("--engine", default="serial", choices=ENGINES)
    run.add_argument("--workers", type=int, default=None, help="dask: local worker processes")
    run.add_argument("--scheduler", default=None, help="dask: address of a running scheduler")
    run.add_argument("--out", default="results", help="results folder (default: results)")
    run.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    run.add_argument("--seeds", type=int, default=1, metavar="K",
                     help="judge every claim on K seeds (--seed, --seed + 1, …) and report "
                          "their agreement; a verdict that changes with the seed is reported "
                          "inconclusive (default 1)")
    run.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    jud = sub.add_parser("judge", help="rebuild tables, verdicts and figures from stored "
                         "cells only (no computation), e.g. a GPU run's cells on a laptop")
    jud.add_argument("slug")
    jud.add_argument("--scale", default="quick", choices=SCALES)
    jud.add_argument("--device", default="cpu", choices=("cpu", "cuda"),
                     help="the device the cells were computed on")
    jud.add_argument("--out", default="results", help="results folder (default: results)")
    jud.add_argument("--seed", type=int, default=0)
    jud.add_argument("--seeds", type=int, default=1, metavar="K",
                     help="the number of seeds the run was judged on (default 1)")
    rep = sub.add_parser("report", help="write <out>/REPORT.md over every run so far")
    rep.add_argument("--out", default="results")
    return p


def _natural(claim_id: str) -> list:
    """Sort key reading digit runs as numbers: T2 < T10, T-A1 < T-A1f < T-A2."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.findall(r"\d+|\D+", claim_id)]


def paper_table(slugs=None) -> str:
    """The Markdown paper table of ``slugs`` (default: every paper). README.md carries the
    built-in papers' table exactly; a test checks it."""
    from ._registry import get_paper, paper_slugs

    rows = ["| slug | paper | claims |", "|---|---|---|"]
    for slug in paper_slugs() if slugs is None else slugs:
        p = get_paper(slug)
        ids = sorted((c.id for c in p.claims), key=_natural)  # declared order may differ
        span = f"{ids[0]}–{ids[-1]} ({len(ids)})" if len(ids) > 1 else ", ".join(ids)
        rows.append(f"| `{slug}` | {p.authors} — {p.title} (arXiv {p.arxiv}) | {span} |")
    return "\n".join(rows)


def _list(args) -> None:
    from ._registry import get_paper, paper_slugs, plugin_problems

    for problem in plugin_problems():  # on stderr: `--slugs` output stays machine-readable
        sys.stderr.write(f"attnlab: warning: {problem}\n")
    if args.slugs:
        print("\n".join(paper_slugs()))
        return
    if args.markdown:
        print(paper_table())
        return
    for slug in paper_slugs():
        paper = get_paper(slug)
        print(f"{slug}  —  {paper.authors}, {paper.title} (arXiv {paper.arxiv})")
        print(f"  scales: {', '.join(paper.scales)}")
        for c in paper.claims:
            print(f"  {c.id:4s} {c.statement}")


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    from ._run import UsageError

    try:
        if args.command == "list":
            _list(args)
        elif args.command == "report":
            from ._report import write_report

            print(write_report(args.out))
        else:
            from ._run import judge_stored, run_paper

            if args.command == "judge":
                result = judge_stored(args.slug, scale=args.scale, device=args.device,
                                      out=args.out, seed=args.seed, seeds=args.seeds)
            else:
                result = run_paper(args.slug, scale=args.scale, device=args.device,
                                   engine=args.engine, workers=args.workers,
                                   scheduler=args.scheduler, out=args.out, seed=args.seed,
                                   seeds=args.seeds, progress=not args.no_progress)
            s = result.stats
            print(f"{args.slug} [{args.scale}]: {s.computed} cells computed, {s.reused} reused "
                  f"(sweep {s.seconds:.1f} s, whole run {result.manifest['wall_seconds']:.1f} s)")
            for c in result.claims:
                agree = ""
                if c.stability and c.stability["seeds"] > 1:
                    agree = f"[{c.stability['agree']}/{c.stability['seeds']} seeds] "
                print(f"  {c.id:4s} {c.verdict:15s} {agree}{c.measurement}")
            print(f"wrote {result.path}/VERDICT.md")
    except UsageError as e:
        sys.stderr.write(f"attnlab: error: {e}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("attnlab: interrupted; every finished cell is stored — run the same "
                         "command again to resume\n")
        return EXIT_INTERRUPTED
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
