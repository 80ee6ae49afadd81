"""Reader keystroke latency at 20,000 words as a ratio to the same keys at 200 words.

    python bench/bench_reader.py [--quick]

No raw component does what the Reader does, so there is no baseline program: each figure is
the absolute latency on the machine it ran on, and the ratio is how it scales with the article's
length (the same app at 200 words). Three rows: cursor motion (`reader_keystroke_scale`), and
the two writes a user waits on: an accept (`reader_accept`: `a` on an open suggestion) and a
label write (`reader_label`: a label key on the next suggestion, another label than the
model's), both as in Correct mode (each moves the cursor to the next open one), timed from
the key until its row is committed to SQLite and the frame showing it is painted (the write is
synchronous in the key's handler; after each timed key the row is checked through a separate
read-only connection). Writes also hold an absolute budget: WRITE_BUDGET_MS.

Headless (Pilot, 80x24), the real app on a seeded temporary store: the Library opens, the
Reader is pushed on the article, and cursor keys take the path a terminal's do (into the app's
queue as the driver puts them -> bindings -> ``ReaderScreen.action_move`` -> ``ArticleView``).  One sample is
the wall time from sending one key until the frame showing its effect has been painted: the
event queues drained (no sleeps; ``Pilot.pause`` would add 20 ms idle-detection sleeps per call
and hide the work), then the screen's update (``Screen._on_timer_update``, what the 60 fps
refresh timer and ``Pilot.pause`` call) composites the dirty rows, and the frame is serialised to
the escape sequences a terminal would get (headless Textual skips that step; the probe does it so
the cost is counted).  Keys cycle ``w right down b left down`` (see ``CYCLE``): every key moves
the cursor, and the long article scrolls a row on each vertical move while the short one, which
about fits the screen, hardly ever scrolls.  Both articles are open at once, each in its
own app on the same event loop, and the presses alternate between them one by one (ABBA), over
a few fresh pairs of apps: a burst of load from elsewhere hits both sides alike.  Medians per
key press, also split into presses that scrolled and presses that did not (like against like:
the split shows what is due to length and what to scrolling).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import events
from textual._compositor import CompositorUpdate

from annotations.config import load_config
from annotations.store import Store, content_hash, now
from bench.bench_predict import NAMES, PLACES, corpus

ANNOTATOR = "bench"
SIZE = (80, 24)
BIG, SMALL = 20_000, 200
CYCLE = ("w", "right", "down", "b", "left", "down")
"""Every key moves the cursor; one in three is vertical (``up`` while bouncing back from the end),
so the long article scrolls a row on a third of the presses once its cursor is past the first
screen.  Not one in two: a scrolling frame costs about twice a still one at any article length,
and with half the presses in each cluster the median flips between them from run to run."""
KEY_CHARS = {"w": "w", "b": "b", "a": "a", "right_curly_bracket": "}", **{str(d): str(d) for d in range(10)}}
"""The character of each printable key sent; the rest are named keys without a character."""
WARMUP = 60
"""Untimed presses first: caches warm, and the long article's cursor has gone far enough down
(20 rows) that its view scrolls on every vertical move from then on, so quick and full runs
time the same mix."""


# ---------------------------------------------------------------------------- shared probe


class FrameProbe:
    """Counts the frames an app paints and, headless, serialises each one as a terminal would.

    Installed on the instance (``app._display``), so nothing in the app changes.  ``frames`` and
    ``last_frame`` (perf_counter) say when a frame was last painted; ``on_frame`` runs after each.
    """

    def __init__(self, app, on_frame=None) -> None:
        self.app = app
        self.frames = 0
        self.chars = 0
        self.last_frame = 0.0
        self.on_frame = on_frame
        self._display = app._display
        app._display = self._wrapped

    def _wrapped(self, screen, renderable) -> None:
        self._display(screen, renderable)
        if renderable is None:
            return
        app = self.app
        if app.is_headless and isinstance(renderable, CompositorUpdate):
            self.chars += len(renderable.render_segments(app.console))
        self.frames += 1
        self.last_frame = time.perf_counter()
        if self.on_frame is not None:
            self.on_frame(self)


WRITES = 10
"""Accept-then-label cycles timed per app (fresh store each); each takes two suggestions, and the
200-word article holds 28: 2 * (WRITE_WARMUP + WRITES) of them are used."""
WRITE_WARMUP = 2
WRITE_BUDGET_MS = 100.0
"""An accept or a label write must show within 100 ms (the usual limit of a response that feels
instant) at either length."""


# ---------------------------------------------------------------------------- data


def article(words: int, seed: int = 11) -> str:
    """Exactly ``words`` words of the seeded news-like corpus, paragraphs kept."""
    k = max(1, words // 150)
    while True:
        text = "\n\n".join(corpus(k, seed=seed))
        found = list(re.finditer(r"\S+", text))
        if len(found) >= words:
            cut = found[words - 1].end()
            return text[:cut].rstrip(".,“”") + "."
        k *= 2


def suggestions(text: str) -> list[dict]:
    """Deterministic entity predictions wherever a known name or place occurs."""
    out = []
    for names, label in ((NAMES, "PERSON"), (PLACES, "GPE"), (["Taliban"], "ORG")):
        for name in names:
            out += [
                {"start": m.start(), "end": m.end(), "label": label, "score": 0.9}
                for m in re.finditer(rf"\b{re.escape(name)}\b", text)
            ]
    return sorted(out, key=lambda p: (p["start"], p["end"]))


SYLLABLES = ("ka", "lo", "mi", "ne", "su", "ta", "ri", "vo", "de", "zu", "pa", "gi")


def numbered(text: str) -> str:
    """Every name and place followed by a surname of its own ("Kabul Kalomi"), so that no two
    suggestions share a text: a decision on a suggestion also takes the open ones like it
    (propagation), and the write benchmark times one decision, not a sweep."""
    names = sorted({*NAMES, *PLACES, "Taliban"}, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")
    count = iter(range(1, 10**6))

    def surname(match: re.Match) -> str:
        n, word = next(count), ""
        while n:
            n, digit = divmod(n, len(SYLLABLES))
            word += SYLLABLES[digit]
        return f"{match.group(1)} {word.capitalize()}"

    return pattern.sub(surname, text)


def unique_suggestions(text: str) -> list[dict]:
    """A suggestion on each numbered name ("Kabul Kalomi"): every suggested text is unique."""
    out = []
    for p in suggestions(text):
        surname = re.match(r" [A-Z][a-z]+", text[p["end"] :])
        if surname:
            out.append({**p, "end": p["end"] + surname.end()})
    return out


def build_store(path: Path, *, numbered_names: bool = False) -> dict[int, int]:
    """Two documents (BIG and SMALL words) with predictions; returns {words: doc_id}. The write
    benchmark asks for numbered names (see `numbered`)."""
    store = Store(path)
    suggest = unique_suggestions if numbered_names else suggestions
    ids = {}
    with store.transaction() as conn:
        for words in (BIG, SMALL):
            text = numbered(article(words)) if numbered_names else article(words)
            cur = conn.execute(
                "INSERT INTO documents (hash, title, text, outlet, date, imported_at, meta) VALUES (?,?,?,?,?,?,'{}')",
                (content_hash(text), f"A {words:,}-word article", text, "Bench Wire", "2021-09-06", now()),
            )
            ids[words] = int(cur.lastrowid)
    store.save_predictions(
        "entities",
        "bench-1",
        [(doc_id, suggest(store.document(doc_id)["text"])) for doc_id in ids.values()],
    )
    store.close()
    return ids


# ---------------------------------------------------------------------------- measuring


def _pumps(app) -> list:
    """The app, its screen and every widget on it: each runs a message pump."""
    return [app, *app.screen.walk_children(with_self=True)]


def _quiet(pumps) -> bool:
    """Every pump is blocked waiting on an empty queue: nothing is being or waiting to be handled."""
    for pump in pumps:
        queue = pump._message_queue  # textual._queue.Queue: a deque and an asyncio.Event
        if not queue.empty():
            return False
        waiters = getattr(queue.ready_event, "_waiters", None)  # None: cannot tell, trust empty()
        if waiters is not None and not any(not waiter.done() for waiter in waiters):
            return False  # the pump is still handling what it took off the queue
    return True


async def drain(pumps) -> None:
    """Yield to the event loop until every message (and whatever handling it posted) is handled.

    No sleeps and no per-widget callbacks (``Pilot._wait_for_screen`` costs ~2 ms a call on the
    Reader, the same for both sides, which would only dilute the ratio)."""
    for _ in range(1_000_000):
        await asyncio.sleep(0)
        if _quiet(pumps):
            return
    raise RuntimeError("the app never went idle after a key press")


async def press_to_frame(app, probe: FrameProbe, key: str) -> float:
    """Seconds from sending ``key`` to its frame painted (and serialised).

    The key goes into the app's queue as the driver puts it there (``App._post_message``).  The
    refresh timer may paint part or all of the frame while the queues drain; whatever is still
    dirty is then painted by the screen's update.  A key that changed nothing paints nothing."""
    event = events.Key(key, KEY_CHARS.get(key))
    event.set_sender(app)
    pumps = _pumps(app)
    t0 = time.perf_counter()
    await app._post_message(event)
    await drain(pumps)
    app.screen._on_timer_update()  # paint now what the refresh timer would paint next
    return time.perf_counter() - t0


