"""Keys an annotator spends to bring news from the real model's suggestions to gold, per model error.

    python bench/bench_annotation_keys.py [--gold FILE.jsonl] [--learn-every N] [--json]

The gold is any newsmark JSONL file: one article a line with its `text` and `spans`
(`start`, `end`, `label`; `id` and `meta` {title, outlet, date} optional). The default is
bench/data/keys/event_a.jsonl: six articles of one event, 550-800 words each, written and
annotated blind (bench/data/keys/README.md); event_b.jsonl holds three held-out ones.

What it does, as a new team would: import the texts into a fresh database, predict with the
real model (config `model`, en_core_web_sm) with the config's labels restricted to the gold's
labels (the team's labels: nothing else is suggested), then open the Reader headless (Pilot,
80x24, default keys) and bring the documents to gold one after another in file order. A
scripted annotator takes the cheapest honest key path with the Reader's real keys, counting
every key: opening the first article, navigation (a shortest-path search over the Reader's
motions w b ( ) { } [ ] left right g G, counts such as `3}` where a digit is a count), the
fixes, `A` for the suggestions that were right, and `d`, which opens the next document. At the
end the database must hold exactly the gold, else the benchmark fails.

How each model error is fixed: a spurious suggestion with `X` when its paragraph holds only
spurious ones, else `x`; a wrong label with the label key; a wrong boundary with the edge keys
(`,` `.` `<` `>`; or `J` with the span after it when the gold holds both, then the edges),
then the label key when it is wrong too; two names run together with `|`; a name
with no suggestion, or anything else, by selecting it (`v`, motions) and a label key. A
decision on a suggestion applies to the open suggestions with the same text and model label
(the Reader's propagation), so one fix may settle several errors, and may need undoing where
the same words are a different entity. After `d` (which opens the next document), when the
annotator decided anything in the finished document: `=`, which counts the suggestions its
decisions would take in the documents not yet done (on the status line), and `=` again when
there are any, which applies them (the Reader's offer at done). Nothing else is known of the
other documents: what the decisions get wrong there is fixed there, and counted.

A model error is a suggestion that is not exactly a gold span, or a gold span no suggestion
touches (counted on the suggestions shown when the document is opened). Reported: keys,
errors, keys per error (target <= 2.0), per document with navigation and decisions apart.
With `--learn-every N` the config says `learn: {every: N}` and the learning loop runs as in
the app: the `d` that marks the Nth document done starts a round in a process of its own
(annotations.learn.loop: check on the gold the model in use never learned from, fine-tune on
all the gold so far, register, use the model only when the check's dev F1 did not drop,
re-predict the documents nobody has started; the first round follows the first document); the
benchmark waits for it,
then the Reader does what its timer does when a round ends (the open, untouched document
shows the learned model's suggestions) and the next document is counted from there. Each
document's `learned` entry is the round that followed it (state, dev F1 before and after).
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml

from annotations.config import Config, default_config_text, load_config, parse_config
from annotations.learn.loop import LOG_SUFFIX, due, wait_round
from annotations.predict.run import run_predict
from annotations.reading.layout import next_sentence, next_word, prev_sentence, prev_word, word_end
from annotations.reading.names import free_runs
from annotations.reading.session import ReadingSession, step, trim
from annotations.reading.tokens import Tokens
from annotations.store import Store, content_hash, now
from annotations.store.learning import latest_round
from tui.app import NewsmarkApp
from tui.screens.reader import ReaderScreen

ANNOTATOR = "bench"
DEFAULT_GOLD = ROOT / "bench" / "data" / "keys" / "event_a.jsonl"
NAVIGATION = {"w", "b", "left", "right", "g", "G", "enter", "apostrophe", *"{}[]()"} | {
    "right_parenthesis",
    "left_parenthesis",
    "right_curly_bracket",
    "left_curly_bracket",
    "right_square_bracket",
    "left_square_bracket",
}
Span = tuple[int, int, str]


class GoldError(Exception):
    """A gold file the benchmark cannot use (one line naming file and line)."""


# ---------------------------------------------------------------------------- the gold file


def read_gold(path: Path) -> list[dict[str, Any]]:
    """Articles of a newsmark JSONL gold file: text, spans (start, end, label), title, outlet, date."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = record["text"]
            meta = record.get("meta") or {}
            spans = sorted((int(s["start"]), int(s["end"]), str(s["label"])) for s in record["spans"])
        except (ValueError, KeyError, TypeError) as exc:
            raise GoldError(f"{path}:{number}: not a gold record with text and spans ({exc})") from None
        if not isinstance(text, str) or any(not (0 <= s < e <= len(text)) for s, e, _ in spans):
            raise GoldError(f"{path}:{number}: a span lies outside the text")
        out.append(
            {
                "id": str(record.get("id") or number),
                "text": text,
                "title": meta.get("title") or record.get("title") or text.split("\n", 1)[0][:120],
                "outlet": meta.get("outlet") or record.get("outlet"),
                "date": meta.get("date") or record.get("date"),
                "gold": spans,
            }
        )
    if not out:
        raise GoldError(f"{path}: no articles")
    return out


