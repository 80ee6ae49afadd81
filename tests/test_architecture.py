"""Layering rules checked on the source (the core never importing Textual is checked at run
time in test_import_hygiene.py): tui/ runs no SQL, nothing outside the store reaches into its
private methods, and no underscore name crosses a module (public means public)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQL = re.compile(
    r"^\s*(SELECT\b.*\bFROM\b|INSERT\s+(OR\s+\w+\s+)?INTO\b|UPDATE\s+\S+\s+SET\b|DELETE\s+FROM\b"
    r"|(CREATE|DROP)\s+(TABLE|INDEX|TRIGGER|VIEW|VIRTUAL)\b|PRAGMA\s+\w+|WITH\b.*\bSELECT\b)",
    re.I | re.S,
)
SQL_CALLS = {"execute", "executemany", "executescript"}
PRIVATE_STORE = re.compile(r"\bstore\._[a-z]\w*\(")


def _files(*parts: str) -> list[Path]:
    return sorted(p for part in parts for p in (ROOT / part).rglob("*.py"))


def _sql_in(path: Path) -> list[str]:
    hits = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
            hits.append(f"{path.name}:{node.lineno}: SQL text")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            hits.append(f"{path.name}:{node.lineno}: .{node.func.attr}()")
    return hits


def test_tui_runs_no_sql():
    """Queries live in the core (annotations/store/ and beside it); screens call functions."""
    assert [hit for path in _files("tui") for hit in _sql_in(path)] == []


def test_the_sql_check_sees_sql(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        'rows = store.query("SELECT id FROM spans")\nconn.execute(q)\n'
        'help = "Delete the span under the cursor; select from the list"\n'
    )
    assert len(_sql_in(probe)) == 2


def test_nothing_outside_the_store_calls_its_private_methods():
    """Writes go through store.action (logged, undoable); reads through the public methods."""
    store_dir = ROOT / "annotations" / "store"
    hits = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in _files("annotations", "tui")
        if store_dir not in p.parents
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE_STORE.search(line)
    ]
    assert hits == []


def test_no_private_name_is_imported_from_another_module():
    """A name a module keeps to itself (a leading underscore) is never imported by another:
    where two modules share a type or a helper, it is public with a real name."""
    modules = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for p in _files("annotations", "tui")
    }
    crossing = []
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and node.module in modules and f"{node.module}.{alias.name}" not in modules:
                    crossing.append(f"{name} imports {node.module}.{alias.name}")
    assert crossing == []