async def _open_reader(pilot, doc_id: int):
    from tui.screens.reader import ReaderScreen
    from tui.widgets.article_view import ArticleView
    from tui.widgets.doc_list import DocList

    app = pilot.app
    for _ in range(200):
        await pilot.pause()
        if app.screen.query(DocList) and app.screen.query_one(DocList).loaded:
            break
    else:
        raise RuntimeError("the Library never loaded")
    app.screen.open_document(doc_id)
    for _ in range(200):
        await pilot.pause()
        if isinstance(app.screen, ReaderScreen) and app.screen.is_mounted:
            view = app.screen.query_one(ArticleView)
            if view.text and view.size.height:
                await app.workers.wait_for_complete()
                await pilot.pause()
                return view
    raise RuntimeError("the Reader never opened")


class Side:
    """One running app with the Reader open on one article, and what its key presses measured."""

    def __init__(self, app, view) -> None:
        self.app, self.view = app, view
        self.probe = FrameProbe(app)
        self.last_row = len(view.text_layout.rows) - 1
        self.down = True
        self.presses = 0
        self.times: list[float] = []
        self.split: dict[str, list[float]] = {"scrolling": [], "still": []}
        self.chars = 0

    async def press(self, i: int, timed: bool) -> None:
        view, probe = self.view, self.probe
        key = CYCLE[i % len(CYCLE)]
        if key == "down":
            row = view.text_layout.row_of(view.cursor)
            if self.down and row >= self.last_row:
                self.down = False
            elif not self.down and row <= 0:
                self.down = True
            key = "down" if self.down else "up"
        cursor, top = view.cursor, view.scroll_offset.y
        frames, chars = probe.frames, probe.chars
        with self.app._context():  # two apps share the event loop: this one is "active"
            elapsed = await press_to_frame(self.app, probe, key)
        moved = view.cursor != cursor
        if moved and probe.frames == frames:
            raise RuntimeError(f"{key!r} moved the cursor but no frame was painted")
        if not timed:
            return
        self.presses += 1
        if not moved:
            return  # a key at the end of the text: nothing to paint, not timed
        self.times.append(elapsed)
        self.split["scrolling" if view.scroll_offset.y != top else "still"].append(elapsed)
        self.chars += probe.chars - chars


