"""Undo / redo from any screen.

The store keeps one history per annotator, so ``u`` / ``ctrl+r`` on every screen replay the
same stack (a merge in Entities, a span in the Reader): this is the one place that calls it
and says what happened.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from annotations.errors import NewsmarkError


def replay(app: Any, kind: str) -> tuple[dict[str, Any] | None, Text | None]:
    """Undo or redo the annotator's latest action (committed before this returns).

    Returns (the action replayed, or None; the line to show), or (None, None) after an error,
    which has already been notified.
    """
    try:
        info = app.store.undo(app.annotator) if kind == "undo" else app.store.redo(app.annotator)
    except NewsmarkError as exc:
        app.notify(str(exc), severity="error", markup=False)
        return None, None
    if info is None:
        return None, Text(f"Nothing to {kind}")
    verb = "Undid" if kind == "undo" else "Redid"
    return info, Text(f"{verb} “{info['name']}”")