def team_config(labels: set[str]) -> Config:
    """The default config with only the gold's labels (keys and colours as shipped)."""
    config = parse_config(default_config_text(), "<bench>")
    missing = sorted(labels - set(config.label_names))
    if missing:
        raise GoldError(f"gold label {missing[0]} is not in the default config's labels")
    return config.model_copy(update={"labels": [label for label in config.labels if label.name in labels]})


def load(store: Store, articles: list[dict[str, Any]], config: Config) -> tuple[list[int], str]:
    """Import the texts and predict with the real model; (document ids in file order, model)."""
    ids = []
    with store.transaction() as conn:
        for article in articles:
            cur = conn.execute(
                "INSERT INTO documents (hash, title, text, outlet, date, imported_at, meta) VALUES (?,?,?,?,?,?,?)",
                (
                    content_hash(article["text"]),
                    article["title"],
                    article["text"],
                    article["outlet"],
                    article["date"],
                    now(),
                    "{}",
                ),
            )
            ids.append(int(cur.lastrowid))  # type: ignore[arg-type]
    report = run_predict(store, config, n_process=1)
    return ids, report.model


def count_errors(gold: list[Span], preds: list[Span]) -> tuple[int, int]:
    """(right suggestions, model errors) as the module docstring defines them."""
    right = len(set(preds) & set(gold))
    wrong = len(preds) - right
    missed = sum(1 for s, e, _ in gold if not any(ps < e and s < pe for ps, pe, _ in preds))
    return right, wrong + missed


# ---------------------------------------------------------------------------- navigation

COUNTED = {
    "right_curly_bracket": 9,
    "left_curly_bracket": 3,
    "right_square_bracket": 9,
    "left_square_bracket": 3,
    "apostrophe": 9,
}
"""Motions tried with a count (2 up to this many): a digit is a count where it labels nothing,
so only the digits that are label keys count (1-5 with five labels)."""


def motions(text: str, session: ReadingSession, selecting: bool) -> dict[str, Callable[[int], int]]:
    """Where each Reader motion takes the cursor from an offset (as ArticleView moves it)."""
    last = len(text) - 1
    stops = session.stops
    entity_starts = sorted({r["start"] for r in session.now.gold.values()} | set(session.now.pred_starts))
    taken = [*session.now.gold.values(), *session.now.preds.values()]
    name_starts = [s for s, _ in free_runs(text, taken)]

    def to(starts: list[int], delta: int, wrap: bool) -> Callable[[int], int]:
        def move(c: int) -> int:
            found = step(starts, c, delta, wrap)
            return c if found is None else found

        return move

    moves: dict[str, Callable[[int], int]] = {
        "w": (lambda c: word_end(text, c)) if selecting else (lambda c: next_word(text, c)),
        "b": lambda c: prev_word(text, c),
        "right": lambda c: min(last, c + 1),
        "left": lambda c: max(0, c - 1),
    }
    if not selecting:
        moves.update(
            {
                "right_parenthesis": lambda c: next_sentence(text, c),
                "left_parenthesis": lambda c: prev_sentence(text, c),
                "right_curly_bracket": to(stops, 1, True),
                "left_curly_bracket": to(stops, -1, True),
                "apostrophe": to(name_starts, 1, False),
                "right_square_bracket": to(entity_starts, 1, False),
                "left_square_bracket": to(entity_starts, -1, False),
                "g": lambda c: 0,
                "G": lambda c: last,
            }
        )
    return moves


