"""CoNLL token-tag files (.conll, .iob, .bio): the CoNLL-2003 four- and two-column formats.

Reading: one token a line, the token first and its entity tag last (IOB1, IOB2 or BIOES; the
scheme is --scheme, else detected per document: S-/E- tags mean BIOES, an I- tag opening an
entity means IOB1, else IOB2). A blank line ends a sentence, `-DOCSTART-` starts a document.
The text is rebuilt as DESIGN.md fixes it: tokens joined by one space, one sentence a line, so
gold spans are exact character offsets into it. An invalid tag or sequence is
"FILE:LINE: reason" and drops its document. meta["conll"] keeps what the text does not (the
scheme, the separator, the -DOCSTART- line, the middle columns) so export writes the file back.

Writing (`document_lines`): the same convention read backwards, or spaCy's tokenizer for text
that did not come from CoNLL; a span that does not fall on token boundaries, or overlaps
another, is left out and returned to the caller to count and name, never shifted.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from annotations.corpus.formats.records import (
    MAX_DOCUMENT_BYTES,
    MAX_LINE_BYTES,
    Invalid,
    Problem,
    ReadOptions,
    Record,
    SpanIn,
    bad_byte,
    plain_name,
)

SUFFIXES = (".conll", ".iob", ".bio")
SCHEMES = ("iob1", "iob2", "bioes")
DOCSTART = "-DOCSTART-"
MAX_DOCUMENT_TOKENS = 1_000_000  # a news article is a few thousand; a file without -DOCSTART- is one document
_TAG = re.compile(r"^(?:O|([BIES])-(.+))$")


@dataclass(slots=True)
class _Token:
    text: str
    prefix: str  # "O", "B", "I", "E" or "S"
    label: str | None
    line: int
    middle: str | None


@dataclass
class _Doc:
    start_line: int
    docstart: str | None = None
    sentences: list[list[_Token]] = field(default_factory=list)
    sep: str = " "
    columns: int = 0
    columns_line: int = 0
    error: Problem | None = None


def detect_scheme(sentences: list[list[_Token]]) -> str:
    """bioes when S-/E- tags occur; iob1 when an I- tag opens an entity; else iob2."""
    prefixes = {t.prefix for sent in sentences for t in sent}
    if prefixes & {"S", "E"}:
        return "bioes"
    for sent in sentences:
        previous = None
        for tok in sent:
            if tok.prefix == "I" and (previous is None or previous.label != tok.label):
                return "iob1"
            previous = tok if tok.prefix != "O" else None
    return "iob2"


def decode_spans(sentence: list[_Token], scheme: str) -> list[tuple[int, int, str, int]]:
    """(first token, last token + 1, label, line) of each entity; raises Invalid(reason, line)."""
    spans: list[tuple[int, int, str, int]] = []
    open_at: int | None = None
    label: str | None = None

    def close(end: int) -> None:
        nonlocal open_at, label
        if open_at is not None and label is not None:
            spans.append((open_at, end, label, sentence[open_at].line))
        open_at, label = None, None

    for i, tok in enumerate(sentence):
        p, lab = tok.prefix, tok.label
        if scheme != "bioes" and p in ("E", "S"):
            raise Invalid(f"tag {p}-{lab} is BIOES, not {scheme.upper()}", tok.line)
        inside = open_at is not None and label == lab
        if p == "O":
            if open_at is not None:
                if scheme == "bioes":
                    raise Invalid(f"O inside the {label} entity opened by B- (BIOES closes it with E-)", tok.line)
                close(i)
        elif p == "B":
            if scheme == "bioes" and open_at is not None:
                raise Invalid(f"B-{lab} before the {label} entity was closed with E-", tok.line)
            close(i)
            open_at, label = i, lab
        elif p == "I" and not inside:
            if scheme == "iob1" and (open_at is None or label != lab):
                close(i)
                open_at, label = i, lab
                continue
            after = "O or the start of a sentence" if open_at is None else f"an entity of type {label}"
            raise Invalid(f"I-{lab} follows {after} ({scheme.upper()} opens an entity with B-)", tok.line)
        elif p == "E" or p == "S":
            if p == "E" and not inside:
                raise Invalid(f"E-{lab} closes no open {lab} entity", tok.line)
            if p == "S":
                if open_at is not None:
                    raise Invalid(f"S-{lab} inside an open {label} entity", tok.line)
                open_at, label = i, lab
            close(i + 1)
    if scheme == "bioes" and open_at is not None:
        raise Invalid(f"the sentence ends inside the {label} entity (BIOES closes it with E-)", sentence[-1].line)
    close(len(sentence))
    return spans


_TAGS: dict[str, tuple[str, str | None]] = {"O": ("O", None)}  # tag -> (prefix, label), once checked


def _parse_tag(tag: str, number: int) -> tuple[str, str | None]:
    match = _TAG.match(tag)
    if match is None:
        raise Invalid(f"invalid tag {tag!r} (expected O, or B-, I-, E-, S- and a label)", number)
    label = match.group(2)
    if label is not None and not plain_name(label):
        raise Invalid(f"invalid label in tag {tag!r}: not a plain name (letters, digits, _ . -)", number)
    if len(_TAGS) < 10_000:
        _TAGS[tag] = (match.group(1) or "O", label)
    return match.group(1) or "O", label


SNIFF_BYTES = 16_384


def looks_like(path: Path) -> bool:
    """Whether a file's head reads as CoNLL whatever its name (a `.train` / `.testa` file):
    UTF-8 lines that are blank, -DOCSTART- or two or more columns of one count, the last a
    valid tag, and at least three token lines. Never raises (an unreadable file is not CoNLL)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES + 1)
        text = head[:SNIFF_BYTES].decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    lines = text.splitlines()
    if len(head) > SNIFF_BYTES and lines:
        lines = lines[:-1]  # cut mid-line
    widths: set[int] = set()
    tokens = 0
    for line in lines:
        if not line.strip() or line.startswith(DOCSTART):
            continue
        cols = line.split()
        if len(cols) < 2 or "\0" in line or not _TAG.match(cols[-1]):
            return False
        widths.add(len(cols))
        tokens += 1
    return tokens >= 3 and len(widths) == 1


