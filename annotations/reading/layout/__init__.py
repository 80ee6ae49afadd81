"""Text layout for the reader: sanitising, wrapping, offset <-> cell maps, motions.

Pure Python (``rich.cells`` only, no Textual) so every rule here is unit- and
property-testable on its own.  The Textual widget (``tui/widgets/article_view``)
only paints what this package computes.  One module per concern:
``safe_text`` (sanitize), ``wrap`` (layout), ``rows`` (Row, Layout: the maps),
``words`` and ``sentences`` (motions).  Import the names from here.

Vocabulary:

* **offset**: a Python ``str`` index into the document text (what the store keeps).
* **cell**: a terminal column.  Wide characters (CJK, most emoji) take 2 cells,
  combining marks take 0 and ride on the character before them.
* **position**: an offset the cursor may rest on: the start of a grapheme
  cluster, or a paragraph's newline (shown as the cell after the text).

Article text is untrusted, so :func:`sanitize` runs first and keeps offsets valid
by replacing exactly one code point with one code point.
"""

from __future__ import annotations

from annotations.reading.layout.rows import Layout, Row
from annotations.reading.layout.safe_text import DEL_PLACEHOLDER as DEL_PLACEHOLDER
from annotations.reading.layout.safe_text import ESC_PLACEHOLDER as ESC_PLACEHOLDER
from annotations.reading.layout.safe_text import ISOLATED_MARK_BASE as ISOLATED_MARK_BASE
from annotations.reading.layout.safe_text import REPLACEMENT as REPLACEMENT
from annotations.reading.layout.safe_text import SUSPECT as SUSPECT
from annotations.reading.layout.safe_text import escape_controls, sanitize
from annotations.reading.layout.sentences import next_sentence, prev_sentence, sentence_span, sentence_starts
from annotations.reading.layout.words import next_word, prev_word, word_end
from annotations.reading.layout.wrap import BREAKING_SPACES as BREAKING_SPACES
from annotations.reading.layout.wrap import MIN_WIDTH, layout

# The placeholders and the character classes stay importable from here, as before the split
# (tests check the sanitizer's and the wrap's classes against unicodedata).
__all__ = [
    "MIN_WIDTH",
    "Layout",
    "Row",
    "escape_controls",
    "layout",
    "next_sentence",
    "next_word",
    "prev_sentence",
    "prev_word",
    "sanitize",
    "sentence_span",
    "sentence_starts",
    "word_end",
]
