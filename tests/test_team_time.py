"""Time and quality per annotator: active time from the log, throughput, keys per model error,
F1 against the reviewed layer, gold checks, `stats --time/--quality` and the Team screen."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import add_document
from tui_support import ANNOTATOR, make_app, make_config, run_app, settle

from annotations.store import Store
from annotations.store.activity import Keystroke, keystrokes, record_keys
from annotations.team.assign import assign
from annotations.team.quality import compare, quality_report
from annotations.team.time import active_seconds, model_errors, time_report
from tui.keylog import KeyLog
from tui.screens.team import TeamScreen, sparkline, team_data

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Ahmad Massoud met Amrullah Saleh in Bazarak on Monday, officials in Kabul said."
#        0    5        14   19       28    34 37     44


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "team.db")
    yield s
    s.close()


def add_doc(store: Store, text: str = TEXT, title: str = "Valley") -> int:
    return add_document(store, text, title=title)


def test_active_time_leaves_out_pauses_longer_than_the_cutoff():
    # 10 actions 2 s apart, a 90 s break, 5 more: 9 + 4 gaps of 2 s are work, the break is not
    times = [2.0 * i for i in range(10)] + [18 + 90 + 2.0 * i for i in range(5)]
    assert active_seconds(times, idle=60) == pytest.approx(26.0)
    assert active_seconds(times, idle=100) == pytest.approx(26.0 + 90)
    assert active_seconds([5.0], idle=60) == 0


def test_model_errors_count_wrong_suggestions_and_untouched_gold():
    gold = [(0, 13, "PERSON"), (18, 32, "PERSON"), (36, 43, "GPE")]
    preds = [(0, 13, "PERSON"), (18, 32, "ORG"), (60, 65, "GPE")]
    # a wrong label (one error), a spurious span (one), Bazarak missed (one); Saleh is touched
    assert model_errors(gold, preds) == 3


def test_time_report_from_real_keys_and_actions(store):
    doc = add_doc(store)
    store.save_predictions("entities", "v1", [(doc, [{"start": 0, "end": 13, "label": "ORG"}])])
    t0 = 1_700_000_000.0
    keys = [Keystroke("alice", doc, t0 + 2 * i, "reader.next_word") for i in range(10)]
    keys += [Keystroke("alice", doc, t0 + 18 + 90 + 2 * i, "reader.accept") for i in range(5)]
    keys += [Keystroke("bob", None, t0 + i, None) for i in range(4)]
    assert record_keys(store, keys) == 19
    store.add_span(doc, 0, 13, "PERSON", "alice")
    store.add_span(doc, 18, 32, "PERSON", "alice")
    store.set_status(doc, "alice", "done")

    report = time_report(store, idle=60, labels=["PERSON", "GPE"])
    rows = {r.annotator: r for r in report.rows}
    # alice: her keys give 26 s; her actions happen now, far from them, and are 0 s apart at most
    assert rows["alice"].active_s == pytest.approx(26.0, abs=2.5)
    assert rows["alice"].decisions == 2 and rows["alice"].docs_done == 1 and rows["alice"].keys == 15
    # the ORG suggestion is not her PERSON span (one error); Saleh was never suggested (one)
    assert rows["alice"].model_errors == 2 and rows["alice"].keys_per_error == 7.5
    assert rows["bob"].active_s == pytest.approx(3.0) and rows["bob"].docs_done == 0
    by_doc = time_report(store, idle=60, by="document", labels=["PERSON"])
    assert {(r.annotator, r.doc_id, r.title) for r in by_doc.rows if r.annotator == "alice"} == {
        ("alice", doc, "Valley")
    }
    by_day = time_report(store, idle=60, by="day", labels=["PERSON"])
    assert "2023-11-14" in {r.day for r in by_day.rows if r.annotator == "bob"}


def test_stats_time_json_matches_a_stopwatch_with_a_break_excluded(tmp_path):
    """Two annotators press keys with known pauses, timed by the test's own stopwatch; the
    config's idle cutoff (1 s here, 60 by default) sits between the gaps and the break."""
    db = tmp_path / "time.db"
    Store(db).close()
    cfg = tmp_path / "config.yaml"
    cfg.write_text("time:\n  idle_seconds: 1.0\n", encoding="utf-8")
    store = Store(db)
    watch: dict[str, float] = {"alice": 0.0, "bob": 0.0}
    logs = {name: KeyLog(store, name) for name in watch}
    for burst in ((10, 0.08), (5, 0.08)):  # 10 keys, a 1.5 s break, 5 keys
        for name in watch:
            start = time.monotonic()
            for i in range(burst[0]):
                logs[name].add(None, None)
                if i < burst[0] - 1:
                    time.sleep(burst[1])
            watch[name] += time.monotonic() - start
        time.sleep(1.5)
    for log in logs.values():
        log.flush()
    store.close()
    out = cli("--db", str(db), "--config", str(cfg), "stats", "--time", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["annotator"]: r for r in json.loads(out.stdout)["time"]["rows"]}
    for name, seconds in watch.items():
        assert rows[name]["active_s"] == pytest.approx(seconds, rel=0.1, abs=0.05), (name, rows[name], seconds)
        assert rows[name]["keys"] == 15