def path(
    text: str, session: ReadingSession, start: int, goals: set[int], *, selecting: bool = False, counts: int = 1
) -> list[str]:
    """The fewest keys from `start` to any offset in `goals` (Dijkstra: a counted motion is two
    keys; `counts` is the highest digit that is a label key, so a count)."""
    if start in goals:
        return []
    moves = motions(text, session, selecting)
    best = {start: 0}
    back: dict[int, tuple[int, list[str]]] = {}
    heap = [(0, start)]
    while heap:
        cost, c = heapq.heappop(heap)
        if c in goals:
            keys: list[str] = []
            while c != start:
                c, pressed = back[c]
                keys[:0] = pressed
            return keys
        if cost > best.get(c, 1 << 30):
            continue
        plain = not selecting and session.entity_at(c) is None and session.name_at(c) is None
        for key, move in moves.items():
            options = [(move(c), [key], 1)]
            if plain and key in COUNTED:
                n = c
                for count in range(1, min(COUNTED[key], counts) + 1):
                    n = move(n)
                    if count > 1:
                        options.append((n, [str(count), key], 2))
            for n, pressed, price in options:
                if cost + price < best.get(n, 1 << 30):
                    best[n] = cost + price
                    back[n] = (c, pressed)
                    heapq.heappush(heap, (cost + price, n))
    raise RuntimeError(f"no path from {start} to {sorted(goals)[:3]}")


# ---------------------------------------------------------------------------- the annotator


def edge_keys(tokens: Tokens, have: tuple[int, int], want: tuple[int, int]) -> list[str] | None:
    """Edge keys turning span `have` into `want`, or None if token steps cannot."""
    keys: list[str] = []
    s, e = have
    for _ in range(12):
        if (s, e) == want:
            return keys
        if s > want[0]:
            moved, key = tokens.grow_start(s, e), "comma"
        elif s < want[0]:
            moved, key = tokens.shrink_start(s, e), "full_stop"
        elif e < want[1]:
            moved, key = tokens.grow_end(s, e), "greater_than_sign"
        else:
            moved, key = tokens.shrink_end(s, e), "less_than_sign"
        if moved is None:
            return None
        s, e = moved
        keys.append(key)
    return None


