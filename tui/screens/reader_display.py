"""What the Reader paints besides the article: the header (title and outlet), the side panel
(the document's entities and claims) and the status line (a command's feedback, else what is
under the cursor with the keys that act on it, and the progress on the right)."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from annotations.reading.claims import speaker_and_role
from tui.actions import find_action
from tui.keys import keys_display
from tui.screens.reader_host import ReaderHost
from tui.widgets.bars import fit_words
from tui.widgets.doc_list import one_line
from tui.widgets.learning import learning_line
from tui.widgets.side_panel import entity_groups

__all__ = ["ReaderDisplay"]


_QUOTED = re.compile(r"“([^”]*)”")
SEP = " · "
GAP = 2  # cells at least between the feedback and the right side: one space ran "= elsewhere in progress" together


def shorten_quotes(plain: str, width: int) -> str:
    """Every “quoted” run of (untrusted) text in a message cut to `width` cells (middle elided)."""

    def cut(match: re.Match[str]) -> str:
        words = one_line(match.group(1))
        if cell_len(words) <= width:
            return f"“{words}”"
        head = max(1, (width - 1) * 2 // 3)
        tail = ""
        for char in reversed(words):
            if cell_len(char + tail) > width - 1 - head:
                break
            tail = char + tail
        return f"“{set_cell_size(words, head).rstrip()}…{tail.lstrip()}”"

    return _QUOTED.sub(cut, plain)


def flash_variants(flash: Text, keys: Collection[str] = ("=", "u", "/")) -> list[Text]:
    """A command's feedback, then shorter forms of it for a narrow status line: its quoted text
    shorter, then without it (what the cursor is on shows the words), then without the tally of
    what is left or open, then only what happened and the key hints it offers (the " · " parts
    that start with one of `keys`). The last is what `fit_status` cuts if even it does not fit;
    the key hints are never cut."""
    plain = flash.plain
    forms = [plain, shorten_quotes(plain, 16), shorten_quotes(plain, 8)]
    forms.append(" ".join(_QUOTED.sub("", forms[-1]).split()))  # the quote's words can go
    parts = forms[-1].split(SEP)
    hints = [p for p in parts[1:] if p.split(" ", 1)[0] in keys]
    forms.append(SEP.join([parts[0], *(p for p in parts[1:] if not p.endswith(("left", "reviewed", "open")))]))
    forms.append(SEP.join([parts[0], *hints]))
    unique = list(dict.fromkeys(forms))
    return [flash.copy() if form == plain else Text(form, style=flash.style) for form in unique]


def fit_status(lefts: list[Text], rights: list[Text], width: int, keys: Collection[str]) -> tuple[Text, Text]:
    """The first (left, right) pair that fits `width` cells with `GAP` between: the fullest
    left first, the right shedding what it can spare (`rights`, fullest first; the last holds
    the counts and is never dropped). When none fits, the last left's first part is cut at a
    word and its key hints kept whole: nothing on the line is left to the bar's ellipsis."""
    for left in lefts:
        for right in rights:
            if left.cell_len + GAP + right.cell_len <= width:
                return left, right
    right = rights[-1]
    last = lefts[-1]
    head, *rest = last.plain.split(SEP)
    hints = [p for p in rest if p.split(" ", 1)[0] in keys]
    tail = "".join(SEP + p for p in hints)
    room = width - right.cell_len - GAP - cell_len(tail)
    if room < 8:  # not even a word of what happened beside the hints: the hints go before the counts
        return Text(fit_words(head, max(1, width - right.cell_len - GAP)), style=last.style), right
    return Text(fit_words(head, room) + tail, style=last.style), right