def _columns(cols: list[str], line: str, number: int, doc: _Doc) -> None:
    """The first token line sets the document's column count and separator; later lines match it."""
    if len(cols) < 2:
        raise Invalid("expected a token and its tag (two or more columns), got one column", number)
    if doc.columns:
        raise Invalid(f"expected {doc.columns} columns as on line {doc.columns_line}, got {len(cols)}", number)
    doc.columns, doc.columns_line, doc.sep = len(cols), number, "\t" if "\t" in line else " "


def _lines(handle: Any) -> Iterator[tuple[int, str]]:
    """(number, line) of a UTF-8 file (BOM dropped), decoded in C; raises Invalid naming the line
    of a byte that is not UTF-8, of a NUL, or past MAX_LINE_BYTES characters (never held whole)."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="strict", newline=None)
    number = 0
    readline, limit = text.readline, MAX_LINE_BYTES
    try:
        while line := readline(limit + 1):
            number += 1
            if len(line) > limit and line[-1] != "\n":
                raise Invalid(f"line longer than {limit // 2**20} MiB: not a CoNLL token line", number)
            if "\0" in line:
                raise Invalid("binary data (a NUL byte) in the line", number)
            yield number, line
    except UnicodeDecodeError:
        # decoding runs ahead in blocks: find the line holding the bad byte
        handle.seek(0)
        for number, raw in enumerate(handle, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Invalid(bad_byte(raw, exc, 0).replace("byte offset", "column"), number) from None
        raise Invalid("not UTF-8 text", number + 1) from None


def _docs(handle: Any, label: str) -> Iterator[_Doc]:
    """Documents as token lists, a bad line marking its document with the error. One loop,
    no call per line but for a new tag: this is the hot path of a large corpus."""
    doc = _Doc(1)
    sentence: list[_Token] = []
    tags = _TAGS
    tokens = chars = 0  # of the current document, against MAX_DOCUMENT_TOKENS / MAX_DOCUMENT_BYTES
    for number, line in _lines(handle):
        cols = line.split()
        if not cols:
            if sentence:
                doc.sentences.append(sentence)
                sentence = []
            continue
        if cols[0] == DOCSTART:
            if sentence:
                doc.sentences.append(sentence)
                sentence = []
            if doc.sentences or doc.error:
                yield doc
            doc = _Doc(number, docstart=line.rstrip("\n"))
            tokens = chars = 0
            continue
        if doc.error is not None:
            continue
        tokens += 1
        chars += len(cols[0]) + 1
        if tokens > MAX_DOCUMENT_TOKENS or chars > MAX_DOCUMENT_BYTES:
            # refused, and the reading ends here: an endless stream of token lines ends too
            doc.error = Problem(label, number, _too_large(doc.start_line))
            doc.sentences = []
            yield doc
            return
        try:
            if len(cols) != doc.columns:
                _columns(cols, line, number, doc)
            prefix, tag_label = tags.get(cols[-1]) or _parse_tag(cols[-1], number)
        except Invalid as exc:
            doc.error = Problem(label, exc.line, exc.reason)
            continue
        middle = doc.sep.join(cols[1:-1]) if len(cols) > 2 else None
        sentence.append(_Token(cols[0], prefix, tag_label, number, middle))
    if sentence:
        doc.sentences.append(sentence)
    if doc.sentences or doc.error:
        yield doc


def _too_large(start: int) -> str:
    return (
        f"the document starting on line {start} is too large (over {MAX_DOCUMENT_TOKENS:,} tokens or "
        f"{MAX_DOCUMENT_BYTES // 2**20} MiB of text; the rest of the file was not read): split it with {DOCSTART} lines"
    )


def _record(doc: _Doc, label: str, scheme: str | None) -> Record:
    """The document's text (tokens joined by one space, a sentence a line) and gold spans."""
    used = scheme or detect_scheme(doc.sentences)
    pieces: list[str] = []
    spans: list[SpanIn] = []
    middles: list[str] = []
    offset = 0
    for sentence in doc.sentences:
        texts = [tok.text for tok in sentence]
        middles += [tok.middle or "" for tok in sentence]
        if any(tok.prefix != "O" for tok in sentence):
            starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=offset))
            for first, end, lab, line in decode_spans(sentence, used):
                spans.append(SpanIn(starts[first], starts[end - 1] + len(texts[end - 1]), lab, line=line))
        piece = " ".join(texts)
        pieces.append(piece)
        offset += len(piece) + 1
    meta: dict[str, Any] = {"scheme": used, "sep": doc.sep}
    if doc.docstart is not None:
        meta["docstart"] = doc.docstart
    if any(middles):
        meta["columns"] = middles
    return Record(
        text="\n".join(pieces),
        title=None,
        source=f"{label}:{doc.start_line}",
        spans=spans,
        meta={"conll": meta},
        line=doc.start_line,
    )


