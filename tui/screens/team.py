"""Team (`T`): where the team's time goes and how good the work is, per annotator.

A table, one row per annotator, for the chosen period (today, this week, all time; `p`
cycles): active time (pauses over `time.idle_seconds` left out), documents finished, decisions
per active hour, keys per model error, F1 against the reviewed layer, the gold-check score,
and agreement with the model's suggestions. Under it, pictures a manager would rather look at
than read: decisions per day as a sparkline per annotator, and the model's dev F1 per
learning round. Sparklines are block characters, so they read the same with NO_COLOR; every
figure is also written as a number. Names are outside text: cleaned, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from annotations.reading.values import plural
from annotations.store import Store
from annotations.team.quality import quality_report
from annotations.team.time import time_report
from tui.keys import bindings_for
from tui.output import clean, clock
from tui.screens.rows import RowsScreen
from tui.widgets.bars import Bar, KeyFooter

__all__ = ["TeamScreen", "sparkline"]

BLOCKS = "·▁▂▃▄▅▆▇█"  # nothing, then eighths
PERIODS = ("today", "week", "all")
PERIOD_NAMES = {"today": "today", "week": "last 7 days", "all": "all time"}
DAYS = 14  # days shown in the throughput sparklines


def sparkline(values: Sequence[float], *, top: float | None = None) -> str:
    """One character per value: a dot for nothing, else a block scaled to `top` (the largest
    value when None), never lower than one eighth, so a small day still shows."""
    top = max(values, default=0) if top is None else top
    if top <= 0:
        return BLOCKS[0] * len(values)
    return "".join(BLOCKS[0] if v <= 0 else BLOCKS[max(1, min(8, round(8 * v / top)))] for v in values)


@dataclass
class Period:
    """One annotator's figures over one period."""

    active_s: float = 0.0
    docs: int = 0
    decisions: int = 0
    keys: int = 0
    errors: int = 0

    def add(self, row: dict[str, Any]) -> None:
        self.active_s += row["active_s"]
        self.docs += row["docs_done"]
        self.decisions += row["decisions"]
        self.keys += row.get("keys_on_finished", 0)
        self.errors += row["model_errors"]


@dataclass
class TeamData:
    today: date
    periods: dict[str, dict[str, Period]] = field(default_factory=dict)  # period -> annotator -> figures
    per_day: dict[str, dict[str, int]] = field(default_factory=dict)  # annotator -> day -> decisions
    quality: dict[str, dict[str, Any]] = field(default_factory=dict)
    curve: list[dict[str, Any]] = field(default_factory=list)


def team_data(store: Store, config: Any, today: date | None = None) -> TeamData:
    """Everything the screen shows, read in one go (off the UI thread)."""
    today = today or datetime.now(UTC).date()
    report = time_report(store, idle=config.time.idle_seconds, by="day", labels=config.label_names)
    data = TeamData(today=today, periods={p: {} for p in PERIODS}, curve=report.model_curve)
    week_start = (today - timedelta(days=6)).isoformat()
    for r in report.as_dict()["rows"]:
        day = r.get("day") or ""
        for period, inside in (("all", True), ("week", day >= week_start), ("today", day == today.isoformat())):
            if inside:
                data.periods[period].setdefault(r["annotator"], Period()).add(r)
        data.per_day.setdefault(r["annotator"], {})[day] = r["decisions"]
    data.quality = {q["annotator"]: q for q in quality_report(store, labels=config.label_names)}
    return data


