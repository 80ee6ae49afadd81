"""Benchmark: the variant linker against brute-force all-pairs rapidfuzz.

A seeded synthetic corpus of N distinct surface forms is built from real given names and
surnames (Arabic, Persian, Pashto, Slavic, Western, African, East Asian), a long tail of
pronounceable synthetic surnames, places and organisations, each entity written in 1-4
transliteration variants (Masood / Massoud / Masoud, Qaddafi / Gaddafi / Kadhafi, Zelensky /
Zelenskyy), with lone surnames, titles and acronyms, spread over documents.

* ours: ``suggest(mentions)`` end to end (normalise, block, cpdist, align, resolve, cluster).
* baseline: the raw component doing the obvious thing: normalise the same forms and score all
  pairs with ``process.cdist`` and the scorer our pipeline uses in bulk (``fuzz.ratio``),
  chunked by 2,000 rows with ``score_cutoff`` and ``np.nonzero`` (a full 100k x 100k matrix
  would need 10 GB). Above 20,000 forms the baseline is timed on a sample of row chunks and
  extrapolated linearly (the work per row is constant); the result says so.
* quality beside speed (``pairs_quality``): for both sides, recall of the generator's
  same-entity pairs and false links (pairs of two different entities), counted alike over
  pairs of normalised forms (over the sampled rows when the baseline is extrapolated).

    python bench/bench_link.py            # N=5,000 quick
    python bench/bench_link.py 20000 100000 --repeats 1

Measured on the 2-core development machine (shared, so timings move by +-30%):

    n        ours     baseline          ratio   peak RSS (after corpus)
    5,000    0.38 s   0.14 s            2.7     52 MB (38 MB)
    20,000   1.6 s    2.8 s             0.55    107 MB (65 MB)
    100,000  13 s     98 s (extrap.)    0.13    426 MB (137 MB)

With variants-3 (name-like labels in one comparison pool, slips; 2026-12-03 on a heavily
loaded machine, the baseline 4-7 times slower than above): ratio 0.26-0.28 at 20,000 forms
(130 MB peak), 0.06 at 100,000 (669 MB peak: one token index for every name-like label).

The linker's cost grows about linearly (blocking on token keys, no all-pairs step); brute
force grows with n squared. Below about 20,000 forms the C++ all-pairs kernel finishes
before the pure-Python alignment and context resolution do. The linker also returns
clusters and reasons, and its synthetic precision is about 0.96 at 20,000 forms and 0.89
at 100,000; the baseline only returns scores.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

try:
    from annotations.extract.normalize import clear_caches, loose
    from annotations.extract.variants import Mention, normalize, suggest
except ImportError:  # running from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from annotations.extract.normalize import clear_caches, loose
    from annotations.extract.variants import Mention, normalize, suggest

GIVEN = """ahmad mohammad muhammad ali hassan hussein omar abdullah abdul khalid yusuf ibrahim
ismail mustafa hamid rashid said karim nasser faisal tariq zabihullah amrullah fahim faiz
khalifa saif muammar fathi imad aguila abdelhamid jamal walid samir nabil adel anwar bashir
farid ghulam habib jalal kamal latif mahmoud majid mansour nizar qasim rahim salim sami
sharif tahir wahid zaki zia rohullah gulbuddin sirajuddin hibatullah ashraf hamid amir
volodymyr vladimir sergei dmitry alexei oleksandr mykola andriy yulia olena natalia
viktor petro mikhail igor yuri boris ivan pavel nikolai arseniy vitali
john james robert michael william david richard joseph thomas charles daniel paul mark
george steven andrew kenneth joshua kevin brian edward ronald timothy jason jeffrey
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa
emmanuel kwame kofi amadou ousmane mamadou ibrahima moussa cheikh abdoulaye aliyu musa
bola goodluck olusegun uhuru william jomo yoweri paul cyril jacob thabo nelson
xi li wang zhang liu chen yang huang zhao wu zhou jin kim park lee choi jung kang
hiroshi takeshi yuki kenji shinzo fumio narendra rahul sonia amit imran nawaz shehbaz
recep ekrem kemal mevlut hulusi bashar hafez maher asma hassan nouri haider mustafa""".split()
SURNAMES = """massoud saleh mujahid hameed dashti zara haftar dbeibah gaddafi bashagha sayeh
kubis karzai ghani abdullah hekmatyar haqqani akhundzada baradar stanekzai muttaqi
yaqoob rabbani dostum atta mohaqiq khalili sayyaf ahmadzai mohib amin nabil
zelensky putin lavrov shoigu navalny tymoshenko poroshenko yanukovych klitschko kuleba
reznikov zaluzhny budanov podolyak yermak medvedev peskov zakharova kadyrov prigozhin
smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez
lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson
white harris sanchez clark ramirez lewis robinson walker young allen king wright
scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell
carter roberts obi okonkwo adeyemi okafor mensah asante diallo traore keita kone
toure sow ba ndiaye sall kenyatta odinga ruto museveni kagame ramaphosa zuma mbeki
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo kim lee park choi
jung kang cho yoon abe kishida suga modi gandhi khan sharif bhutto erdogan imamoglu
assad maliki sadr sistani khamenei rouhani raisi zarif soleimani nasrallah""".split()
PLACES = """panjshir kabul kandahar herat mazar kunduz jalalabad ghazni bamiyan badakhshan
tripoli benghazi misrata sirte sebha derna tobruk zawiya ghat kufra
kyiv kharkiv odesa lviv dnipro donetsk luhansk mariupol kherson zaporizhzhia mykolaiv
baghdad mosul basra kirkuk erbil fallujah ramadi tikrit najaf karbala
damascus aleppo homs idlib raqqa deir hama latakia daraa
sanaa aden taiz hodeidah marib mukalla tehran mashhad isfahan tabriz shiraz qom""".split()
ORG_WORDS = """national resistance front liberation army people party council commission
union movement democratic islamic revolutionary guard high elections independent
security forces special intelligence service ministry defence interior justice
supreme court central bank authority agency federal united popular socialist""".split()
TITLES = ["Mr", "Mrs", "Ms", "Dr", "Gen.", "President", "Prime Minister", "Sheikh", "Mullah"]
SYLL = """ba da ka ma na ra sa ta za ha la fa ja ga ya wa bi di ki mi ni ri si ti zi hi li
bu du ku mu nu ru su tu zu hu lu sha kha gha dha tha qa ko mo no ro so to lo ne re le
me ke se te ze an ar al am ad ab ir il im in un ul ur us ov ev in ski enko yan ian""".split()


def _variant(tok: str, rng: random.Random) -> str:
    """One transliteration variant of a lower-case token."""
    rules = [
        ("ou", "oo"),
        ("oo", "ou"),
        ("ou", "u"),
        ("u", "ou"),
        ("ss", "s"),
        ("s", "ss"),
        ("ee", "i"),
        ("i", "ee"),
        ("e", "i"),
        ("i", "e"),
        ("a", "e"),
        ("q", "k"),
        ("k", "q"),
        ("dh", "d"),
        ("dd", "dh"),
        ("kh", "k"),
        ("y", "iy"),
        ("y", "yy"),
        ("ll", "l"),
        ("mm", "m"),
        ("m", "mm"),
        ("o", "u"),
        ("u", "o"),
        ("sh", "ch"),
        ("iy", "y"),
        ("gh", "g"),
        ("v", "w"),
        ("j", "dj"),
        ("ah", "a"),
    ]
    rng.shuffle(rules)
    for a, b in rules:
        idx = tok.find(a, 1)
        if idx > 0:
            return tok[:idx] + b + tok[idx + len(a) :]
    return tok + "h" if not tok.endswith("h") else tok[:-1]


def _synthetic_surname(rng: random.Random) -> str:
    return "".join(rng.choice(SYLL) for _ in range(rng.randint(2, 4)))


def make_corpus(n: int, seed: int = 7) -> tuple[list[Mention], dict[str, set[int]]]:
    """Mentions covering exactly n distinct normalised forms, and form -> entity ids."""
    rng = random.Random(seed)
    surnames = list(SURNAMES) + [_synthetic_surname(rng) for _ in range(max(200, n // 3))]
    places = list(PLACES) + [_synthetic_surname(rng) for _ in range(max(50, n // 20))]
    n_docs = max(20, n // 4)
    seen: set[tuple[str, str]] = set()
    forms_entity: dict[str, set[int]] = {}
    mentions: list[Mention] = []
    ent = 0

    def zipf(seq: list[str]) -> str:
        return seq[min(len(seq) - 1, int(rng.paretovariate(1.1)) - 1)] if rng.random() < 0.5 else rng.choice(seq)

    def emit(form: str, label: str, docs: list[int]) -> None:
        key = (label, normalize(form))
        forms_entity.setdefault(form, set()).add(ent)
        for d in rng.sample(docs, k=min(len(docs), rng.randint(1, 3))):
            mentions.append(Mention(form, label, d, rng.randint(0, 5000)))
        seen.add(key)

    cap = lambda t: " ".join(w[:1].upper() + w[1:] for w in t.split())  # noqa: E731
    # one entity per base name, and no two entities whose names differ only by
    # transliteration (merged consonant classes, vowels ignored), so that the precision
    # reported against the generator's entities is meaningful
    used: set[tuple[str, ...]] = set()

    def fresh(make) -> tuple[str, ...] | None:
        for _ in range(50):
            b = make()
            k = tuple(loose(t) for t in b)
            if k not in used:
                used.add(k)
                return b
        return None

    while len(seen) < n:
        ent += 1
        docs = [rng.randrange(n_docs) for _ in range(rng.randint(1, 5))]
        kind = rng.random()
        if kind < 0.7:
            b = fresh(lambda: tuple([zipf(GIVEN)] + ([zipf(GIVEN)] if rng.random() < 0.25 else []) + [zipf(surnames)]))
            if b is None:
                surnames.append(_synthetic_surname(rng))
                continue
            base = list(b)
            for v in range(rng.randint(1, 4)):
                toks = [(_variant(t, rng) if (v and rng.random() < 0.5) else t) for t in base]
                form = cap(" ".join(toks))
                if rng.random() < 0.08:
                    form = rng.choice(TITLES) + " " + form
                emit(form, "PERSON", docs)
                if rng.random() < 0.3:
                    emit(cap(toks[-1]) + ("'s" if rng.random() < 0.2 else ""), "PERSON", docs)
        elif kind < 0.88:
            b = fresh(lambda: (zipf(places),))
            if b is None:
                places.append(_synthetic_surname(rng))
                continue
            place = b[0]
            for v in range(rng.randint(1, 3)):
                form = cap(_variant(place, rng) if v else place)
                if rng.random() < 0.1:
                    form += rng.choice([" Province", " Valley", " University", " Airport"])
                emit(form, rng.choice(["GPE", "GPE", "LOC", "FAC"]), docs)
        else:
            b = fresh(lambda: tuple(rng.choice(ORG_WORDS) for _ in range(rng.randint(2, 4))))
            if b is None:
                continue
            words = list(b)
            name = cap(" ".join(words))
            emit(name, "ORG", docs)
            if rng.random() < 0.4:
                emit("".join(w[0] for w in words).upper(), "ORG", docs)
            if rng.random() < 0.3:
                emit(cap(" ".join(_variant(w, rng) if rng.random() < 0.3 else w for w in words)), "ORG", docs)
    return mentions, forms_entity


def _distinct_forms(mentions: list[Mention]) -> list[str]:
    seen: dict[str, None] = {}
    for m in mentions:
        seen.setdefault(m.form, None)
    return list(seen)


def baseline(
    mentions: list[Mention], threshold: float = 85, chunk: int = 2000, max_rows: int | None = None, workers: int = -1
) -> tuple[float, int, bool, list[str], list[tuple[int, int]]]:
    """Normalise the distinct forms, cdist all pairs with fuzz.ratio (the scorer our bulk step
    uses) and take the pairs over the cutoff (np.nonzero, as a linker must to report them).
    Returns (seconds, hits, extrapolated, the sorted keys, the pairs i < j of key indices)."""
    t0 = time.perf_counter()
    keys = sorted({normalize(f) for f in _distinct_forms(mentions)} - {""})
    n = len(keys)
    rows = n if max_rows is None else min(n, max_rows)
    hits = 0
    found = []
    for s in range(0, rows, chunk):
        q = keys[s : s + chunk]
        m = process.cdist(q, keys, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.uint8, workers=workers)
        i, j = np.nonzero(m)
        hits += len(i)
        found.append((i + s, j))
        del m
    dt = time.perf_counter() - t0
    pairs = [(int(a), int(b)) for i, j in found for a, b in zip(i.tolist(), j.tolist()) if a < b]  # untimed
    if rows < n:
        return dt * n / rows, hits, True, keys, pairs
    return dt, hits, False, keys, pairs


def key_entities(forms_entity: dict[str, set[int]]) -> dict[str, set[int]]:
    """Normalised form -> the generator's entities written that way."""
    out: dict[str, set[int]] = {}
    for form, ents in forms_entity.items():
        out.setdefault(normalize(form), set()).update(ents)
    return out


