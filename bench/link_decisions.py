"""The linker's decisions on the link benchmark's corpora, to check that a speed change keeps them.

Dumps every pair (forms, label, score, reasons), cluster, spelling list and, with --debug,
rejection of ``suggest()`` on bench_link's seeded synthetic corpora, as one JSON file per
corpus; ``--compare`` reports any difference from an earlier dump. Run it with ``--save``
before a change and ``--compare`` after:

    python bench/link_decisions.py --save /tmp/link_decisions      # before
    python bench/link_decisions.py --compare /tmp/link_decisions   # after: SAME on every line

Default corpora: 5,000 forms, 5,000 forms with debug (rejections and near pairs), 20,000 forms.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

try:
    from bench.bench_link import make_corpus
except ImportError:  # running from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.bench_link import make_corpus

from annotations.extract.normalize import clear_caches
from annotations.extract.variants import suggest


def decisions(n: int, debug: bool, seed: int = 7) -> dict:
    """Everything suggest() decides on bench_link's corpus of n forms."""
    mentions, _ = make_corpus(n, seed)
    clear_caches()
    s = suggest(mentions, debug=debug)
    return {
        "pairs": [[p.a, p.b, p.label, p.score, p.reasons, p.forms] for p in s.pairs],
        "clusters": [[c.label, c.forms] for c in s.clusters],
        "spellings": sorted([list(k), v] for k, v in s.spellings.items()),
        "rejected": [[p.a, p.b, p.label, p.score, p.reasons] for p in s.rejected],
    }


def _differences(old: dict, new: dict) -> list[str]:
    out = []
    for part in old:
        if old[part] == new.get(part):
            continue
        a = {json.dumps(x) for x in old[part]}
        b = {json.dumps(x) for x in new.get(part, [])}
        if a == b:
            out.append(f"  {part}: same items, another order")
            continue
        out.append(f"  {part}: {len(a - b)} only before, {len(b - a)} only after")
        out += [f"    - {x[:200]}" for x in sorted(a - b)[:3]] + [f"    + {x[:200]}" for x in sorted(b - a)[:3]]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, metavar="DIR", help="write the decisions to DIR")
    mode.add_argument("--compare", type=Path, metavar="DIR", help="compare with the decisions saved in DIR")
    ap.add_argument("--n", type=int, nargs="*", default=[5000, 20000], help="corpus sizes (default 5000 20000)")
    args = ap.parse_args(argv)
    runs = [(n, debug) for n in args.n for debug in ((False, True) if n <= 5000 else (False,))]
    failed = False
    for n, debug in runs:
        got = decisions(n, debug)
        path = (args.save or args.compare) / f"link_{n}{'_debug' if debug else ''}.json"
        summary = f"{n} forms{' (debug)' if debug else ''}: {len(got['pairs'])} pairs, {len(got['clusters'])} clusters"
        if args.save:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(got, sort_keys=True), encoding="utf-8")
            print(f"{summary}: saved to {path}")
            continue
        if not path.exists():
            print(f"error: {path}: no saved decisions (run --save first)", file=sys.stderr)
            return 2
        diff = _differences(json.loads(path.read_text(encoding="utf-8")), got)
        print(f"{summary}: {'DIFFERENT' if diff else 'SAME'}")
        for line in diff:
            print(line)
        failed = failed or bool(diff)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
