"""Helpers for the TUI tests: a real SQLite store filled with the sample corpus,
hand-made (deterministic) predictions, configs with keymaps, and a runner for
Pilot bodies that needs no pytest-asyncio."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from conftest import add_document as add_doc

import annotations as core
from annotations.config import Config, default_config_text, parse_config
from annotations.store import Store

SAMPLE_DIR = Path(core.__file__).parent / "data" / "sample"
ANNOTATOR = "alice"

# Names the fake "extractor" suggests wherever they occur (whole words).
SUGGEST = [
    ("Ahmad Shah Massoud", "PERSON"),
    ("Ahmad Massoud", "PERSON"),
    ("Amrullah Saleh", "PERSON"),
    ("Panjshir", "GPE"),
    ("Kabul", "GPE"),
    ("Taliban", "ORG"),
    ("National Resistance Front", "ORG"),
    ("Monday", "DATE"),
]


def sample_records() -> list[tuple[dict[str, Any], str]]:
    out = []
    for path in sorted(SAMPLE_DIR.glob("*.md")):
        _, front, body = path.read_text("utf-8").split("---", 2)
        out.append((yaml.safe_load(front), body.strip()))
    return out


def load_sample(store: Store, limit: int | None = None) -> list[int]:
    ids = []
    for meta, body in sample_records()[:limit]:
        ids.append(
            add_doc(
                store,
                body,
                title=meta.get("title"),
                outlet=meta.get("outlet"),
                date=meta.get("date"),
                author=meta.get("author"),
            )
        )
    return ids


def suggestions(text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for name, label in SUGGEST:
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append({"start": m.start(), "end": m.end(), "label": label, "score": 0.9})
    return sorted(found, key=lambda p: (p["start"], p["end"]))


def predict(store: Store, doc_ids: list[int]) -> None:
    """Save deterministic entity predictions, as the real extractor would."""
    batch = []
    for doc_id in doc_ids:
        batch.append((doc_id, suggestions(store.document(doc_id)["text"])))
    store.save_predictions("entities", "test-1", batch)


def make_config(keymap: dict[str, str] | None = None, source: str = "test-config.yaml") -> Config:
    if not keymap:
        return parse_config(default_config_text(), source)
    base = yaml.safe_load(default_config_text())
    return parse_config(yaml.safe_dump({"keymap": keymap}), source, base=base)


def make_app(store: Store, config: Config | None = None, annotator: str = ANNOTATOR, **kwargs: Any):
    from tui.app import NewsmarkApp

    return NewsmarkApp(store, config or make_config(), annotator, **kwargs)


async def settle(pilot) -> None:
    """Let workers finish and the screen repaint (no sleeps)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def until(pilot, condition: Callable[[], bool], *, limit: float = 30.0) -> None:
    """Wait for an event the app shows (a debounced search applied, a worker's result drawn),
    checking after each message round; fails after `limit` seconds instead of hanging."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the app never reached the expected state")
        await pilot.pause(0.01)
    await settle(pilot)


async def typed_search(pilot, text: str) -> None:
    """`/`, the words, then wait until the Library has applied that search (its debounce ends)."""
    await pilot.press("slash", *text)
    await until(pilot, lambda: pilot.app.screen.search_text == text.strip())


async def open_first(pilot):
    """enter in the Library: the Reader on the first document."""
    from tui.screens.reader import ReaderScreen

    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReaderScreen)
    return pilot.app.screen


async def wait_library(pilot) -> None:
    from tui.widgets.doc_list import DocList

    for _ in range(50):
        await settle(pilot)
        if pilot.app.screen.query(DocList) and pilot.app.screen.query_one(DocList).loaded:
            return
    raise AssertionError("the Library never loaded")


Body = Callable[[Any, Any], Awaitable[None]]


def before(*keys: str):
    """A snapshot `run_before`: wait for the Library, then press `keys`, settling after each."""

    async def run_before(pilot) -> None:
        await wait_library(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await settle(pilot)

    return run_before


def run_app(app, body: Body, size: tuple[int, int] = (80, 24)) -> None:
    """Run ``body(app, pilot)`` inside ``app.run_test`` with the Library loaded."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await wait_library(pilot)
            await body(app, pilot)

    asyncio.run(main())


def strip_text(strip) -> str:
    return "".join(segment.text for segment in strip)


def screen_text(widget) -> list[str]:
    """What a Line-API widget paints, row by row."""
    return [strip_text(widget.render_line(y)) for y in range(widget.size.height)]
