"""The core stays usable without Textual; light commands never pay for spaCy."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import annotations


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(annotations.__path__, "annotations."))


def test_no_core_module_imports_textual():
    code = (
        "import importlib, sys\n"
        f"for name in {_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_module_and_store_do_not_import_spacy_or_textual():
    code = (
        "import sys, tui.cli, annotations.store, annotations.corpus.ingest, annotations.config\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'textual', 'thinc'))\n"
        "print(heavy); sys.exit(1 if heavy else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