class Annotator:
    """Plans the next fix from what the Reader's session holds, and presses its keys."""

    def __init__(self, pilot: Any, reader: Any, label_keys: dict[str, str]) -> None:
        self.pilot, self.reader, self.label_keys = pilot, reader, label_keys
        self.counts = max((int(k) for k in label_keys.values() if k.isdigit()), default=1)
        self.gold: list[Span] = []
        self.keys: list[str] = []
        self.by_task: dict[str, list[int]] = {}  # task kind -> [tasks, keys]

    @property
    def session(self) -> ReadingSession:
        return self.reader.session

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.keys.append(key)
            await self.pilot.press(key)
        await self.pilot.pause()

    async def go(self, target: int) -> None:
        start = self.reader.article.cursor
        keys = path(self.session.text, self.session, start, {target}, counts=self.counts)
        await self.press(*keys)
        assert self.reader.article.cursor == target, (start, keys, self.reader.article.cursor, target)

    def _gold_hits(self, s: int, e: int) -> list[Span]:
        return [g for g in self.gold if g[0] < e and s < g[1]]

    def tasks(self) -> list[tuple[int, str, Any]]:
        """What is not yet right: wrong open suggestions and stored spans (an edit may leave
        one), and gold spans nothing in the store overlaps; (start, kind, item) in text order."""
        gold_set = set(self.gold)
        now_ = self.session.now
        rows = list(now_.preds.values()) + list(now_.gold.values())
        out: list[tuple[int, str, Any]] = [
            (p["start"], "pred", p) for p in rows if (p["start"], p["end"], p["label"]) not in gold_set
        ]
        for g in self.gold:
            if not any(r["start"] < g[1] and g[0] < r["end"] for r in rows):
                out.append((g[0], "missing", g))
        return sorted(out, key=lambda t: t[0])

    def next_task(self) -> tuple[str, Any] | None:
        """Of the things not yet right, the one the fewest keys away (of the nearest few ahead,
        else from the top): an annotator reads on and fixes what they meet."""
        tasks = self.tasks()
        if not tasks:
            return None
        cursor = self.reader.article.cursor
        ahead = sorted(tasks, key=lambda t: abs(t[0] - cursor))[:4]
        text = self.session.text

        def cost(t: tuple[int, str, Any]) -> int:
            return len(path(text, self.session, cursor, {t[0]}, counts=self.counts))

        _, kind, item = min(ahead, key=cost)
        return kind, item

    async def fix_pred(self, p: dict[str, Any]) -> None:
        s, e = p["start"], p["end"]
        hits = self._gold_hits(s, e)
        await self.go(s)
        if not hits:
            para = self.session.paragraph(s)
            in_para = [q for q in self.session.now.preds.values() if para[0] <= q["start"] < para[1]]
            bulk = len(in_para) > 1 and all(not self._gold_hits(q["start"], q["end"]) for q in in_para)
            await self.press("X" if bulk else "x")
            return
        if len(hits) == 1:
            gs, ge, glabel = hits[0]
            if (gs, ge) == (s, e):
                await self.press(self.label_keys[glabel])
                return
            keys = edge_keys(self.session.tokens, (s, e), (gs, ge))
            merged = self._merge_keys(p, (gs, ge))
            if merged is not None and (keys is None or len(merged[1]) + 1 < len(keys)):
                await self.go(merged[0])  # J on the first of two spans the gold holds, then the edges
                keys = merged[1]
            if keys is not None:
                await self.press(*keys)  # the edges first: the cursor stays on the span (a label key moves on)
                hit = self.session.entity_at(self.reader.article.cursor)
                if (
                    hit is not None and hit[1]["label"] != glabel
                ):  # then the label, which takes the likes the edges took
                    await self.press(self.label_keys[glabel])
                return
        if len(hits) > 1 and hits[1][0] > s:  # two names run together: split before the second
            await self.go(hits[1][0])
            await self.press("vertical_line")
            return
        await self.select(hits[0])

    def _merge_keys(self, p: dict[str, Any], want: tuple[int, int]) -> tuple[int, list[str]] | None:
        """Where to press `J` (merge with the next span, as the Reader picks it) and the keys
        from there turning `p` and its neighbour into `want`, when `want` holds both; else None."""
        now_ = self.session.now
        rows = [
            r for r in (*now_.gold.values(), *now_.preds.values()) if (r["start"], r["end"]) != (p["start"], p["end"])
        ]
        before = [r for r in rows if want[0] < r["end"] <= p["start"]]
        after = [r for r in rows if r["start"] >= p["end"]]
        if before:  # the span before p: J there takes p
            first = max(before, key=lambda r: (r["start"], r["end"]))
            nearest = min((r for r in [*rows, p] if r["start"] >= first["end"]), key=lambda r: (r["start"], r["end"]))
            span = (first["start"], nearest["end"]) if nearest is p else None
        elif after and min(after, key=lambda r: (r["start"], r["end"]))["start"] < want[1]:
            first, span = p, (p["start"], min(after, key=lambda r: (r["start"], r["end"]))["end"])
        else:
            return None
        keys = edge_keys(self.session.tokens, span, want) if span is not None else None
        return None if keys is None else (first["start"], ["J", *keys])

    async def go_any(self, targets: set[int]) -> None:
        start = self.reader.article.cursor
        keys = path(self.session.text, self.session, start, targets, counts=self.counts)
        await self.press(*keys)
        assert self.reader.article.cursor in targets, (start, keys, self.reader.article.cursor)

    async def select(self, g: Span) -> None:
        """A name no span covers that is exactly the gold: the cursor anywhere on it and the
        label key. A name run holding more than the gold ("Deputy Minister Jasur Tashmatov"):
        the label key on it, then the edge keys; or v at the start, motions to the last
        character, the label key, whichever is fewer keys."""
        gs, ge, label = g
        session, text = self.session, self.session.text
        on_name = {c for c in range(gs, ge) if session.name_at(c) == (gs, ge)}
        if on_name:
            await self.go_any(on_name)
            await self.press(self.label_keys[label])
            return
        cursor = self.reader.article.cursor
        ends = {p for p in range(ge - 1, min(len(text), ge + 3)) if trim(text, gs, p + 1) == (gs, ge)}
        to_start = path(text, session, cursor, {gs}, counts=self.counts)
        stretch = path(text, session, gs, ends, selecting=True, counts=self.counts)
        best: tuple[list[str], list[str], list[str]] = (to_start, ["v", *stretch], [self.label_keys[label]])
        runs = {run for c in range(gs, ge) if (run := session.name_at(c)) is not None and run[0] <= gs < ge <= run[1]}
        for run in runs:
            edges = edge_keys(session.tokens, run, (gs, ge))
            if edges is None:
                continue
            there = path(text, session, cursor, set(range(*run)), counts=self.counts)
            if len(there) + 1 + len(edges) < sum(map(len, best)):
                best = (there, [self.label_keys[label]], edges)
        for keys in best:
            await self.press(*keys)

    async def document(self, gold: list[Span]) -> None:
        """Bring the open document to `gold` and mark it done (which opens the next)."""
        self.gold = gold
        decided_before = self.by_task.get("pred", [0])[0]
        for _ in range(500):
            task = self.next_task()
            if task is None:
                break
            kind, item = task
            before = len(self.keys)
            if kind == "pred":
                await self.fix_pred(item)
            else:
                await self.select(item)
            tally = self.by_task.setdefault(kind, [0, 0])
            tally[0] += 1
            tally[1] += len(self.keys) - before
        if self.session.open_count:
            await self.press("A")
        finished = self.reader.doc_id
        await self.press("d")
        decided = self.by_task.get("pred", [0])[0] > decided_before
        if decided and self.reader.doc_id != finished:  # the next document opened: `=` counts, `=` applies
            await self.press("equals_sign")
            await self.everywhere_done()
            if self.reader.entities.pending is not None:
                await self.press("equals_sign")
                await self.everywhere_done()

    async def everywhere_done(self) -> None:
        """`=` counts and applies in a worker: the annotator reads the status line when it is back."""
        while self.reader.entities.busy is not None:
            await self.pilot.pause(0.01)


