"""Claims: every claim in the corpus, with outlet, speaker and type; grouped claims together.

Keys: ``/`` filters (outlet, speaker, type, stance or text); ``space`` marks a claim;
``g`` puts the marked claims (at least two) into one claim group - the same claim
reported by several outlets; ``a`` marks the claims that look like the highlighted
one (rapidfuzz over the claim text, numbers must agree: 300 is not 30); ``enter``
opens the claim in the Reader; ``q`` / ``escape`` go back.

Claim text is article text: sanitised, one line, ``rich.text.Text`` only.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz, process, utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from annotations.errors import NewsmarkError
from annotations.reading import claims as claim_actions
from annotations.store import Store
from annotations.team import review
from tui.keys import bindings_for
from tui.screens.reader import open_in_reader
from tui.screens.rows import RowsScreen
from tui.widgets.bars import Bar, KeyFooter
from tui.widgets.doc_list import one_line

__all__ = ["ClaimsScreen", "numbers", "numbers_compatible", "similar_claims"]

SIMILAR = 70
"""token_set_ratio at or above which two claims are proposed as the same claim."""

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "hundred": 1e2}


def numbers(text: str) -> set[float]:
    """The numbers a claim states ("1,000" and "1000" alike; "3 million" is 3e6)."""
    out: set[float] = set()
    for m in _NUMBER.finditer(text):
        raw = m.group().replace(",", "")
        try:
            value = float(raw.rstrip("."))
        except ValueError:
            continue
        following = text[m.end() : m.end() + 10].lower().split()
        if following and following[0] in _SCALE:
            value *= _SCALE[following[0]]
        out.add(value)
    return out


def numbers_compatible(a: str, b: str) -> bool:
    """Two claims can be the same only if the numbers one states are among the other's."""
    na, nb = numbers(a), numbers(b)
    if not na or not nb:
        return True
    return na <= nb or nb <= na


def similar_claims(
    claim: dict[str, Any], others: list[dict[str, Any]], *, cutoff: float = SIMILAR
) -> list[tuple[dict[str, Any], float]]:
    """Claims in other documents whose text matches ``claim``'s, numbers agreeing, best first."""

    pool = [o for o in others if o["id"] != claim["id"] and o["doc_id"] != claim["doc_id"]]
    if not pool:
        return []
    text = claim.get("text") or ""
    hits = process.extract(
        text,
        [o.get("text") or "" for o in pool],
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        limit=None,
        score_cutoff=cutoff,
    )
    return [(pool[i], score) for _, score, i in hits if numbers_compatible(text, pool[i].get("text") or "")]


