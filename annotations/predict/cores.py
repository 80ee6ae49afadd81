"""How many processes predict uses: `model.n_process: auto` (the default) or a number, capped.

`auto` is the cores this process may run on (its CPU affinity, which containers and taskset
narrow), at most AUTO_CAP (each process holds its own copy of the pipeline), and 1 for small
runs: starting a spaCy worker process costs about a second, more than it saves on a few dozen
documents. Measured on 2 cores: 300 articles took 56 s with one process, 41 s with two.
An explicit number above the usable cores is capped with a one-line note: more processes
than cores only add start-up time and memory (and 100,000 would exhaust the process table).
"""

from __future__ import annotations

import os

AUTO = "auto"
AUTO_CAP = 8
DOCS_PER_PROCESS = 50
"""auto starts another process only for every this many pending documents."""


def usable_cores() -> int:
    """CPUs this process may run on (affinity first: a container may allow fewer than exist)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def resolve_n_process(requested: int | str | None, pending: int | None = None) -> tuple[int, str | None]:
    """(processes to use, a note to show or None) for `--n-process` / `model.n_process`."""
    cores = usable_cores()
    if requested is None or requested == AUTO:
        n = min(cores, AUTO_CAP)
        if pending is not None:
            n = min(n, max(1, pending // DOCS_PER_PROCESS))
        return max(1, n), None
    n = int(requested)
    if n < 1:
        raise ValueError(f"n_process must be 1 or more, or 'auto', got {requested!r}")
    if n > cores:
        return cores, f"n_process {n} capped at {cores}: this machine lets predict use {cores} core(s)"
    return n, None