class ReaderDisplay:
    """Header, side panel and status line of one Reader screen."""

    def __init__(self, screen: ReaderHost) -> None:
        self.screen = screen
        self._hint_keys: set[str] | None = None

    def header(self) -> None:
        screen = self.screen
        doc = screen.doc or {}
        title = one_line(doc.get("title")) or one_line((doc.get("text") or "")[:120]) or f"Document {screen.doc_id}"
        width = max(10, (screen.app.size.width or 80) - 2)
        out = Text(fit_words(title, width), style="bold")
        meta = [one_line(doc.get(k)) for k in ("outlet", "date", "author")]
        meta = [m for m in meta if m]
        out.append("\n")
        out.append(fit_words("  ·  ".join(meta), width) if meta else "no outlet, date or author", style="dim")
        learned = learning_line(screen.app.store)  # the learning loop's state (issue 29)
        if learned:
            out.append("\n" + fit_words(learned, width), style="italic")
        screen.header.update(out)

    def panel(self) -> None:
        screen = self.screen
        if screen.doc is None or not screen.side_panel.display:
            return  # a hidden panel is filled when it is shown (long articles: thousands of rows)
        now = screen.session.now
        text = screen.session.text
        groups = entity_groups(text, now.gold.values(), now.preds.values(), now.entity_names)
        claims = sorted(
            [(c["start"], c.get("type") or "claim", text[c["start"] : c["end"]], True) for c in now.claims.values()]
            + [(p["start"], p.get("type") or "claim", text[p["start"] : p["end"]], False) for p in now.claim_preds]
        )
        screen.side_panel.show(groups, [(kind, body, ok) for _, kind, body, ok in claims])

    def status(self, flash: Text | None, doc_status: str, progress: dict[str, int]) -> None:
        """The status line, fitted to the width without cutting a key hint or a count: the
        quoted text under the cursor shortens, the right side sheds the percentage, then the
        annotator, then the document counts; only then is anything cut."""
        screen = self.screen
        width = screen.status_bar.content_region.width or screen.app.size.width or 80
        annotator = one_line(screen.app.annotator)
        pct = f"{round(screen.article.progress * 100)}%"
        done = f"done {progress.get('done', 0):,}/{progress.get('total', 0):,}" if progress else ""
        rights = []
        for parts in ([annotator, pct, done], [annotator, done], [done]):
            right = Text()
            right.append(doc_status, style="bold")
            shown = [part for part in parts if part]
            if shown:
                right.append(SEP + SEP.join(shown))
            rights.append(right)
        keys = self.hint_keys()
        lefts = flash_variants(flash, keys) if flash is not None else [self.cursor_context(q) for q in (28, 16, 8)]
        # the quote shortens while the right side sheds the percentage and the annotator; the
        # counts stay, and only the first part of the message is cut, at a word
        screen.status_bar.set(*fit_status(lefts, rights, width, keys))

    def hint_keys(self) -> set[str]:
        """The keys that start the hints of the Reader's lines (`= elsewhere`, `u undoes`, `a accept, ...`);
        read once (the keymap does not change while the app runs): the status line is drawn on every key."""
        if self._hint_keys is None:
            actions = (
                "reader.everywhere",
                "reader.undo",
                "reader.find",
                "reader.accept",
                "reader.claim",
                "reader.select",
            )
            self._hint_keys = {self.key_for(a) for a in actions} | {self.label_keys_hint()}
        return self._hint_keys

    # ------------------------------------------------------------------ under the cursor

    def cursor_context(self, quote: int = 28) -> Text:
        """What is under the cursor and the keys that act on it (quoted text at most `quote` cells)."""
        screen = self.screen
        view, session = screen.article, screen.session
        selection = view.selection
        if selection is not None:
            start, end = selection
            snippet = one_line(view.text[start:end])
            if len(snippet) > 22:
                snippet = snippet[:10] + "…" + snippet[-10:]
            out = Text("select ")
            out.append(f"“{snippet}”", style="bold")
            out.append(f" · {self.label_keys_hint()} label")
            return out
        spans = view.span_at_cursor(kinds=("gold", "pred"))
        if not spans:
            claim_hint = self.claim_hint(with_role=quote >= 28)
            if claim_hint is not None:
                return claim_hint
            run = session.name_at(view.cursor)
            if run is not None:
                words = one_line(view.text[run[0] : run[1]])
                out = Text(f"“{fit_words(words, quote)}”", style="bold")
                out.append(f" no span · {self.label_keys_hint()} label it")
                return out
            return Text(
                f"{self.key_for('reader.select')} select · {self.label_keys_hint()} label · "
                f"{self.key_for('reader.next_entity')} next entity",
                style="dim",
            )
        span = spans[0]
        kind, ref = span.ref if isinstance(span.ref, tuple) else (span.kind, None)
        out = Text()
        words = one_line(view.text[span.start : span.end])
        quoted = f"“{fit_words(words, quote)}”"
        if kind == "gold":
            row: dict[str, Any] = session.now.gold.get(ref, {})
            out.append(span.label, style="bold")
            out.append(f" · {row.get('origin', 'gold')}")
            entity_id = row.get("entity_id")
            name = one_line(session.now.entity_names.get(entity_id)) if entity_id is not None else ""
            # the entity it is linked to, unless its name is the words quoted (said once, not cut twice)
            linked = (
                (" linked" if name.casefold() in words.casefold() else f" = {fit_words(name, quote)}") if name else ""
            )
            out.append(f" · {quoted}{linked}")
        else:
            out.append(f"{span.label}?", style="bold")
            if span.known:
                out.append(" known")
            out.append(f" {quoted} · ")
            out.append(
                f"{self.key_for('reader.accept')} accept, {self.key_for('reader.delete')} reject, "
                f"{self.key_for('reader.link')} link"
            )
        return out

    def claim_hint(self, *, with_role: bool = True) -> Text | None:
        """Status text for a tagged or suggested claim under the cursor (None if there is none):
        its type and speaker, with the speaker's role in the fullest variant ("Siri Nygaard
        (Meteorologist)"), which a narrow line sheds first (fit_status takes the next)."""
        session, cursor = self.screen.session, self.screen.article.cursor
        claim = session.claim_at(cursor)
        row = claim if claim is not None else session.claim_pred_at(cursor)
        if row is None:
            return None
        # what the extractor thinks of a suggestion's speaker is seen before `c`
        speaker = one_line(speaker_and_role(row) if with_role else row.get("speaker"))
        said = fit_words(speaker, 36 if with_role else 24) if speaker else "no speaker"
        if claim is not None:
            out = Text("claim", style="bold")
            out.append(f" · {claim.get('type') or '—'} · {said}")
            out.append(f" · {self.key_for('reader.claim')} edit, {self.key_for('reader.delete')} delete")
            return out
        out = Text("claim?", style="bold")
        out.append(f" {row.get('type') or 'claim'} · {said}")
        out.append(f" · {self.key_for('reader.claim')} tag it, {self.key_for('reader.delete')} reject")
        return out

    def key_for(self, action_id: str) -> str:
        app = self.screen.app
        action = find_action(action_id, app.config)
        return keys_display(action, app.keymap_config).split(" ")[0] if action else "?"

    def label_keys_hint(self) -> str:
        keys = [self.key_for(f"reader.label.{label.name}") for label in self.screen.app.config.labels]
        keys = [k for k in keys if k not in ("?", "—")]
        if keys == [str(i) for i in range(1, len(keys) + 1)] and len(keys) > 1:
            return f"1-{len(keys)}"
        if len(keys) > 3:
            return "/".join(keys[:3]) + "/…"
        return "/".join(keys) or "a label key"