def split_keys(keys: list[str]) -> tuple[int, int]:
    """(navigation keys, decision keys): a digit before a motion is navigation."""
    nav = sum(
        1
        for i, k in enumerate(keys)
        if k in NAVIGATION or (k.isdigit() and keys[i + 1 : i + 2] != [] and keys[i + 1] in NAVIGATION)
    )
    return nav, len(keys) - nav


# ---------------------------------------------------------------------------- the run


def learning_config(config: Config, every: int, folder: Path) -> Config:
    """The team's config with `learn.every` N, as a file: the app passes its config file to the
    trainer process it spawns (annotations.learn.loop.maybe_spawn), so the rounds train on the
    same labels and settings as the app would."""
    data = config.model_dump(mode="json")
    data["learn"]["every"] = every
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return load_config(path)


def wait_for_learning(store: Store, config: Config) -> dict[str, Any] | None:
    """Wait for the round the app's `d` spawned (if one was due), as an annotator who paused
    until the header said it learned; the round as learn_rounds holds it (None before the first)."""
    wait_round(store, config)
    if due(store, config):
        log = Path(str(store.path) + LOG_SUFFIX)
        tail = log.read_text("utf-8", "replace").strip().splitlines()[-1:] if log.exists() else []
        raise RuntimeError(f"the learning round did not run: {tail[0] if tail else 'no log'}")
    row = latest_round(store)
    if row is None:
        return None
    keep = ("id", "state", "docs", "before_f1", "after_f1", "model", "used", "repredicted", "message")
    return {k: row[k] for k in keep} | {"seconds": seconds_between(row["started_at"], row["finished_at"])}


def seconds_between(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 1)


async def annotate(
    store: Store, config: Config, articles: list[dict[str, Any]], ids: list[int], learn_every: int | None
) -> list[dict[str, Any]]:
    label_keys = {label.name: label.key for label in config.labels if label.key}
    app = NewsmarkApp(store, config, ANNOTATOR)
    results = []
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause()
            if app.screen.query("DocList") and getattr(app.screen.query_one("DocList"), "loaded", False):
                break
        await pilot.press("enter")  # open the first article: counted
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        annotator = Annotator(pilot, reader, label_keys)
        annotator.keys.append("enter")
        for n, (article, doc_id) in enumerate(zip(articles, ids), 1):
            assert reader.doc_id == doc_id, (reader.doc_id, doc_id)
            shown = sorted((p["start"], p["end"], p["label"]) for p in reader.session.predictions)
            right, errors = count_errors(article["gold"], shown)
            before = 0 if n == 1 else len(annotator.keys)  # the first counts the enter that opened it
            await annotator.document(article["gold"])
            keys = annotator.keys[before:]
            nav, decisions = split_keys(keys)
            results.append(
                {
                    "id": article["id"],
                    "keys": len(keys),
                    "errors": errors,
                    "keys_per_error": round(len(keys) / max(1, errors), 2),
                    "navigation": nav,
                    "decisions": decisions,
                    "right": right,
                    "suggestions": len(shown),
                    "sequence": " ".join(keys),
                }
            )
            if learn_every and n < len(ids):  # `d` spawned a round if one was due, as in the app
                results[-1]["learned"] = wait_for_learning(store, config)
                reader.follow_learning()  # what the Reader's timer does: the open document gets the new suggestions
                await pilot.pause()
        await app.workers.wait_for_complete()
    for article, doc_id in zip(articles, ids):
        got = sorted((r["start"], r["end"], r["label"]) for r in store.spans(doc_id, ANNOTATOR))
        if got != article["gold"] or store.status(doc_id, ANNOTATOR) != "done":
            raise RuntimeError(
                f"{article['id']}: the store does not hold the gold: missing "
                f"{sorted(set(article['gold']) - set(got))[:3]}, extra {sorted(set(got) - set(article['gold']))[:3]}"
            )
    return results