async def session(db: Path, ids: dict[int, int], presses: int, sides: dict[int, list[Side]]) -> None:
    """Both articles open at once, each in its own app; key presses alternate between them one by
    one (ABBA), so a burst of load from elsewhere on the machine hits both sides alike."""
    from tui.app import NewsmarkApp

    stores = {words: Store(db) for words in (BIG, SMALL)}
    apps = {words: NewsmarkApp(stores[words], load_config(), ANNOTATOR) for words in (BIG, SMALL)}
    try:
        async with apps[BIG].run_test(size=SIZE) as pilot_big, apps[SMALL].run_test(size=SIZE) as pilot_small:
            now_open = {}
            for words, pilot in ((BIG, pilot_big), (SMALL, pilot_small)):
                with apps[words]._context():
                    now_open[words] = Side(apps[words], await _open_reader(pilot, ids[words]))
            for i in range(WARMUP + presses):
                for words in (BIG, SMALL) if i % 2 == 0 else (SMALL, BIG):
                    await now_open[words].press(i, timed=i >= WARMUP)
            for words, side in now_open.items():
                sides[words].append(side)
    finally:
        for store in stores.values():
            store.close()


# ---------------------------------------------------------------------------- writes


class Writer:
    """One app with the Reader open, accepting and labelling suggestions in turn; each timed key
    is checked to have committed its row, through a separate read-only connection."""

    def __init__(self, app, view, db: Path, doc_id: int) -> None:
        self.app, self.view, self.doc_id = app, view, doc_id
        self.probe = FrameProbe(app)
        self.check = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        self.keys = {label.name: label.key for label in app.config.labels}
        self.times: dict[str, list[float]] = {"accept": [], "label": []}
        self.started = False

    def committed_label(self, cursor: int) -> str | None:
        row = self.check.execute(
            'SELECT label FROM spans WHERE doc_id = ? AND annotator = ? AND start <= ? AND "end" > ?',
            (self.doc_id, ANNOTATOR, cursor, cursor),
        ).fetchone()
        return row[0] if row else None

    async def key(self, key: str) -> float:
        frames = self.probe.frames
        with self.app._context():  # two apps share the event loop: this one is "active"
            elapsed = await press_to_frame(self.app, self.probe, key)
        if self.probe.frames == frames:
            raise RuntimeError(f"{key!r} painted no frame")
        return elapsed

    async def cycle(self, timed: bool) -> None:
        """`a` on the open suggestion under the cursor, then a label key (NORP, which no
        suggestion here has) on the next one; each moves the cursor to the next open suggestion."""
        if not self.started:
            await self.key("right_curly_bracket")  # untimed: `}`, to the first open suggestion
            self.started = True
        times = {}
        for kind, key, label in (("accept", "a", None), ("label", self.keys["NORP"], "NORP")):
            cursor = self.view.cursor
            if self.committed_label(cursor) is not None:
                raise RuntimeError(f"no open suggestion under the cursor for {key!r}")
            times[kind] = await self.key(key)
            committed = self.committed_label(cursor)
            if committed is None or (label and committed != label):
                raise RuntimeError(f"{key!r} painted a frame before its span was committed")
            if self.view.cursor == cursor:
                raise RuntimeError("no open suggestion left")
        if timed:
            for kind, elapsed in times.items():
                self.times[kind].append(elapsed)


