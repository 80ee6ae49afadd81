"""The claim detector against hand-made gold: the README's claims figures, recomputed.

    python bench/claims_gold.py [--set dev|heldout] [--json] [--errors]

dev: three sample articles (annotations/data/sample) with tests/data/claims/sample_gold.yaml,
the set the rules were tuned on. heldout: tests/data/claims/heldout, news in other styles,
never tuned on. Each set is imported into a temporary database, its gold stored as done, and
`evaluate --extractor claims` run with the configured model (the real command's code path).
--errors lists the disagreements (for the dev set: looking at the held-out ones is tuning).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.config import load_config
from annotations.learn.evaluate.claims_gold import read_gold, score_gold_set

DATA = ROOT / "tests" / "data" / "claims"
SETS = {
    "dev": (DATA / "sample_gold.yaml", ROOT / "annotations" / "data" / "sample"),
    "heldout": (DATA / "heldout" / "gold.yaml", DATA / "heldout"),
}


def run(name: str = "heldout", pipeline: Any = None) -> dict[str, Any]:
    """The claims section of `evaluate` for one gold set (a fresh temporary database)."""
    gold_path, folder = SETS[name]
    return score_gold_set(gold_path, folder, load_config(), pipeline)


def errors(name: str, pipeline: Any = None) -> list[str]:
    """Gold claims the detector missed or got wrong, and predictions with no exact gold match."""
    from annotations.extract.pipeline import load_configured

    gold_path, folder = SETS[name]
    pipe = pipeline or load_configured(load_config().model, components={"entities", "claims"})
    out: list[str] = []
    for doc_name, claims in read_gold(gold_path).items():
        from annotations.corpus.sources import read_source

        record = next(r for r in read_source(folder / doc_name) if hasattr(r, "text"))
        text = record.text
        _, result = next(iter(pipe.predict([(doc_name, text)], tasks=["claims"])))
        preds = {(p["start"], p["end"]): p for p in result["claims"]}
        golds = {(text.find(c.text), text.find(c.text) + len(c.text)): c for c in claims}
        for span, g in golds.items():
            p = preds.get(span)
            if p is None:
                out.append(f"{doc_name} MISSED: {g.text[:90]!r}")
            elif (p["speaker"] or None, p["type"], p["stance"]) != (g.speaker, g.type, g.stance):
                out.append(
                    f"{doc_name} DIFF: {g.text[:60]!r} gold {(g.speaker, g.type, g.stance)} "
                    f"pred {(p['speaker'], p['type'], p['stance'])}"
                )
        out += [f"{doc_name} EXTRA: {p['text'][:90]!r} ({p['speaker']})" for s, p in preds.items() if s not in golds]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default=None, help="one set (default: both)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list disagreements instead of scores")
    args = parser.parse_args()
    names = [args.set] if args.set else ["dev", "heldout"]
    if args.errors:
        for name in names:
            print("\n".join(errors(name)))
        return 0
    results = {name: run(name) for name in names}
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return 0
    print(
        f"{'set':8} {'exact P':>8} {'R':>6} {'F1':>6} {'ovl P':>6} {'R':>6} {'F1':>6} "
        f"{'speaker':>8} {'type':>6} {'stance':>6} {'gold':>5} {'pred':>5}"
    )
    for name, c in results.items():
        e, o = c["exact"], c["overlap"]
        cells = [
            e["p"],
            e["r"],
            e["f"],
            o["p"],
            o["r"],
            o["f"],
            c["speaker_accuracy"],
            c["type_agreement"],
            c["stance_agreement"],
        ]
        print(
            f"{name:8} "
            + " ".join(f"{x:6.3f}" if x is not None else "   n/a" for x in cells)
            + f" {c['gold']:5d} {c['pred']:5d}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