def true_pairs(entities: dict[str, set[int]], keep=lambda key: True) -> set[frozenset[str]]:
    """Every pair of distinct normalised forms of one entity (a pair `keep` accepts on either side)."""
    by_entity: dict[int, list[str]] = {}
    for key, ents in entities.items():
        for e in ents:
            by_entity.setdefault(e, []).append(key)
    return {
        frozenset((a, b))
        for keys in by_entity.values()
        for x, a in enumerate(keys)
        for b in keys[x + 1 :]
        if a != b and (keep(a) or keep(b))
    }


def link_quality(proposed: set[frozenset[str]], truth: set[frozenset[str]], entities: dict[str, set[int]]) -> dict:
    """Recall of the true pairs and the false links (pairs of two different entities), over
    pairs of normalised forms, the same count for the linker and the baseline."""
    pairs = {p for p in proposed if len(p) == 2}
    false = sum(1 for a, b in map(tuple, pairs) if not entities.get(a, set()) & entities.get(b, set()))
    right = len(pairs & truth)
    return {
        "pairs": len(pairs),
        "recall": round(right / max(1, len(truth)), 3),
        "false_links": false,
        "precision": round((len(pairs) - false) / max(1, len(pairs)), 3),
        "true_pairs": len(truth),
    }


def quality(sugg, forms_entity: dict[str, set[int]]) -> dict:
    """Precision of proposed pairs against the generator's entities (a synthetic sanity check)."""
    good = sum(1 for p in sugg.pairs if forms_entity.get(p.a, set()) & forms_entity.get(p.b, set()))
    return {
        "pairs": len(sugg.pairs),
        "precision": round(good / max(1, len(sugg.pairs)), 3),
        "clusters": len(sugg.clusters),
    }