async def write_session(tmp: Path, writes: int, out: dict[int, list[Writer]]) -> None:
    """Both articles open at once on fresh stores, writes alternating between them (ABBA)."""
    from tui.app import NewsmarkApp

    dbs = {}
    for words in (BIG, SMALL):
        dbs[words] = tmp / f"writes-{len(out[words])}-{words}.db"
        dbs[words] = (dbs[words], build_store(dbs[words], numbered_names=True)[words])
    stores = {words: Store(db) for words, (db, _) in dbs.items()}
    apps = {words: NewsmarkApp(stores[words], load_config(), ANNOTATOR) for words in (BIG, SMALL)}
    writers: dict[int, Writer] = {}
    try:
        async with apps[BIG].run_test(size=SIZE) as pilot_big, apps[SMALL].run_test(size=SIZE) as pilot_small:
            for words, pilot in ((BIG, pilot_big), (SMALL, pilot_small)):
                db, doc_id = dbs[words]
                with apps[words]._context():
                    writers[words] = Writer(apps[words], await _open_reader(pilot, doc_id), db, doc_id)
            for i in range(WRITE_WARMUP + writes):
                for words in (BIG, SMALL) if i % 2 == 0 else (SMALL, BIG):
                    await writers[words].cycle(timed=i >= WRITE_WARMUP)
            for words, writer in writers.items():
                out[words].append(writer)
    finally:
        for writer in writers.values():
            writer.check.close()
        for store in stores.values():
            store.close()


