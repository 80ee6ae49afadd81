"""Every library the code imports is declared, and the optional parts of upstream packages the
HTML path needs are importable (lxml 6.2 moved `lxml.html.clean` into its own distribution,
which jusText under trafilatura imports; a fresh install without it failed on every page)."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("annotations", "tui")
# Distributions that the code reaches only through one that is declared (documented here so a
# new import of them has to be thought about): none today.
INDIRECT: set[str] = set()


def _declared() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    names = set()
    for req in reqs:
        match = re.match(r"\s*([A-Za-z0-9_.-]+)(?:\[([^\]]*)\])?", req)
        assert match, req
        names.add(_canon(match.group(1)))
        # an extra named after a distribution brings that distribution: dask[distributed]
        names.update(_canon(e) for e in (match.group(2) or "").split(",") if e.strip())
    return names


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_levels() -> dict[str, str]:
    """Top-level module -> first file importing it, over annotations/ and tui/."""
    found: dict[str, str] = {}
    for root in PROJECT:
        for path in sorted((ROOT / root).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_imported_library_is_declared():
    declared = _declared()
    dists = metadata.packages_distributions()
    missing = []
    for module, where in sorted(_imported_top_levels().items()):
        if module in PROJECT or module in sys.stdlib_module_names or module == "__future__":
            continue
        owners = {_canon(d) for d in dists.get(module, [])}
        if not owners:
            missing.append(f"{module} (imported in {where}) belongs to no installed distribution")
        elif not owners & (declared | INDIRECT):
            missing.append(f"{module} (imported in {where}) comes from {sorted(owners)}, not declared")
    assert not missing, "\n".join(missing)


def test_the_html_extractor_imports_everything_it_needs():
    # jusText imports lxml.html.clean at import time; trafilatura imports jusText lazily, so only
    # a real extraction shows a missing piece.
    import justext  # noqa: F401
    import lxml_html_clean  # noqa: F401
    from trafilatura import bare_extraction

    page = "<html><body><article><p>" + "The river rose overnight in the valley. " * 12 + "</p></article></body></html>"
    doc = bare_extraction(page, with_metadata=True)
    assert doc is not None and "The river rose" in doc.text
