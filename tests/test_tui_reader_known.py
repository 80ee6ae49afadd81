"""The app reads the team's decisions once, in a worker at startup (reading/team_cache.py,
issue 29), and each Reader it opens brings them up to date: an explicit accept written by a
second session on the same file after the app started makes that text and label known in the
document the Reader opens, and the status line counts it."""

from __future__ import annotations

from conftest import add_document
from tui_support import make_app, open_first, run_app, settle

from annotations.reading.session import ReadingSession
from annotations.store import Store

TEXT = "Kabul was calm on {day}. Officials in Herat said Kabul would reopen its schools."
DAYS = ("Monday", "Tuesday", "Wednesday")


def test_an_accept_by_a_second_session_after_startup_is_known_in_the_reader(store):
    texts = [TEXT.format(day=day) for day in DAYS]
    ids = [add_document(store, text, title=f"Kabul {day}") for text, day in zip(texts, DAYS)]
    store.save_predictions(
        "entities",
        "t1",
        [(d, [{"start": t.index("Kabul"), "end": t.index("Kabul") + 5, "label": "GPE"}]) for d, t in zip(ids, texts)],
    )
    app = make_app(store)

    async def body(app, pilot):
        await settle(pilot)
        assert app.team_cache.generation > 0  # read at startup, before any document was opened
        with Store(store.path) as other:  # a second SSH session, while this one runs
            for doc in ids[1:]:
                lena = ReadingSession(other, "lena")
                lena.open(doc)
                lena.accept(0)  # Kabul GPE, explicitly
        reader = await open_first(pilot)
        assert reader.session.team_cache is app.team_cache
        assert reader.session.now.known  # the other document's accept, read at this opening
        assert "known" in reader.status_bar.render().plain

    run_app(app, body)