def write_rows(writers: dict[int, list[Writer]], writes: int, repeats: int) -> list[dict]:
    rows = []
    for kind, what in (("accept", "an accept (`a`)"), ("label", "a label write (a label key on a suggestion)")):
        big = [t for w in writers[BIG] for t in w.times[kind]]
        small = [t for w in writers[SMALL] for t in w.times[kind]]
        o, b = statistics.median(big) * 1e3, statistics.median(small) * 1e3
        rows.append(
            {
                "name": f"reader_{kind}",
                "ours": round(o, 3),
                "baseline": round(b, 3),
                "unit": "ms",
                "ratio": round(o / b, 3),
                "target": 1.5,
                "better": "lower",
                "budget": {"value": round(max(o, b), 3), "max": WRITE_BUDGET_MS, "unit": "ms"},
                "p90": {"ours": round(_pct(big, 0.9) * 1e3, 3), "baseline": round(_pct(small, 0.9) * 1e3, 3)},
                "n": (
                    f"{what}: key to committed row to painted frame, {writes} per app x {repeats} app pairs, "
                    f"{BIG:,} vs {SMALL} words, alternating (medians)"
                ),
            }
        )
    return rows


async def _run(quick: bool, presses: int | None, repeats: int | None, writes: int | None) -> dict:
    presses = presses or (100 if quick else 300)
    repeats = repeats or (2 if quick else 4)  # fresh pairs of apps
    writes = writes or (8 if quick else WRITES)
    writers: dict[int, list[Writer]] = {BIG: [], SMALL: []}
    sides: dict[int, list[Side]] = {BIG: [], SMALL: []}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "reader.db"
        ids = build_store(db)
        for _ in range(repeats):
            await session(db, ids, presses, sides)
            await write_session(Path(tmp), writes, writers)

    def pooled(words: int, kind: str | None = None) -> list[float]:
        return [t for side in sides[words] for t in (side.times if kind is None else side.split[kind])]

    def med(values: list[float]) -> float | None:
        return round(statistics.median(values) * 1e3, 3) if values else None

    o, b = med(pooled(BIG)), med(pooled(SMALL))
    info = {
        words: {
            "rows": sides[words][0].last_row + 1,
            "presses": sum(s.presses for s in sides[words]),
            "moved": len(pooled(words)),
            "scrolled": len(pooled(words, "scrolling")),
            "chars": sum(s.chars for s in sides[words]),
        }
        for words in (BIG, SMALL)
    }
    big, small = info[BIG], info[SMALL]
    return {
        "name": "reader_keystroke_scale",
        "ours": o,
        "baseline": b,
        "unit": "ms",
        "ratio": round(o / b, 3),
        "target": 1.5,
        "better": "lower",
        "n": (
            f"{presses} presses x {repeats} app pairs per side, alternating press by press (median per "
            f"press, key to painted frame, 80x24); {BIG:,} words ({big['rows']} rows) vs {SMALL} words "
            f"({small['rows']} rows); cursor moved on {big['moved']}/{big['presses']} vs "
            f"{small['moved']}/{small['presses']} presses (only those timed), view scrolled "
            f"{big['scrolled']} vs {small['scrolled']} times"
        ),
        "p90": {"ours": round(_pct(pooled(BIG), 0.9) * 1e3, 3), "baseline": round(_pct(pooled(SMALL), 0.9) * 1e3, 3)},
        # The same medians split by whether the press scrolled the view: "still" compares like
        # with like (length alone); the short article about fits the screen, so it seldom scrolls.
        **{
            f"{kind}_presses": {"ours": med(pooled(BIG, kind)), "baseline": med(pooled(SMALL, kind))}
            for kind in ("scrolling", "still")
        },
        "frame_chars": {
            "ours": round(big["chars"] / big["moved"]),  # escape-sequence characters per press
            "baseline": round(small["chars"] / small["moved"]),
        },
        "also": write_rows(writers, writes, repeats),
    }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(quick: bool = False, presses: int | None = None, repeats: int | None = None, writes: int | None = None) -> dict:
    return asyncio.run(_run(quick, presses, repeats, writes))


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv[1:]))
