"""The local engine: one `nlp.pipe` stream with n_process worker processes, failing cleanly.

spaCy starts its worker processes with fork when the stream starts. If a fork fails (EAGAIN
from a full process table, ENOMEM), spaCy raises while the workers it already started wait on
their queues forever, and the queues' feeder threads keep the interpreter from exiting: predict
printed an internal error and hung. `guarded` ends those children, lets the queues go, and
raises PredictFailed with one line; batches committed before stay committed.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from annotations.errors import NewsmarkError


class PredictFailed(NewsmarkError):
    """predict could not run its workers (a fork failed, a worker died, a cluster failed)."""

    exit_code = 1


def _release_queues(tb: TracebackType | None) -> None:
    """Stop the interpreter from waiting at exit on the feeder threads of spaCy's queues."""
    while tb is not None:
        frame = tb.tb_frame
        for name in ("texts_q",):
            for q in frame.f_locals.get(name) or ():
                try:
                    q.cancel_join_thread()
                    q.close()
                except (AttributeError, OSError, ValueError):
                    pass
        tb = tb.tb_next


def _end_children(before: set[Any]) -> None:
    for child in multiprocessing.active_children():
        if child not in before:
            child.terminate()
    for child in multiprocessing.active_children():
        if child not in before:
            child.join(timeout=5)
            if child.is_alive():
                child.kill()


def guarded(stream: Iterator[Any], n_process: int) -> Iterator[Any]:
    """Yield from a predict stream; a failed fork or a dead worker becomes PredictFailed."""
    if n_process <= 1:
        yield from stream
        return
    before = set(multiprocessing.active_children())
    try:
        yield from stream
    except OSError as exc:
        _release_queues(exc.__traceback__)
        _end_children(before)
        why = exc.strerror or type(exc).__name__
        raise PredictFailed(
            f"cannot start {n_process} worker processes ({why}); finished batches are saved: "
            "free memory or processes, or rerun with --n-process 1"
        ) from None
    except EOFError:
        _end_children(before)
        raise PredictFailed(
            "a predict worker process died (out of memory?); finished batches are saved: "
            "rerun predict to continue, or with --n-process 1"
        ) from None
