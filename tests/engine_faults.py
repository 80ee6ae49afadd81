"""A Dask task that kills its worker process once, like a machine lost mid-chunk.

Importable by the LocalCluster's worker processes (they inherit sys.path), which a function
defined inside a test module would not be.
"""

from __future__ import annotations

import os

from annotations.predict.cluster import predict_chunk


def dies_once(spec, entries, items):
    """The first call anywhere (marker file) kills its worker; every later call predicts."""
    marker = os.environ["NEWSMARK_FAULT_MARKER"]  # set before the cluster starts
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return predict_chunk(spec, entries, items)
    os.write(fd, repr([doc_id for doc_id, _ in items]).encode())
    os.close(fd)
    os._exit(1)