def _reviewed_doc(store: Store) -> int:
    """Alice and Bob annotate a document; review keeps Alice's Massoud and Bob's Bazarak."""
    from annotations.team import review

    doc = add_doc(store)
    for who, spans in (
        ("alice", [(0, 13, "PERSON"), (18, 32, "PERSON"), (36, 43, "ORG")]),
        ("bob", [(6, 13, "PERSON"), (36, 43, "GPE")]),
    ):
        for s, e, lab in spans:
            store.add_span(doc, s, e, lab, who)
        store.set_status(doc, who, "done")
    for cs in review.conflict_sets(store, doc):
        review.take(store, "reviewer", doc, cs, "bob" if cs.start == 36 else "alice")
    review.mark_reviewed(store, "reviewer", doc)
    return doc


def test_quality_against_the_reviewed_layer_equals_a_hand_count(store):
    doc = _reviewed_doc(store)
    layer = {(s["start"], s["end"], s["label"]) for s in store.spans(doc, "review")}
    assert layer == {(0, 13, "PERSON"), (18, 32, "PERSON"), (36, 43, "GPE")}
    q = {r["annotator"]: r for r in quality_report(store, labels=["PERSON", "GPE", "ORG"])}
    # alice: 2 of her 3 spans are in the layer of 3: P = R = 2/3; bob: 1 of 2, 1 of 3
    assert q["alice"]["strict_f"] == pytest.approx(2 / 3, abs=1e-4)
    assert q["bob"]["strict_f"] == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3), abs=1e-4)
    # partial: bob's Massoud overlaps the layer's Ahmad Massoud (same label)
    assert q["bob"]["partial_f"] == pytest.approx(2 * 1.0 * (2 / 3) / (1.0 + 2 / 3), abs=1e-4)
    assert q["alice"]["kept_rate"] == pytest.approx(2 / 3, abs=1e-4) and q["bob"]["kept_rate"] == 0.5
    assert q["alice"]["per_label"]["ORG"]["strict_f"] == 0.0
    assert compare([(0, 5, "A")], []).scores() == {"strict_f": 0.0, "partial_f": 0.0}
    assert compare([], []).scores() == {"strict_f": None, "partial_f": None}


def test_model_agreement_spots_someone_accepting_everything(store):
    doc = add_doc(store)
    preds = [{"start": 0, "end": 13, "label": "PERSON"}, {"start": 36, "end": 43, "label": "ORG"}]
    store.save_predictions("entities", "v1", [(doc, preds)])
    for p in preds:
        store.add_span(doc, p["start"], p["end"], p["label"], "blind")
    store.add_span(doc, 0, 13, "PERSON", "careful")
    store.add_span(doc, 36, 43, "GPE", "careful")
    for who in ("blind", "careful"):
        store.set_status(doc, who, "done")
    q = {r["annotator"]: r for r in quality_report(store, labels=["PERSON", "GPE", "ORG"])}
    assert q["blind"]["model_agreement"] == 1.0 and q["careful"]["model_agreement"] == 0.5