def measure(gold_path: Path, learn_every: int | None = None, articles_max: int | None = None) -> dict[str, Any]:
    articles = read_gold(gold_path)[:articles_max]
    config = team_config({label for a in articles for _, _, label in a["gold"]})
    with tempfile.TemporaryDirectory() as tmp:
        config = learning_config(config, learn_every or 0, Path(tmp))  # learning off: every 0
        store = Store(Path(tmp) / "keys.db")
        try:
            ids, model = load(store, articles, config)
            docs = asyncio.run(annotate(store, config, articles, ids, learn_every))
        finally:
            store.close()
    keys = sum(d["keys"] for d in docs)
    errors = sum(d["errors"] for d in docs)
    return {
        "gold": str(gold_path),
        "model": model,
        "labels": config.label_names,
        "learn_every": learn_every,
        "keys": keys,
        "errors": errors,
        "keys_per_error": round(keys / max(1, errors), 3),
        "navigation": sum(d["navigation"] for d in docs),
        "decisions": sum(d["decisions"] for d in docs),
        "right": sum(d["right"] for d in docs),
        "docs": docs,
    }


def run(repeats: int = 1, articles: int | None = None) -> dict[str, Any]:
    """The bench suite's entry (bench/run.py): the default fixture, learning off (its first
    `articles` only: the smoke size)."""
    del repeats  # deterministic: one pass is the measurement
    found = measure(DEFAULT_GOLD, articles_max=articles)
    return {
        "name": "annotation_keys",
        "ours": found["keys"],
        "baseline": found["errors"],
        "unit": "keys / model errors",
        "ratio": found["keys_per_error"],
        "target": 2.0,
        "better": "lower",
        "n": f"{len(found['docs'])} articles, {found['right']} right suggestions, {found['errors']} model errors, "
        f"{found['keys']} keys ({found['navigation']} navigation)",
        "per_article": [{k: d[k] for k in ("id", "keys", "errors", "navigation", "decisions")} for d in found["docs"]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="newsmark JSONL gold file (text plus spans)")
    parser.add_argument(
        "--learn-every", type=int, default=None, metavar="N", help="run the learning loop every N documents"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.learn_every is not None and args.learn_every < 1:
        print("--learn-every: expected a positive number of documents", file=sys.stderr)
        return 2
    try:
        found = measure(args.gold, args.learn_every)
    except GoldError as exc:
        print(f"bench_annotation_keys: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    print(f"{found['gold']} · model {found['model']} · labels {', '.join(found['labels'])}")
    print(f"{'document':<32} {'keys':>5} {'errors':>6} {'k/err':>6} {'nav':>5} {'decide':>6}")
    for d in found["docs"]:
        print(
            f"{d['id'][:32]:<32} {d['keys']:>5} {d['errors']:>6} {d['keys_per_error']:>6.2f} "
            f"{d['navigation']:>5} {d['decisions']:>6}"
        )
        if d.get("learned"):
            r = d["learned"]
            f1 = " -> ".join("n/a" if x is None else f"{x:.2f}" for x in (r["before_f1"], r["after_f1"]))
            print(f"  then learned from {r['docs']} documents: {r['state']}, dev F1 {f1}, {r['seconds']} s")
    print(
        f"{'total':<32} {found['keys']:>5} {found['errors']:>6} {found['keys_per_error']:>6.2f} "
        f"{found['navigation']:>5} {found['decisions']:>6}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
