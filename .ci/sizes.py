"""Module and function sizes beside STYLE.md's soft targets: a report, never a failure.

A cohesive 600-line module beats three slices that share internals, so sizes are printed for a
reader to judge (where to look for a seam), not enforced. Run from the project root:

    python .ci/sizes.py
"""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

MODULE_TARGET, FUNCTION_TARGET = 500, 60


def main() -> None:
    modules, functions = [], []
    for root in ("annotations", "tui"):
        for path in sorted(Path(root).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            modules.append((len(text.splitlines()), str(path)))
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    functions.append((node.end_lineno - node.lineno + 1, f"{path}:{node.lineno} {node.name}"))
    sizes = sorted(n for n, _ in functions)
    print(
        f"sizes: {len(modules)} modules, median {statistics.median(n for n, _ in modules):.0f} lines; "
        f"{len(functions)} functions, median {statistics.median(sizes):.0f}, p95 {sizes[int(0.95 * len(sizes))]}"
    )
    for n, name in sorted(modules, reverse=True):
        if n > MODULE_TARGET:
            print(f"  module over {MODULE_TARGET}: {name} ({n} lines)")
    for n, name in sorted(functions, reverse=True):
        if n > FUNCTION_TARGET:
            print(f"  function over {FUNCTION_TARGET}: {name} ({n} lines)")


if __name__ == "__main__":
    main()