class ClaimsScreen(RowsScreen, inherit_bindings=False):
    """All claims of the corpus."""

    SCOPE = "claims"
    BINDINGS = bindings_for("claims")
    AUTO_FOCUS = "#claim-table"
    DEFAULT_CSS = """
    ClaimsScreen #claims-header { height: 1; background: $panel; padding: 0 1; }
    ClaimsScreen #claim-table { height: 1fr; }
    ClaimsScreen #claims-filterbar { height: 1; background: $boost; }
    ClaimsScreen #claims-filterbar.hidden { display: none; }
    ClaimsScreen #claims-filter-label { width: auto; padding: 0 1; text-style: bold; background: $accent; }
    ClaimsScreen #claims-filter { height: 1; border: none; padding: 0 1; background: $boost; }
    ClaimsScreen #claims-filter:focus { border: none; }
    ClaimsScreen #claim-detail { height: 3; padding: 0 1; background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list[dict[str, Any]] = []
        self.rows: list[dict[str, Any]] = []
        self.marked: set[int] = set()
        self.filter_text = ""
        self.loaded = False
        self._keep_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="claims-header")
        yield DataTable(id="claim-table", cursor_type="row")
        with Horizontal(id="claims-filterbar", classes="hidden"):
            yield Static("Filter", id="claims-filter-label")
            yield Input(placeholder="outlet, speaker, type or words of the claim", id="claims-filter")
        yield Static(id="claim-detail")
        yield Bar(id="claims-status")
        yield KeyFooter()

    @property
    def table(self) -> DataTable:
        return self.query_one("#claim-table", DataTable)

    def on_mount(self) -> None:
        width = max(60, self.app.size.width)
        self.table.add_column("", width=4, key="mark")
        self.table.add_column("Outlet", width=10, key="outlet")
        self.table.add_column("Speaker", width=14, key="speaker")
        self.table.add_column("Type", width=9, key="type")
        self.table.add_column("Claim", width=max(10, width - 4 - 10 - 14 - 9 - 12), key="claim")
        self._header()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.reload(keep=self._current_id())

    # ------------------------------------------------------------------ loading

    def fetch(self, store: Store) -> list[dict[str, Any]]:
        # config review.blind: no one else's claims on a document this annotator works on, until reviewed
        viewer = self.app.annotator
        return review.visible(
            claim_actions.all_claims(store), viewer, review.blind_documents(store, self.app.config, viewer)
        )

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.loaded = True
        self.all_rows = rows
        ids = {r["id"] for r in self.all_rows}
        self.marked &= ids
        self._fill()

    def _matches(self, row: dict[str, Any]) -> bool:
        if not self.filter_text:
            return True
        needle = self.filter_text.casefold()
        hay = " ".join(str(row.get(k) or "") for k in ("outlet", "title", "speaker", "role", "type", "stance", "text"))
        return all(word in hay.casefold() for word in needle.split())

    def _fill(self) -> None:
        keep = self._keep_id if self._keep_id is not None else self._current_id()
        self.rows = [r for r in self.all_rows if self._matches(r)]
        table = self.table
        table.clear()
        for row in self.rows:
            table.add_row(*self._cells(row), key=str(row["id"]))
        if self.rows:
            index = next((i for i, r in enumerate(self.rows) if r["id"] == keep), 0)
            table.move_cursor(row=index)
        self._keep_id = None
        self._header()
        self._detail()

    def _cells(self, row: dict[str, Any]) -> list[Text]:
        mark = Text("●" if row["id"] in self.marked else " ", style="bold")
        if row.get("group_id"):
            mark.append(f"G{row['group_id']}"[:3], style="dim")
        return [
            mark,
            Text(one_line(row.get("outlet")) or "—", no_wrap=True, overflow="ellipsis"),
            Text(one_line(row.get("speaker") or "—"), no_wrap=True, overflow="ellipsis"),
            Text(one_line(row.get("type") or "—"), no_wrap=True, overflow="ellipsis"),
            Text(one_line(row.get("text") or ""), no_wrap=True, overflow="ellipsis"),
        ]

    def _header(self) -> None:
        out = Text("Claims", style="bold")
        if self.loaded:
            groups = len({r["group_id"] for r in self.all_rows if r.get("group_id")})
            out.append(
                f" · {len(self.rows):,} of {len(self.all_rows):,} · {groups} group{'' if groups == 1 else 's'}",
                style="dim",
            )
            if self.marked:
                out.append(f" · {len(self.marked)} marked", style="bold")
            if self.filter_text:
                out.append(f" · filter “{one_line(self.filter_text)}”", style="dim")
        self.query_one("#claims-header", Static).update(out)

    def _current_id(self) -> int | None:
        row = self.current
        return row["id"] if row else None

    @property
    def current(self) -> dict[str, Any] | None:
        table = self.table
        if not self.rows or not (0 <= table.cursor_row < len(self.rows)):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowHighlighted, "#claim-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        row = self.current
        detail = self.query_one("#claim-detail", Static)
        status = self.query_one("#claims-status", Bar)
        if row is None:
            detail.update(
                Text(
                    "No claims yet: in the Reader, c tags one."
                    if not self.all_rows
                    else "No claim matches the filter.",
                    style="dim",
                )
            )
            status.set(Text("q back", style="dim"))
            return
        out = Text(one_line(row.get("text") or ""))
        out.truncate(max(20, (self.size.width - 2) * 2), overflow="ellipsis")
        out.append("\n")
        bits = [
            one_line(row.get("outlet") or ""),
            one_line(row.get("date") or ""),
            f"speaker {one_line(claim_actions.speaker_and_role(row)) or '—'}",
            f"cue {one_line(row.get('cue') or '—')}",
            one_line(row.get("stance") or ""),
            "check-worthy" if row.get("checkworthy") else "",
        ]
        out.append(" · ".join(b for b in bits if b), style="dim")
        detail.update(out)
        status.set(
            Text("space mark · g group · a mark similar · / filter · enter open"),
            Text(one_line(row.get("annotator") or ""), style="dim"),
        )

    def _redraw_row(self, row: dict[str, Any]) -> None:
        table = self.table
        key = str(row["id"])
        for cell, column in zip(self._cells(row), ("mark", "outlet", "speaker", "type", "claim")):
            table.update_cell(key, column, cell)

    # ------------------------------------------------------------------ actions

    @on(DataTable.RowSelected, "#claim-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        row = self.current
        if row is not None:
            open_in_reader(self, row["doc_id"], row["start"])

    def action_mark(self) -> None:
        row = self.current
        if row is None:
            return
        self.marked ^= {row["id"]}
        self._redraw_row(row)
        self._header()
        table = self.table
        if table.cursor_row < len(self.rows) - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_group(self) -> None:
        ids = sorted(self.marked)
        current = self.current
        if len(ids) == 1 and current is not None and current["id"] not in self.marked:
            ids.append(current["id"])
        if len(ids) < 2:
            self.app.notify(
                "Mark at least two claims with space (or a: mark similar ones) to group them",
                severity="warning",
                markup=False,
            )
            return
        app = self.app
        try:
            group_id = claim_actions.group_claims(app.store, ids, app.annotator)
        except NewsmarkError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        self.marked.clear()
        self.query_one("#claims-status", Bar).set(Text(f"Grouped {len(ids)} claims as G{group_id}"))
        self.reload(keep=current["id"] if current else None)

    def action_suggest(self) -> None:
        row = self.current
        if row is None:
            return
        found = similar_claims(row, self.all_rows)
        if not found:
            self.query_one("#claims-status", Bar).set(Text("No similar claim in other documents"))
            return
        self.marked |= {row["id"]} | {other["id"] for other, _ in found}
        by_id = {r["id"]: r for r in self.rows}
        for claim_id in self.marked:
            if claim_id in by_id:
                self._redraw_row(by_id[claim_id])
        self._header()
        self.query_one("#claims-status", Bar).set(
            Text(f"Marked {len(found)} similar claim(s): g groups them, space unmarks")
        )

    def action_filter(self) -> None:
        self.query_one("#claims-filterbar").remove_class("hidden")
        self.query_one("#claims-filter", Input).focus()

    @on(Input.Changed, "#claims-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self._fill()

    @on(Input.Submitted, "#claims-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    def action_reload(self) -> None:
        self.reload(keep=self._current_id())

    def replayed(self, info: dict[str, Any] | None, line: Text) -> None:
        if info is not None:
            self.reload(keep=self._current_id())
        self.query_one("#claims-status", Bar).set(line)

    def action_back(self) -> None:
        bar = self.query_one("#claims-filterbar")
        if not bar.has_class("hidden"):
            if self.focused is self.query_one("#claims-filter", Input) or self.filter_text:
                bar.add_class("hidden")
                if self.filter_text:
                    self.query_one("#claims-filter", Input).value = ""
                self.table.focus()
                return
        if self.marked:
            self.marked.clear()
            self._fill()
            return
        self.dismiss(None)
