"""The papers this toolkit reproduces, found by discovery.

Two sources, nothing listed by hand:
- built-in: every subpackage of ``attnlab.reproductions`` whose ``__init__`` defines ``PAPER``;
- installed: every ``attnlab.papers`` entry point of any installed distribution, naming a
  :class:`Paper` (``[project.entry-points."attnlab.papers"] my-paper = "my_pkg:PAPER"``), so a
  researcher checks their own paper's claims without forking.

Adding a paper is adding its subpackage (or its entry point): the CLI, ``attnlab list``, the
Makefile's ``reproduce-*`` targets, the report and the notebook tests all derive from here.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from importlib.metadata import entry_points

from ._paper import Paper

__all__ = ["get_paper", "paper_slugs", "papers", "builtin_slugs", "plugin_problems",
           "ENTRY_POINT_GROUP"]

ENTRY_POINT_GROUP = "attnlab.papers"
_ROOT = __name__.rpartition(".")[0]  # attnlab.reproductions


def _builtin() -> dict[str, Paper]:
    root = importlib.import_module(_ROOT)
    found = {}
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda m: m.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        paper = getattr(importlib.import_module(f"{_ROOT}.{info.name}"), "PAPER", None)
        if isinstance(paper, Paper):
            found[paper.slug] = paper
    return found


@functools.cache
def _installed() -> tuple[dict[str, Paper], dict[str, str]]:
    """(plugins that load, by slug; the problem of each that does not, by entry-point
    name). A broken plugin is reported; it does not hide the others or the built-ins."""
    taken, found, broken = _builtin(), {}, {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        where = f"entry point {ep.name!r} ({ep.value}) of group {ENTRY_POINT_GROUP}"
        try:
            paper = ep.load()
        except Exception as e:  # any error in someone else's package
            broken[ep.name] = f"{where} failed to load: {type(e).__name__}: {e}"
            continue
        if not isinstance(paper, Paper):
            broken[ep.name] = f"{where} is a {type(paper).__name__}, not an attnlab Paper"
        elif paper.slug in taken or paper.slug in found:
            broken[ep.name] = f"{where} registers slug {paper.slug!r}, which is already taken"
        else:
            found[paper.slug] = paper
    return found, broken


def plugin_problems() -> list[str]:
    """One line for each ``attnlab.papers`` entry point that could not be used."""
    return list(_installed()[1].values())


@functools.cache
def papers() -> dict[str, Paper]:
    """Every paper by slug: the built-in ones (alphabetical), then installed plugins."""
    return {**_builtin(), **_installed()[0]}


@functools.cache
def builtin_slugs() -> list[str]:
    """The slugs shipped in this repository (each has a notebook and a README row)."""
    return list(_builtin())


def paper_slugs() -> list[str]:
    return list(papers())


def get_paper(slug: str) -> Paper:
    # a built-in paper's subpackage is its slug with underscores: import only that one
    # (fast, and one paper's import error cannot stop another paper's run)
    name = slug.replace("-", "_")
    if name.isidentifier() and not name.startswith("_"):
        try:
            module = importlib.import_module(f"{_ROOT}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{_ROOT}.{name}":
                raise
        else:
            paper = getattr(module, "PAPER", None)
            if isinstance(paper, Paper) and paper.slug == slug:
                return paper
    known = papers()
    if slug in known:
        return known[slug]
    broken = _installed()[1]
    if slug in broken:  # an entry point named like the slug asked for
        raise ValueError(broken[slug])
    raise ValueError(f"unknown paper {slug!r}; known: {', '.join(known)}")
