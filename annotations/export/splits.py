"""Splits by document: parse --split, cut exact counts, assign documents reproducibly from a seed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from annotations.errors import UserInputError

DEFAULT_SPLIT = {"train": 0.8, "dev": 0.1, "test": 0.1}
_SPLIT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def parse_split(value: str | dict[str, float] | None) -> dict[str, float] | None:
    """A split as given on the command line: "train=0.8,dev=0.1,test=0.1", "0.8,0.1,0.1"
    (train, dev, test; two numbers give train, dev) or a mapping. Fractions must be positive
    and add up to 1. Raises UserInputError naming what is wrong."""
    if value is None:
        return None
    if isinstance(value, dict):
        items = list(value.items())
    else:
        text = str(value).strip()
        if not text:
            raise UserInputError("--split: empty (expected e.g. train=0.8,dev=0.1,test=0.1)")
        parts = [p.strip() for p in text.split(",") if p.strip()]
        items = []
        names = ["train", "dev", "test"]
        for i, part in enumerate(parts):
            if "=" in part:
                name, _, num = part.partition("=")
                name = name.strip()
            else:
                if i >= len(names):
                    raise UserInputError(f"--split: {len(parts)} unnamed fractions (at most 3: train, dev, test)")
                name, num = names[i], part
            try:
                items.append((name, float(num)))
            except ValueError:
                raise UserInputError(f"--split: {part!r} is not NAME=FRACTION") from None
    if not items:
        raise UserInputError("--split: no fractions given")
    out: dict[str, float] = {}
    for name, frac in items:
        if not isinstance(name, str) or not _SPLIT_NAME.match(name):
            raise UserInputError(f"--split: split name {name!r} must be letters, digits, - or _")
        if name in out:
            raise UserInputError(f"--split: split {name!r} is named twice")
        if not isinstance(frac, (int, float)) or not 0 < float(frac) <= 1:
            raise UserInputError(f"--split: fraction for {name!r} must be in (0, 1], got {frac!r}")
        out[name] = float(frac)
    total = sum(out.values())
    if abs(total - 1.0) > 1e-6:
        raise UserInputError(f"--split: fractions add up to {total:g}, not 1")
    return out


def split_counts(n: int, split: dict[str, float]) -> dict[str, int]:
    """How many of n documents each split gets: largest-remainder rounding of n * fraction, so
    the counts add up to n; with n at least the number of non-zero splits, none of them is left
    empty (an empty dev set breaks `spacy train`): a missing one takes a document from the largest."""
    total = sum(split.values()) or 1.0
    quotas = {name: n * frac / total for name, frac in split.items()}
    counts = {name: int(q) for name, q in quotas.items()}
    by_remainder = sorted(split, key=lambda name: counts[name] - quotas[name])  # stable: ties in order
    for name in by_remainder[: n - sum(counts.values())]:
        counts[name] += 1
    wanted = [name for name, frac in split.items() if frac > 0]
    if n >= len(wanted):
        for name in wanted:
            if counts[name] == 0:
                counts[max(counts, key=counts.__getitem__)] -= 1
                counts[name] = 1
    return counts


def split_of(keys: Iterable[str], split: dict[str, float], seed: int = 0) -> dict[str, str]:
    """{content hash: split name} for the documents being exported, cut at `split_counts`.

    Documents are ranked by sha256(seed, content hash), a seeded shuffle that does not depend
    on database ids or import order, so the same documents and seed always split the same way."""
    ranked = sorted(set(keys), key=lambda k: hashlib.sha256(f"{seed}\0{k}".encode()).digest())
    out: dict[str, str] = {}
    start = 0
    for name, count in split_counts(len(ranked), split).items():
        out.update(dict.fromkeys(ranked[start : start + count], name))
        start += count
    return out