def test_gold_checks_mix_reviewed_documents_into_queues_and_score_apart(store):
    reviewed = _reviewed_doc(store)
    fresh = [add_doc(store, f"Report {i}: {TEXT}", f"R{i}") for i in range(4)]
    report = assign(store, "lead", ["carol", "dave", "alice"], 1, status="todo", gold_rate=0.5)
    checks = store.query("SELECT doc_id, annotator FROM assignments WHERE gold_check")
    # alice annotated the reviewed document: never her check; carol and dave each get it
    assert {(r["doc_id"], r["annotator"]) for r in checks} == {(reviewed, "carol"), (reviewed, "dave")}
    assert report.gold_checks == {"carol": 1, "dave": 1, "alice": 0}
    assert {r["doc_id"] for r in store.query("SELECT doc_id FROM assignments WHERE NOT gold_check")} == set(fresh)
    store.add_span(reviewed, 0, 13, "PERSON", "carol")
    store.set_status(reviewed, "carol", "done")
    q = {r["annotator"]: r for r in quality_report(store, labels=["PERSON", "GPE", "ORG"])}
    assert q["carol"]["gold_check_docs"] == 1 and q["carol"]["gold_check_f"] == pytest.approx(0.5)
    assert q["alice"]["gold_check_docs"] == 0 and q["alice"]["gold_check_f"] is None


def test_assign_gold_rate_is_checked(tmp_path):
    db = tmp_path / "a.db"
    Store(db).close()
    out = cli("--db", str(db), "assign", "--annotators", "a,b", "--gold-rate", "2")
    assert out.returncode == 2 and "--gold-rate" in out.stderr and "Traceback" not in out.stderr


def test_stats_csv_is_one_table_a_section_and_never_a_formula(tmp_path):
    db = tmp_path / "c.db"
    store = Store(db)
    record_keys(
        store, [Keystroke("=cmd|' /C calc'!A0", None, 1.0, None), Keystroke("=cmd|' /C calc'!A0", None, 2.0, None)]
    )
    store.close()
    out = cli("--db", str(db), "stats", "--time", "--quality", "--csv")
    assert out.returncode == 0, out.stderr
    time_part = out.stdout.split("\n\n")[0]
    rows = list(csv.DictReader(io.StringIO(time_part)))
    assert rows[0]["annotator"].startswith("'=") and float(rows[0]["active_s"]) == 1.0
    assert out.stdout.split("\n\n")[1].startswith("annotator,reviewed_docs")
    plain = cli("--db", str(db), "stats", "--csv")
    assert plain.returncode == 2 and "--csv" in plain.stderr


def test_the_app_logs_every_key_with_its_document_and_action(store):
    doc = add_doc(store)
    app = make_app(store)

    async def body(app, pilot) -> None:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("w", "w", "right_square_bracket")
        await pilot.press("q")
        await settle(pilot)

    run_app(app, body)
    rows = keystrokes(store, [ANNOTATOR])
    actions = [(r["doc_id"], r["action"]) for r in rows]
    assert (doc, "reader.next_word") in actions and (None, "library.open") in actions
    assert actions.count((doc, "reader.next_word")) == 2 and all(r["at"] > 1e9 for r in rows)


def test_sparkline_scales_to_its_top():
    assert sparkline([0, 4, 8], top=8) == "·▄█"
    assert sparkline([0.1, 100]) == "▁█"  # a small day still shows
    assert sparkline([1, 1], top=0) == "··" and sparkline([]) == ""


def test_team_screen_draws_at_80x24_and_cycles_periods(store):
    _reviewed_doc(store)
    now = time.time()
    record_keys(store, [Keystroke("alice", None, now - 30 + i, None) for i in range(20)])
    app = make_app(store)

    async def body(app, pilot) -> None:
        await pilot.press("T")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TeamScreen) and screen.data is not None
        table = screen.query_one("#team-table")
        assert table.row_count == 2  # alice and bob; the reviewed layer is not an annotator
        text = str(screen.query_one("#team-charts").render())
        assert "Decisions per day" in text and "alice" in text
        assert screen.period == "week"
        await pilot.press("p")
        assert screen.period == "all"
        await pilot.press("q")
        await settle(pilot)
        assert not isinstance(app.screen, TeamScreen)

    run_app(app, body)


def test_team_data_periods(store):
    _reviewed_doc(store)
    data = team_data(store, make_config())
    assert set(data.periods["all"]) >= {"alice", "bob"}
    assert data.quality["alice"]["reviewed_docs"] == 1


def test_team_screen_snapshot_no_color(snap_compare, store, monkeypatch):
    from tui_support import before

    monkeypatch.setenv("NO_COLOR", "1")
    _reviewed_doc(store)
    # the actions' times, fixed within today (UTC): the picture must not depend on the clock
    with store.transaction() as conn:
        conn.execute("UPDATE action_groups SET at = date('now') || 'T00:00:0' || (id % 10) || '+00:00'")
    assert snap_compare(make_app(store), terminal_size=(80, 24), run_before=before("T"))