def _maxrss_mb() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024.0 if sys.platform != "darwin" else r / (1024.0 * 1024.0)


def run(n: int, repeats: int = 1, *, seed: int = 7, workers: int = -1) -> dict:
    """Time suggest() against brute force on n distinct synthetic forms; best of `repeats`."""
    mentions, forms_entity = make_corpus(n, seed)
    gc.collect()
    rss_before = _maxrss_mb()
    max_rows = None if n <= 20000 else 10000
    ours = base = float("inf")
    peak = rss_before
    sugg = None
    hits = 0
    extrapolated = False
    keys: list[str] = []
    found: list[tuple[int, int]] = []
    # interleaved, best of `repeats` each: the machine may be shared, and the load then
    # falls on both sides alike
    for r in range(max(1, repeats)):
        clear_caches()  # every repeat starts cold, like a fresh `newsmark link suggest`
        gc.collect()
        t0 = time.perf_counter()
        sugg = suggest(mentions, workers=workers)
        ours = min(ours, time.perf_counter() - t0)
        if r == 0:
            peak = _maxrss_mb()  # the process high-water mark, before any baseline ran
        b, hits, extrapolated, keys, found = baseline(mentions, max_rows=max_rows, workers=workers)
        base = min(base, b)
    entities = key_entities(forms_entity)
    sampled = set(keys[:max_rows]) if extrapolated else set(keys)  # the baseline's rows, when sampled
    truth = true_pairs(entities, keep=lambda key: key in sampled)
    ours_pairs = {frozenset((normalize(p.a), normalize(p.b))) for p in sugg.pairs} if sugg else set()
    if extrapolated:  # like for like: the linker's pairs on the rows the baseline scored
        ours_pairs = {p for p in ours_pairs if p & sampled}
    return {
        "name": "link",
        "ours": round(ours, 3),
        "baseline": round(base, 3),
        "unit": "s",
        "ratio": round(ours / base, 3) if base else None,
        "target": 0.5,
        "better": "lower",
        "n": n,
        "mentions": len(mentions),
        "peak_mb": round(peak, 1),  # process peak RSS after suggest()
        "peak_mb_before": round(rss_before, 1),  # ... after building the corpus, before it
        "baseline_scorer": "fuzz.ratio cdist, chunked 2000 rows, score_cutoff=85",
        "baseline_extrapolated": extrapolated,
        "baseline_hits": hits,
        "quality": quality(sugg, forms_entity),
        # recall and false links over pairs of normalised forms, the same count for both sides
        # (over the baseline's sampled rows when it is extrapolated)
        "pairs_quality": {
            "ours": link_quality(ours_pairs, truth, entities),
            "baseline": link_quality({frozenset((keys[i], keys[j])) for i, j in found}, truth, entities),
            "over": f"{len(sampled):,} of {len(keys):,} normalised forms" if extrapolated else "all normalised forms",
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="*", type=int, default=[5000])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--workers", type=int, default=-1)
    args = ap.parse_args(argv)
    for n in args.n:
        print(json.dumps(run(n, args.repeats, workers=args.workers)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
