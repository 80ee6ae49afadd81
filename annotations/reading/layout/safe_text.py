"""Sanitising untrusted article text for the terminal, offsets kept: one code point in, one out.

Runs before any layout (``wrap.layout``) and wherever outside text is printed (titles, labels,
names), so no escape sequence, bidi override or invisible character reaches the terminal.
"""

from __future__ import annotations

import re

from rich.cells import get_character_cell_size

ESC_PLACEHOLDER = "\u241b"  # ␛
DEL_PLACEHOLDER = "\u2421"  # ␡
REPLACEMENT = "\ufffd"  # �
ISOLATED_MARK_BASE = "\u25cc"  # ◌ : the conventional base for showing a lone mark

# Every character that may need replacing.  Built from the Unicode categories Cc
# (controls), Cf (format), Cs (lone surrogates), Zl/Zp (line/paragraph separators)
# plus U+FE0F; a test checks this class against ``unicodedata`` for the whole range.
SUSPECT = re.compile(
    "["
    "\x00-\x09\x0b-\x1f\x7f-\x9f"  # C0 except "\n", DEL, C1
    "\xad"  # soft hyphen
    "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f"  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    "\u2028-\u202e"  # LS, PS, bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, bidi isolates
    "\ufe0f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff"  # lone surrogates (cannot even be encoded to UTF-8)
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "]"
)

# Replacements chosen per character; anything matched by SUSPECT that is not in
# this table becomes U+FFFD.
_KEEP = {
    "\u200c": "\u200c",  # ZWNJ: needed by Persian/Arabic/Indic text, zero width everywhere
    "\u200e": "\u200e",  # LRM / RLM / ALM: weak marks, no state that outlives the line
    "\u200f": "\u200f",
    "\u061c": "\u061c",
}
_MAP = {
    "\t": " ",
    "\x1b": ESC_PLACEHOLDER,
    "\x7f": DEL_PLACEHOLDER,
    # Line-ish separators become the one line break the layout knows.
    "\x0b": "\n",
    "\x0c": "\n",
    "\x85": "\n",
    "\u2028": "\n",
    "\u2029": "\n",
    # Soft hyphen: most terminals print it as a hyphen anyway; make that explicit.
    "\xad": "-",
    # Zero-width space is a break opportunity; a visible space reveals it honestly.
    "\u200b": " ",
    # Joiners that make rich and the terminal disagree about widths: ZWJ emoji
    # sequences and VS16 are drawn in 2 cells by some terminals and 4 / 1 by
    # others.  Neutral equivalents keep every row exactly as wide as computed.
    "\u200d": "\u200c",  # ZWJ -> ZWNJ
    "\ufe0f": "\ufe0e",  # VS16 (emoji presentation) -> VS15 (text presentation)
    **_KEEP,
}


def _replace(match: re.Match[str]) -> str:
    char = match.group()
    mapped = _MAP.get(char)
    if mapped is not None:
        return mapped
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ␀ ␁ ... ␟
    return REPLACEMENT


_PARA_START = re.compile(r"(?:^|(?<=\n))[^\n]", re.MULTILINE)


def sanitize(text: str) -> str:
    """Return ``text`` made safe to write to a terminal, with the same length.

    One code point in, one out, so character offsets from the store stay valid.
    Controls (C0 except ``\\n``, DEL, C1), ESC, bidi embeddings / overrides /
    isolates, lone surrogates and invisible format characters become visible
    placeholders (``␛``, ``␀``..``␟``, ``␡``, ``\\ufffd``); tab becomes a space;
    CR before LF becomes a space and other line separators become ``\\n``.
    A zero-width mark at the start of a paragraph (nothing to combine with)
    becomes ``◌`` so every grapheme the cursor can visit has a visible cell.
    Markup such as ``[bold]`` is left alone: it is never parsed downstream.
    """
    if not text:
        return text
    if "\r" in text:
        # CRLF: the CR is invisible trailing space; a lone CR is a line break.
        text = re.sub("\r(?=\n)", " ", text).replace("\r", "\n")
    text = SUSPECT.sub(_replace, text)
    # Paragraph-initial zero-width characters would have no cell of their own.
    fixes = [m.start() for m in _PARA_START.finditer(text) if get_character_cell_size(m.group()) == 0]
    if fixes:
        chars = list(text)
        for index in fixes:
            chars[index] = ISOLATED_MARK_BASE
        text = "".join(chars)
    return text


# What a text file headed for a terminal (CoNLL through `| cat`) must not hold raw: C0 controls
# but tab and line feed, DEL, C1, line/paragraph separators, bidi embeddings, overrides and
# isolates, lone surrogates. Joiners and weak marks (ZWNJ, LRM) are text and stay.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def escape_controls(text: str) -> str:
    """`text` with every terminal control spelled as JSON spells it (``\\u001b``), so a file
    format without its own escapes is as inert as JSONL; tabs and line breaks stay layout."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
