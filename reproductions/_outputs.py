"""Writing one run's outputs: figures, tables, verdict, manifest — all or nothing.

Everything is first written into a staging folder beside the destination and then swapped
into ``<out>/<slug>/<scale>/`` by renames, so an interrupted run never leaves a half-written
result folder and a failed run never touches the previous one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

from figures import save_figure

from ._claims import Claim
from ._store import canonical_json

__all__ = ["config_hash", "manifest", "write_outputs", "verdict_markdown", "markdown_table"]

_PACKAGES = ("attnlab", "numpy", "scipy", "pandas", "matplotlib", "torch", "jax", "dask",
             "distributed", "neural-tangents")


def markdown_table(frame) -> str:
    """A GitHub-flavoured Markdown table; floats with 4 significant digits."""

    def cell(v):
        if isinstance(v, float):
            return f"{v:.4g}"
        return str(v).replace("|", "\\|")

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([head, rule, *rows]) + "\n"


def config_hash(config) -> str:
    return hashlib.sha256(canonical_json(dataclasses.asdict(config)).encode()).hexdigest()[:16]


def _git_sha() -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (sha or "unknown") + ("-dirty" if dirty.strip() else "")


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def manifest(*, paper, config, device: str, device_name: str, engine: str, stats,
             wall_seconds: float, command: list[str]) -> dict:
    return {
        "slug": paper.slug,
        "paper": f"{paper.authors}, {paper.title} (arXiv {paper.arxiv})",
        "scale": config.scale,
        "config": dataclasses.asdict(config),
        "config_hash": config_hash(config),
        "git_sha": _git_sha(),
        "packages": _versions(),
        "device": device,
        "device_name": device_name,
        "engine": engine,
        "cells": {"total": stats.total, "computed": stats.computed, "reused": stats.reused},
        "sweep_seconds": round(stats.seconds, 3),
        "wall_seconds": round(wall_seconds, 3),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "command": command,
    }


def verdict_markdown(paper, config, claims: list[Claim], figure_names, table_names,
                     man: dict) -> str:
    counts = {v: sum(c.verdict == v for c in claims)
              for v in ("reproduced", "not reproduced", "inconclusive")}
    lines = [
        f"# {paper.title}",
        "",
        f"{paper.authors} — arXiv {paper.arxiv}. Scale `{config.scale}`, device "
        f"`{man['device']}` ({man['device_name']}), engine `{man['engine']}`, "
        f"config `{man['config_hash']}`, git `{man['git_sha']}`.",
        "",
        f"**{counts['reproduced']} reproduced · {counts['not reproduced']} not reproduced · "
        f"{counts['inconclusive']} inconclusive** (of {len(claims)} claims)",
        "",
        "| id | verdict | prediction | measurement |",
        "|---|---|---|---|",
    ]
    for c in claims:
        lines.append(f"| {c.id} | **{c.verdict}** | {c.prediction} | {c.measurement} |")
    lines.append("")
    for c in claims:
        lines += [f"## {c.id} — {c.verdict}", "", c.statement, "",
                  f"- where: {c.source}", f"- criterion: {c.criterion}",
                  f"- predicted: {c.prediction}", f"- measured: {c.measurement}"]
        if c.note:
            lines.append(f"- note: {c.note}")
        lines.append("")
    lines += ["## Figures", ""]
    lines += [f"![{name}](figures/{name}.png)" for name in figure_names]
    lines += ["", "## Tables", ""]
    lines += [f"- [{name}](tables/{name}.md) ([csv](tables/{name}.csv))" for name in table_names]
    return "\n".join(lines) + "\n"


def write_outputs(dest: Path, *, paper, config, tables: dict, claims: list[Claim],
                  figures: dict, man: dict) -> Path:
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = dest.parent / f".{dest.name}.staging-{os.getpid()}"
    old = dest.parent / f".{dest.name}.old-{os.getpid()}"
    for leftover in (staging, old):  # from a run of the same pid killed mid-swap
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        (staging / "tables").mkdir(parents=True)
        (staging / "figures").mkdir()
        for name, frame in tables.items():
            frame.to_csv(staging / "tables" / f"{name}.csv", index=False, float_format="%.10g")
            (staging / "tables" / f"{name}.md").write_text(markdown_table(frame))
        provenance = {k: man[k] for k in ("slug", "scale", "config_hash", "git_sha", "device")}
        for name, fig in figures.items():
            save_figure(fig, staging / "figures" / name, provenance=provenance)
        (staging / "verdict.json").write_text(json.dumps(
            {"slug": paper.slug, "scale": config.scale, "title": paper.title,
             "arxiv": paper.arxiv, "claims": [c.to_dict() for c in claims]}, indent=2) + "\n")
        (staging / "manifest.json").write_text(json.dumps(man, indent=2) + "\n")
        (staging / "VERDICT.md").write_text(verdict_markdown(
            paper, config, claims, list(figures), list(tables), man))
        if dest.exists():
            os.replace(dest, old)
        os.replace(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return dest
