"""How ArticleView colours the text: label colours (or, without colour, label attributes)
and the layering of gold spans, suggestions, claims, the selection and the cursor.

Pure styling, kept apart from the widget's painting: `SpanStyles.at` answers "what style
has the grapheme at this offset", cached by the handful of things that decide it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

from rich.color import Color, ColorParseError
from rich.style import Style

from annotations.reading.session import Mark

__all__ = ["MONO_LABEL_STYLES", "SpanStyles", "contrast", "parse_colour"]

MONO_LABEL_STYLES = (
    Style(),
    Style(bold=True),
    Style(underline=True),
    Style(italic=True),
    Style(strike=True),
    Style(bold=True, underline=True),
    Style(bold=True, italic=True),
    Style(bold=True, strike=True),
    Style(italic=True, underline=True),
    Style(italic=True, strike=True),
)
"""Without colour (NO_COLOR) a gold span is drawn reversed plus its label's own attributes,
in the order of the configured labels, so every label is told apart on screen."""

FALLBACK_PALETTE = (
    "#e5c07b",
    "#61afef",
    "#98c379",
    "#c678dd",
    "#56b6c2",
    "#e06c75",
    "#d19a66",
    "#abb2bf",
)


class SpanStyles:
    """Grapheme styles for one widget.  `base` gives the widget's own text style and `mono`
    whether the app draws without colour (NO_COLOR); both are asked only when a style is
    composed.  `clear()` whenever either may have changed."""

    def __init__(self, label_styles: dict[str, str], *, base: Callable[[], Style], mono: Callable[[], bool]) -> None:
        self.label_styles: dict[str, str] = dict(label_styles)
        self._base = base
        self._mono = mono
        self._cache: dict[tuple[str | None, bool, str | None, bool, bool, bool, bool], Style] = {}

    def clear(self) -> None:
        self._cache.clear()

    def at(
        self,
        offset: int,
        spans: Sequence[Mark],
        selection: tuple[int, int] | None,
        cursor: int,
    ) -> Style:
        """Style of the grapheme at ``offset``: spans, then selection, then cursor."""
        gold = pred = None
        gold_len = pred_len = 1 << 60
        nested_gold = claim = False
        for span in spans:
            if span.start <= offset < span.end:
                length = span.end - span.start
                if span.kind == "gold":
                    if gold is not None:
                        nested_gold = True
                    if length < gold_len:
                        gold, gold_len = span, length
                elif span.kind == "pred":
                    if length < pred_len:
                        pred, pred_len = span, length
                elif span.kind == "claim":
                    claim = True
        selected = selection is not None and selection[0] <= offset < selection[1]
        key = (
            gold.label if gold else None,
            nested_gold,
            pred.label if pred else None,
            claim,
            selected,
            offset == cursor,
            bool(pred is not None and getattr(pred, "known", False)),
        )
        style = self._cache.get(key)
        if style is None:
            style = self._cache[key] = self._compose(*key)
        return style

    def _compose(
        self,
        gold: str | None,
        nested_gold: bool,
        pred: str | None,
        claim: bool,
        selected: bool,
        is_cursor: bool,
        known: bool = False,
    ) -> Style:
        """Combine layers so each stays visible, with or without colour.

        gold: label background + bold; an outer gold span adds underline;
        prediction: underline (+ label colour when no gold background); a known one (the team
        accepted its text and label before): label colour without underline, dim without colour;
        claim: italic (+ margin marker); selection: reverse;
        cursor: reverse, or inside a selection un-reversed + underline + bold.
        """
        style = self._base()
        mono = self._mono()
        if gold is not None and mono:
            style += Style(reverse=True) + self._mono_label_style(gold)
        elif gold is not None:
            background = self._label_colour(gold)
            style += Style(bgcolor=background, color=contrast(background), bold=True)
        if nested_gold:
            style += Style(underline=True)
        if pred is not None:
            # On a gold background the label colour would clash: underline only.
            if gold is not None:
                style += Style(underline=True)
            elif known:
                style += Style(dim=True) if mono else Style(color=self._label_colour(pred))
            else:
                style += Style(color=self._label_colour(pred), underline=True)
        if claim:
            style += Style(italic=True)
        solid = mono and gold is not None  # already reversed: selection and cursor un-reverse it
        if selected:
            style += Style(reverse=not solid)
        if is_cursor:
            if selected or solid:
                style += Style(reverse=False, underline=True, bold=True)
            else:
                style += Style(reverse=True)
        return style

    def _mono_label_style(self, label: str) -> Style:
        names = list(self.label_styles)
        index = names.index(label) if label in names else zlib.crc32(label.encode())
        return MONO_LABEL_STYLES[index % len(MONO_LABEL_STYLES)]

    def _label_colour(self, label: str) -> Color:
        value = self.label_styles.get(label)
        colour = parse_colour(value) if value else None
        if colour is None:
            colour = Color.parse(FALLBACK_PALETTE[zlib.crc32(label.encode()) % len(FALLBACK_PALETTE)])
        return colour

    def claim_marker(self) -> Style:
        for key in ("CLAIM", "claim"):
            if key in self.label_styles:
                colour = parse_colour(self.label_styles[key])
                if colour is not None:
                    return Style(color=colour, bold=True)
        return Style(color="magenta", bold=True)


def parse_colour(value: str) -> Color | None:
    """Accept a colour ("#ff8800", "dark_orange") or a style string ("on red")."""
    try:
        return Color.parse(value)
    except ColorParseError:
        pass
    try:
        style = Style.parse(value)
    except Exception:
        return None
    return style.bgcolor or style.color


def contrast(colour: Color) -> Color:
    """Black or white text, whichever reads better on ``colour``."""
    red, green, blue = colour.get_truecolor()
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return Color.parse("#000000" if luminance > 140 else "#ffffff")
