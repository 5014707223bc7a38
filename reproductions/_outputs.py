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
import uuid
from importlib import metadata
from pathlib import Path

from attnlab.figures import save_figure

from ._claims import Claim
from ._store import canonical_json, fsync_folder

__all__ = ["config_hash", "manifest", "write_outputs", "verdict_markdown", "markdown_table",
           "seed_agreement"]

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
    if not (root / "setup.py").is_file() or not (root / ".git").exists():
        return "unknown (not a git checkout of attnlab)"  # e.g. installed from a wheel
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


def seed_agreement(stability: dict | None, *, long: bool = False) -> str:
    """A claim's ``stability`` as '3/3' (with ``long``: and which verdict each seed gave)."""
    s = stability
    if not s:
        return "–"
    short = f"{s['agree']}/{s['seeds']}"
    if not long:
        return short
    return f"{short} agree (" + ", ".join(f"seed {k}: {v}" for k, v in s["verdicts"].items()) + ")"


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
        f"Seeds: {', '.join(map(str, man.get('seeds', [config.seed])))} — a claim's verdict "
        "stands only if every seed gives it; otherwise it is reported inconclusive.",
        "",
        "Source: `paper` — the paper's own text (its abstract included); `secondary` — a "
        "summary of the paper by others; `reconstruction` — our assumption where neither "
        "says enough.",
        "",
        "| id | verdict | seeds agreeing | source | prediction | measurement |",
        "|---|---|---|---|---|---|",
    ]
    for c in claims:
        lines.append(f"| {c.id} | **{c.verdict}** | {seed_agreement(c.stability)} | "
                     f"{c.source_kind} | {c.prediction} | {c.measurement} |")
    lines.append("")
    for c in claims:
        lines += [f"## {c.id} — {c.verdict}", "", c.statement, "",
                  f"- where: {c.source} ({c.source_kind})", f"- criterion: {c.criterion}",
                  f"- predicted: {c.prediction}", f"- measured: {c.measurement}",
                  f"- seeds: {seed_agreement(c.stability, long=True)}"]
        if c.power:
            lines.append(f"- ideal surrogate at this scale passes the criterion in "
                         f"{c.power['passes']}/{c.power['draws']} draws")
        if c.note:
            lines.append(f"- note: {c.note}")
        lines.append("")
    lines += ["## Figures", ""]
    lines += [f"![{name}](figures/{name}.png)" for name in figure_names]
    lines += ["", "## Tables", ""]
    lines += [f"- [{name}](tables/{name}.md) ([csv](tables/{name}.csv))" for name in table_names]
    return "\n".join(lines) + "\n"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_HOST = "".join(ch if ch.isalnum() else "_" for ch in platform.node()) or "host"


def _leftover_name(dest: Path, kind: str) -> Path:
    """``.<scale>.<kind>-<12 hex>-<host>-<pid>``: unique per call; the host and pid say
    whose it is, so a later run can tell a dead run's leftovers from a live one's."""
    return dest.parent / f".{dest.name}.{kind}-{uuid.uuid4().hex[:12]}-{_HOST}-{os.getpid()}"


def _recover(dest: Path) -> None:
    """Finish what a run killed during its swap left (called under the folder's lock): its
    previous results (``.old-…``) go back in place if nothing replaced them, else away; dead
    runs' staging folders go. Only this host's leftovers are judged (a pid means nothing on
    another host sharing the folder), and only names this module makes."""
    for leftover in sorted(dest.parent.glob(f".{dest.name}.*-*-*-*")):
        kind, rest = leftover.name[len(dest.name) + 2:].split("-", 1)
        tag, _, pid = rest.rpartition("-")
        if (kind not in ("old", "staging") or not pid.isdigit()
                or not tag.endswith(f"-{_HOST}") or _pid_alive(int(pid))):
            continue
        if kind == "old" and not dest.exists():
            os.replace(leftover, dest)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _fsync_tree(root: Path) -> None:
    """Flush every staged file and folder before the rename makes them the results."""
    for path in sorted(root.rglob("*"), reverse=True) + [root]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_outputs(dest: Path, *, paper, config, tables: dict, claims: list[Claim],
                  figures: dict, man: dict) -> Path:
    """Stage everything beside ``dest``, then swap it in under a lock on ``dest``'s folder:
    two runs writing the same folder take turns (the later one's results win), and a run
    killed mid-swap is repaired by the next one (:func:`_recover`)."""
    import fcntl

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = _leftover_name(dest, "staging")
    old = _leftover_name(dest, "old")
    try:
        (staging / "tables").mkdir(parents=True)
        (staging / "figures").mkdir()
        for name, frame in tables.items():
            frame.to_csv(staging / "tables" / f"{name}.csv", index=False, float_format="%.10g")
            _write(staging / "tables" / f"{name}.md", markdown_table(frame))
        provenance = {k: man[k] for k in ("slug", "scale", "config_hash", "git_sha", "device")}
        for name, fig in figures.items():
            save_figure(fig, staging / "figures" / name, provenance=provenance)
        _write(staging / "verdict.json", json.dumps(
            {"slug": paper.slug, "scale": config.scale, "title": paper.title,
             "arxiv": paper.arxiv, "claims": [c.to_dict() for c in claims]}, indent=2) + "\n")
        _write(staging / "manifest.json", json.dumps(man, indent=2) + "\n")
        _write(staging / "VERDICT.md", verdict_markdown(
            paper, config, claims, list(figures), list(tables), man))
        _fsync_tree(staging)
        with open(dest.parent / f".{dest.name}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            _recover(dest)
            if dest.exists():
                os.replace(dest, old)
            try:
                os.replace(staging, dest)
            except BaseException:
                if old.exists() and not dest.exists():
                    os.replace(old, dest)  # the swap failed between its renames: put it back
                raise
            fsync_folder(dest.parent)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest
