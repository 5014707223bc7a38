"""``attnlab report``: one Markdown page over every run found under the results folder."""

from __future__ import annotations

import json
from pathlib import Path

from ._errors import UsageError
from ._outputs import seed_agreement
from ._store import atomic_write_text

__all__ = ["write_report"]


def _read(path: Path, what: str) -> dict:
    try:
        data = json.loads(path.read_text())
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        if what == "verdict":
            missing = [k for k in ("slug", "scale", "title", "arxiv", "claims") if k not in data]
            missing += [f"claims[{i}].{k}" for i, c in enumerate(data.get("claims", []))
                        for k in ("id", "verdict", "measurement") if k not in c]
            bad = [c["id"] for c in data.get("claims", [])
                   if c.get("stability") is not None and not _is_stability(c["stability"])]
            if bad:
                raise ValueError(f"claims {', '.join(bad)} have a malformed stability record")
            if missing:
                raise KeyError(", ".join(missing))
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as e:
        raise UsageError(f"{path} is not a readable {what} file ({type(e).__name__}: {e}); "
                         "rerun that paper or remove its folder") from None
    return data


def _is_stability(s) -> bool:
    return (isinstance(s, dict) and isinstance(s.get("seeds"), int)
            and isinstance(s.get("agree"), int) and isinstance(s.get("verdicts"), dict))


def write_report(out: str | Path = "results") -> Path:
    """``<out>/REPORT.md`` over every ``<out>/<slug>/<scale>/verdict.json``. ``out`` must be
    an existing folder; a damaged verdict or manifest is a one-line usage error."""
    if str(out).strip() == "":
        raise UsageError("--out is empty; name the results folder (default: results)")
    out = Path(out)
    if not out.is_dir():
        raise UsageError(f"--out {out} is not a folder" if out.exists() else
                         f"no results folder {out}; run `attnlab run <slug>` first")
    # <slug>/<scale>/ only: hidden staging or leftover folders of other runs are not runs
    runs = sorted(p for p in out.glob("*/*/verdict.json")
                  if not p.parent.name.startswith(".") and not p.parent.parent.name.startswith("."))
    lines = ["# attnlab report", ""]
    if not runs:
        lines.append("No runs yet: `make reproduce-all` or `attnlab run <slug>`.")
    else:
        lines += ["| paper | scale | reproduced | not reproduced | inconclusive | wall (s) |",
                  "|---|---|---|---|---|---|"]
        parsed = []
        for path in runs:
            verdict = _read(path, "verdict")
            man_path = path.parent / "manifest.json"
            man = _read(man_path, "manifest") if man_path.exists() else {}
            parsed.append((path, verdict, man))
            c = [x["verdict"] for x in verdict["claims"]]
            lines.append(f"| [{verdict['slug']}]({path.parent.relative_to(out)}/VERDICT.md) | "
                         f"{verdict['scale']} | {c.count('reproduced')} | "
                         f"{c.count('not reproduced')} | {c.count('inconclusive')} | "
                         f"{man.get('wall_seconds', '?')} |")
        for path, verdict, man in parsed:
            rel = path.parent.relative_to(out)
            lines += ["", f"## {verdict['title']} — `{verdict['slug']}`, {verdict['scale']}", "",
                      f"arXiv {verdict['arxiv']} · device {man.get('device', '?')} · "
                      f"git {man.get('git_sha', '?')} · config {man.get('config_hash', '?')}",
                      "", "| claim | verdict | seeds agreeing | source | measured |",
                      "|---|---|---|---|---|"]
            for c in verdict["claims"]:
                lines.append(f"| {c['id']} | **{c['verdict']}** | "
                             f"{seed_agreement(c.get('stability'))} | "
                             f"{c.get('source_kind', '?')} | {c['measurement']} |")
            lines.append("")
            for fig in sorted((path.parent / "figures").glob("*.png")):
                lines.append(f"![{fig.stem}]({rel}/figures/{fig.name})")
    dest = out / "REPORT.md"
    try:
        atomic_write_text(dest, "\n".join(lines) + "\n")
    except OSError as e:
        raise UsageError(f"cannot write {dest} ({e.strerror or e})") from None
    return dest