class TeamScreen(RowsScreen, inherit_bindings=False):
    """Active time, throughput and quality per annotator."""

    SCOPE = "team"
    BINDINGS = bindings_for("team")
    AUTO_FOCUS = "#team-table"
    DEFAULT_CSS = """
    TeamScreen #team-header { height: 1; background: $panel; padding: 0 1; }
    TeamScreen #team-table { height: 1fr; }
    TeamScreen #team-charts { height: auto; max-height: 12; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.period = "week"
        self.data: TeamData | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="team-header")
        yield DataTable(id="team-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="team-charts")
        yield Bar(id="team-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("Annotator", 12), ("Active", 8), ("Docs", 5), ("Dec/h", 6), ("Keys/err", 8),
                             ("F1 rev", 6), ("Gold chk", 8), ("Model agr", 9)):  # fmt: skip
            table.add_column(label, width=width, key=label)
        self._header()
        self.reload()

    def fetch(self, store: Store) -> list[dict[str, Any]]:
        return [{"data": team_data(store, self.app.config)}]

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.data = rows[0]["data"] if rows else None
        self._fill()

    def replayed(self, info: dict[str, Any] | None, line: Text) -> None:  # no undo here
        self.query_one("#team-status", Bar).set(line)

    # ------------------------------------------------------------------ drawing

    def _header(self) -> None:
        out = Text("Team", style="bold")
        out.append(f" · {PERIOD_NAMES[self.period]}", style="bold")
        if self.data is not None:
            n = len(self.data.periods["all"])
            out.append(f" · {n} annotator{'' if n == 1 else 's'} · days are UTC", style="dim")
        self.query_one("#team-header", Static).update(out)

    def _fill(self) -> None:
        self._header()
        table = self.query_one(DataTable)
        table.clear()
        data = self.data
        if data is None:
            return
        names = sorted(set(data.periods["all"]) | set(data.quality))
        for name in names:
            fig = data.periods[self.period].get(name, Period())
            q = data.quality.get(name, {})
            table.add_row(*_cells(name, fig, q), key=name)
        self.query_one("#team-charts", Static).update(_charts(data, names))
        status = "no keys or actions logged yet" if not names else plural(len(names), "annotator")
        self.query_one("#team-status", Bar).set(Text(status), Text("p period · r reload · q back"))

    # ------------------------------------------------------------------ actions

    def action_period(self) -> None:
        self.period = PERIODS[(PERIODS.index(self.period) + 1) % len(PERIODS)]
        self._fill()

    def action_back(self) -> None:
        self.dismiss(None)


def _cells(name: str, fig: Period, q: dict[str, Any]) -> list[Text]:
    hours = fig.active_s / 3600
    per_hour = f"{fig.decisions / hours:.0f}" if hours > 0 and fig.decisions else "-"
    keys_err = f"{fig.keys / fig.errors:.1f}" if fig.errors else "-"
    check = f"{q['gold_check_f']:.2f}" if q.get("gold_check_f") is not None else "-"
    cells = [
        clean(name),
        clock(fig.active_s),
        str(fig.docs),
        per_hour,
        keys_err,
        _two(q.get("strict_f")),
        check,
        _two(q.get("model_agreement")),
    ]
    return [Text(c, no_wrap=True, overflow="ellipsis") for c in cells]


def _two(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, (int, float)) else "-"


def _charts(data: TeamData, names: list[str]) -> Text:
    """Decisions per day (the last DAYS days) and the model's dev F1 per learning round."""
    days = [(data.today - timedelta(days=DAYS - 1 - i)).isoformat() for i in range(DAYS)]
    out = Text(f"Decisions per day, last {DAYS} days\n", style="bold")
    top = max((float(v) for per in data.per_day.values() for d, v in per.items() if d in days), default=0.0)
    for name in names:
        values = [data.per_day.get(name, {}).get(d, 0) for d in days]
        out.append(f"{clean(name)[:12]:<12} ")
        out.append(sparkline(values, top=top))
        out.append(f"  {values[-1]} today, {sum(values)} in {DAYS} days\n")
    rounds = [c for c in data.curve if c.get("f") is not None]
    if rounds:
        scores = [float(c["f"]) for c in rounds]
        out.append("Model dev F1 per learning round ", style="bold")
        out.append(sparkline(scores, top=1.0))
        first = rounds[0].get("before_f")
        start = f"{first:.2f} -> " if isinstance(first, (int, float)) else ""
        out.append(f"  {start}{scores[-1]:.2f} ({len(rounds)} rounds)")
    else:
        out.append("No model trained yet: the learning curve appears after the first round.", style="dim")
    return out
