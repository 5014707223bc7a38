"""The package structure the papers build on: one import root, one-way dependencies, no
cycles, small modules, papers by discovery (built-in and through the entry point)."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("theory", "probes", "spectra", "figures", "reproductions")
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["attnlab", *parts])


def _sources():
    for pkg in PACKAGES:
        yield from sorted((ROOT / pkg).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (module level or inside functions), as attnlab names."""
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            # `from attnlab import theory` / `from . import cells` import submodules; any other
            # name is read from ``module`` itself (resolved against real modules in _graph)
            found.update(f"{module}.{a.name}" for a in node.names)
            found.update(f"{module}::{a.name}" for a in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in _sources()}

    def targets(name):
        if "::" in name:  # `from module import name`: the module itself, unless name is one
            module, attr = name.split("::")
            return set() if f"{module}.{attr}" in modules else {module}
        return {name}

    return {m: {t for i in _imports(p) for t in targets(i) if t in modules and t != m}
            for m, p in modules.items()}


def test_no_bare_top_level_imports_anywhere():
    files = [*_sources(), *ROOT.glob("tests/**/*.py"), *ROOT.glob("benchmarks/*.py")]
    bad = []
    for path in files:
        for name in _imports(path):
            if name.split("::")[0].split(".")[0] in PACKAGES:
                bad.append(f"{path.relative_to(ROOT)}: {name}")
    for nb in ROOT.glob("notebooks/*.ipynb"):
        import nbformat

        for cell in nbformat.read(nb, as_version=4).cells:
            if cell.cell_type == "code":
                src = "\n".join(l for l in cell.source.splitlines() if not l.lstrip()
                                .startswith(("%", "!")))
                bad += [f"{nb.name}: {n}" for n in _imports_of_source(src)
                        if n.split(".")[0] in PACKAGES]
    assert not bad, "import through attnlab.*, not bare names:\n" + "\n".join(bad)


def _imports_of_source(src: str) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            out.add(node.module)
    return out


def test_dependencies_point_one_way():
    """theory, probes, spectra know nothing of reproductions; figures only draws (it imports
    none of theory, spectra, probes, reproductions)."""
    forbidden = {"theory": {"reproductions"}, "probes": {"reproductions"},
                 "spectra": {"reproductions"},
                 "figures": {"theory", "spectra", "probes", "reproductions"}}
    bad = []
    for module, deps in _graph().items():
        top = module.split(".")[1]
        for d in deps:
            if d.split(".")[1] in forbidden.get(top, ()):
                bad.append(f"{module} imports {d}")
    assert not bad, "\n".join(sorted(bad))


def test_no_import_cycles():
    """No cycles between modules, counting imports inside functions too. A package's
    ``__init__`` importing its own submodules is the package itself, not a cycle, so edges
    into a package from its own submodules are what would close one."""
    graph = _graph()
    state, stack, cycles = {}, [], []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append(" → ".join(stack[stack.index(d):] + [d]))
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_modules_stay_small():
    big = [f"{p.relative_to(ROOT)}: {n} lines" for p in _sources()
           if (n := len(p.read_text().splitlines())) > MAX_LINES]
    assert not big, f"modules over {MAX_LINES} lines hold two ideas:\n" + "\n".join(big)


def test_no_reference_to_files_users_do_not_have():
    """Docstrings cite the paper and reproductions/<paper>/README.md, not the project's
    private spec folder (``shared/``), which a user's clone does not contain."""
    bad = [str(p.relative_to(ROOT)) for p in [*_sources(), *ROOT.glob("notebooks/*.ipynb")]
           if "shared/papers" in p.read_text()]
    assert not bad, "\n".join(bad)


