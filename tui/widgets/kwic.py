"""Concordance lines (key word in context): a surface form in bold between the end of its left
context and the start of its right, cut to a width; the Entities and Variants screens draw them."""

from __future__ import annotations

from rich.text import Text

from tui.widgets.doc_list import one_line

CONTEXT = 60
"""Characters of context read on each side of a mention."""


def kwic(left: str, form: str, right: str, width: int, form_width: int | None = None) -> Text:
    """One concordance line: the end of ``left``, ``form`` in bold, the start of ``right``, in ``width`` cells."""
    form = one_line(form)
    form_width = min(len(form), form_width or max(8, width // 2))
    if len(form) > form_width:
        form = form[: max(1, form_width - 1)] + "…"
    side = max(0, (width - len(form)) // 2)
    # one_line collapses whitespace and trims it: keep the one space the text really has on
    # each side of the form (and none where it has none: "Prokhorenko, the")
    left_text = one_line(left) + (" " if left[-1:].isspace() else "")
    right_text = (" " if right[:1].isspace() else "") + one_line(right)
    left_text = left_text[-side:] if side else ""
    right_text = right_text[:side] if side else ""
    out = Text(left_text.rjust(side), style="dim", no_wrap=True, overflow="crop")
    out.append(form, style="bold reverse")
    out.append(right_text, style="dim")
    return out