def read_file(
    path: Path, label: str, options: ReadOptions, skip_invalid: bool, on_bytes: Callable[[int], None] | None = None
) -> Iterator[Record | Problem]:
    """Each document a Record; an invalid tag or sequence a Problem naming its line."""
    scheme = (options.scheme or "").lower() or None
    found = failed = False
    try:
        with open(path, "rb") as handle:
            for doc in _docs(handle, label):
                problem = doc.error
                if problem is None:
                    try:
                        record = _record(doc, label, scheme)
                    except Invalid as exc:
                        problem = Problem(label, exc.line, exc.reason)
                if problem is not None:
                    failed = True
                    yield problem
                    continue
                found = True
                if skip_invalid or not failed:
                    yield record
    except Invalid as exc:
        yield Problem(label, None, f"{exc.reason} (line {exc.line})")
        return
    except OSError as exc:
        yield Problem(label, None, f"cannot read: {exc.strerror or exc}")
        return
    if not found and not failed:
        yield Problem(label, None, "no tokens in this CoNLL file")


# --------------------------------------------------------------------------- writing

Tokenizer = Callable[[str], list[tuple[int, int]]]


def convention_tokens(text: str) -> list[list[tuple[int, int]]]:
    """Sentences of (start, end) tokens of a text built by the convention: a sentence a line,
    tokens split at single spaces."""
    sentences = []
    offset = 0
    for line in text.split("\n"):
        tokens = []
        pos = offset
        for piece in line.split(" "):
            if piece:
                tokens.append((pos, pos + len(piece)))
            pos += len(piece) + 1
        if tokens:
            sentences.append(tokens)
        offset += len(line) + 1
    return sentences


