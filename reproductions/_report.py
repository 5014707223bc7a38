"""``attnlab report``: one Markdown page over every run found under the results folder."""

from __future__ import annotations

import json
from pathlib import Path

from ._store import atomic_write_text

__all__ = ["write_report"]


def write_report(out: str | Path = "results") -> Path:
    out = Path(out)
    runs = sorted(out.glob("*/*/verdict.json"))
    lines = ["# attnlab report", ""]
    if not runs:
        lines.append("No runs yet: `make reproduce-all` or `attnlab run <slug>`.")
    else:
        lines += ["| paper | scale | reproduced | not reproduced | inconclusive | wall (s) |",
                  "|---|---|---|---|---|---|"]
        parsed = []
        for path in runs:
            verdict = json.loads(path.read_text())
            man_path = path.parent / "manifest.json"
            man = json.loads(man_path.read_text()) if man_path.exists() else {}
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
                      "", "| claim | verdict | measured |", "|---|---|---|"]
            for c in verdict["claims"]:
                lines.append(f"| {c['id']} | **{c['verdict']}** | {c['measurement']} |")
            lines.append("")
            for fig in sorted((path.parent / "figures").glob("*.png")):
                lines.append(f"![{fig.stem}]({rel}/figures/{fig.name})")
    dest = out / "REPORT.md"
    atomic_write_text(dest, "\n".join(lines) + "\n")
    return dest