def _python(*code_or_args, cwd, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, *code_or_args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def test_only_attnlab_is_importable_from_a_neutral_directory(tmp_path):
    for bare in PACKAGES:
        r = _python("-c", f"import {bare}", cwd=tmp_path)
        assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr, (bare, r.stderr)
    r = _python("-c", "from attnlab import theory, probes, spectra, figures, reproductions",
                cwd=tmp_path)
    assert r.returncode == 0, r.stderr


def test_stray_modules_in_the_working_directory_break_nothing(tmp_path):
    for bare in PACKAGES:
        (tmp_path / f"{bare}.py").write_text("raise RuntimeError('stray module imported')\n")
    r = _python("-c", "import attnlab.reproductions.linear_attention_ntk.cells", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = _python("-m", "attnlab.reproductions.cli", "list", "--slugs", cwd=tmp_path)
    assert r.returncode == 0 and "linear-attention-ntk" in r.stdout, r.stderr


def _install_plugin(site: Path, value: str = "tiny_paper:PAPER") -> None:
    """Make ``site`` look like an installed distribution with one attnlab.papers entry point
    (what pip writes for a pyproject's [project.entry-points."attnlab.papers"])."""
    shutil.copytree(ROOT / "tests" / "plugin_example" / "tiny_paper", site / "tiny_paper")
    info = site / "tiny_paper-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-paper\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[attnlab.papers]\ntiny-paper = {value}\n")


def _cli(*args, cwd, site):
    return _python("-m", "attnlab.reproductions.cli", *args, cwd=cwd,
                   env_extra={"PYTHONPATH": str(site)})


@pytest.mark.slow
def test_a_paper_from_another_package_is_found_judged_and_drawn(tmp_path):
    site = tmp_path / "site"
    _install_plugin(site)
    r = _cli("list", "--slugs", cwd=tmp_path, site=site)
    assert r.returncode == 0 and r.stdout.split()[-1] == "tiny-paper", r.stderr
    assert "inverse-temperature" in r.stdout.split()  # the built-in ones are still there
    r = _cli("run", "tiny-paper", "--scale", "quick", "--device", "cpu", "--out",
             str(tmp_path / "out"), "--no-progress", cwd=tmp_path, site=site)
    assert r.returncode == 0, r.stderr
    import json

    run = tmp_path / "out" / "tiny-paper" / "quick"
    verdicts = {c["id"]: c["verdict"] for c in json.loads((run / "verdict.json").read_text())
                ["claims"]}
    assert verdicts == {"V1": "reproduced", "V2": "not reproduced"}
    assert (run / "figures" / "variance.png").stat().st_size > 0
    criterion = json.loads((run / "verdict.json").read_text())["claims"][0]["criterion"]
    assert criterion == "n·Var ± 3 SE inside 1 ± 10% for every n"  # formatted from its limits

    r = _cli("run", "tiny-paper", "--scale", "quick", "--device", "cpu", "--out",
             str(tmp_path / "out"), "--no-progress", "--seeds", "3", cwd=tmp_path, site=site)
    assert r.returncode == 0, r.stderr
    assert "6 cells computed, 3 reused" in r.stdout  # seed 0's cells come from the store
    claims = json.loads((run / "verdict.json").read_text())["claims"]
    assert [c["stability"] for c in claims] == [
        {"seeds": 3, "agree": 3, "verdicts": {"0": v, "1": v, "2": v}}
        for v in ("reproduced", "not reproduced")]
    assert "| V1 | **reproduced** | 3/3 |" in (run / "VERDICT.md").read_text()


def test_a_broken_plugin_is_named_and_hides_nothing_else(tmp_path):
    site = tmp_path / "site"
    _install_plugin(site, value="tiny_paper_missing:PAPER")
    r = _cli("list", "--slugs", cwd=tmp_path, site=site)
    assert r.returncode == 0 and "inverse-temperature" in r.stdout.split()  # still listed
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("attnlab: warning: entry point "
                                                   "'tiny-paper'"), r.stderr
    r = _cli("run", "tiny-paper", "--out", str(tmp_path / "out"), cwd=tmp_path, site=site)
    assert r.returncode == 2 and not (tmp_path / "out").exists()
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "failed to load: ModuleNotFoundError" in lines[0], r.stderr


def test_readme_paper_table_is_attnlab_list():
    from attnlab.reproductions._registry import builtin_slugs
    from attnlab.reproductions.cli import paper_table

    assert paper_table(builtin_slugs()) in (ROOT / "README.md").read_text(), \
        "README's paper table differs from `attnlab list --markdown`"
    assert builtin_slugs()  # discovery found the built-in papers


def test_every_builtin_paper_has_its_notebook_and_reconstruction_notes():
    from attnlab.reproductions._registry import builtin_slugs

    for slug in builtin_slugs():
        assert (ROOT / "notebooks" / f"{slug}.ipynb").is_file(), slug
        notes = ROOT / "reproductions" / slug.replace("-", "_") / "README.md"
        assert notes.is_file() and "arXiv" in notes.read_text(), slug