def _by_line(text: str, tokens: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Tokens from a tokenizer, grouped into sentences at line breaks (a paragraph a sentence)."""
    sentences: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    last_end = 0
    for start, end in tokens:
        if current and "\n" in text[last_end:start]:
            sentences.append(current)
            current = []
        current.append((start, end))
        last_end = end
    if current:
        sentences.append(current)
    return sentences


def _tag(label: str, first: bool, last: bool, scheme: str, after_same: bool) -> str:
    if scheme == "bioes":
        kind = "S" if first and last else "B" if first else "E" if last else "I"
    elif scheme == "iob1":
        kind = "B" if first and after_same else "I"
    else:
        kind = "B" if first else "I"
    return f"{kind}-{label}"


@dataclass(frozen=True)
class Layout:
    """A CoNLL file's columns: the separator and how many columns sit between token and tag
    (CoNLL-2003's four-column files have two: part of speech and chunk)."""

    sep: str = " "
    middle: int = 0

    def describe(self) -> str:
        return f"{self.middle + 2} columns, {'tab' if self.sep == chr(9) else 'space'}-separated"


def document_lines(
    text: str,
    meta: dict[str, Any],
    spans: list[tuple[int, int, str]],
    scheme: str | None,
    tokenize: Tokenizer,
    layout: Layout | None = None,
) -> tuple[str, list[tuple[int, int, str, str]], Layout]:
    """The document in CoNLL, the spans left out ((start, end, label, "misaligned" |
    "overlapping")) and the document's own layout. Given a `layout` (the file's, fixed by its
    first document), the document is written in it: middle columns it lacks are "_", columns
    past the layout's are dropped, the -DOCSTART- line gets the layout's column count."""
    info = meta.get("conll") if isinstance(meta.get("conll"), dict) else None
    sentences = convention_tokens(text) if info else _by_line(text, tokenize(text))
    used = scheme or (info or {}).get("scheme") or "iob2"
    starts = {tok[0]: (s, i) for s, sent in enumerate(sentences) for i, tok in enumerate(sent)}
    ends = {tok[1]: (s, i) for s, sent in enumerate(sentences) for i, tok in enumerate(sent)}
    tags = [["O"] * len(sent) for sent in sentences]
    left_out: list[tuple[int, int, str, str]] = []
    taken: set[tuple[int, int]] = set()
    for start, end, label in sorted(spans, key=lambda x: (x[0], -x[1], x[2])):
        a, b = starts.get(start), ends.get(end)
        if a is None or b is None or a[0] != b[0]:
            left_out.append((start, end, label, "misaligned"))
            continue
        cells = {(a[0], i) for i in range(a[1], b[1] + 1)}
        if cells & taken:
            left_out.append((start, end, label, "overlapping"))
            continue
        taken |= cells
        row = tags[a[0]]
        after_same = a[1] > 0 and row[a[1] - 1] != "O" and row[a[1] - 1][2:] == label
        for i in range(a[1], b[1] + 1):
            row[i] = _tag(label, i == a[1], i == b[1], used, after_same)
    lines, own = _render(text, info, sentences, tags, layout)
    return lines, left_out, own


def _own_layout(info: dict[str, Any] | None, count: int) -> tuple[Layout, list[str] | None]:
    """The layout a document was imported in, and its middle columns (None: none, or they no
    longer match its tokens)."""
    sep = (info or {}).get("sep") or " "
    middles = (info or {}).get("columns")
    if not isinstance(middles, list) or len(middles) != count or not all(isinstance(m, str) for m in middles):
        return Layout(sep, 0), None
    return Layout(sep, middles[0].count(sep) + 1 if middles and middles[0] else 0), middles


def _render(
    text: str,
    info: dict[str, Any] | None,
    sentences: list[list[tuple[int, int]]],
    tags: list[list[str]],
    layout: Layout | None,
) -> tuple[str, Layout]:
    own, middles = _own_layout(info, sum(len(s) for s in sentences))
    target = layout or own
    sep, width = target.sep, target.middle
    docstart = (info or {}).get("docstart") if info else f"{DOCSTART} O"
    if docstart and target != own:
        docstart = sep.join([DOCSTART, *(["-X-"] * width), "O"])
    out = [f"{docstart}\n\n"] if docstart else []
    k = 0
    for sentence, row in zip(sentences, tags):
        for (start, end), tag in zip(sentence, row):
            middle = middles[k] if middles else ""
            k += 1
            if target != own:
                cells = (middle.split(own.sep) if middle else [])[:width]
                middle = sep.join(cells + ["_"] * (width - len(cells)))
            out.append(f"{text[start:end]}{sep}{middle}{sep if middle else ''}{tag}\n")
        out.append("\n")
    return "".join(out), own
