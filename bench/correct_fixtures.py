"""Fixture articles for the annotation-keys benchmark: realistic news written for it, the gold
entities an annotator would give, and the stored predictions a small model makes on them
(right ones, and the kinds of errors the issue measured: wrong labels, a possessive inside the
span, spurious entities in the outlet's footer, a missed name, a span cut short).

Spans are written as (phrase, label) or (phrase, label, occurrence): the phrase's n-th
occurrence (0-based) in the text.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["ARTICLES", "resolve"]

PORT = (
    "Dockworkers at the Port of Mombasa walked off the job on Wednesday, halting the loading of "
    "tea and coffee bound for Rotterdam and Dubai as a dispute over night-shift pay entered its "
    "third week.\n"
    "The Dock Workers Union said about 4,000 of its members had joined the strike. Its general "
    "secretary, Simon Sang, told reporters outside the Kipevu terminal that the Kenya Ports "
    "Authority had ignored two earlier warnings.\n"
    "“We are not asking for a favour, we are asking for what was signed in 2019,” Sang said.\n"
    "The authority’s managing director, William Ruto Kiprono, said in a statement that talks "
    "would resume on Friday in Nairobi and that cargo bound for Uganda and Rwanda would be "
    "moved through the inland container depot at Embakasi.\n"
    "Shipping lines including Maersk and MSC warned customers of delays of up to five days. "
    "Kiprono’s office did not say how many vessels were waiting at anchor.\n"
    "More from Kenya · Africa · Business | © 2026 Coast Observer Media Group, Mombasa | Follow us on "
    "Facebook, Instagram and WhatsApp | Subscribe to the Coast Observer for $4 a month"
)

PORT_GOLD = [
    ("Port of Mombasa", "FAC"),
    ("Wednesday", "DATE"),
    ("Rotterdam", "GPE"),
    ("Dubai", "GPE"),
    ("third week", "DATE"),
    ("The Dock Workers Union", "ORG"),
    ("about 4,000", "CARDINAL"),
    ("Simon Sang", "PERSON"),
    ("Kipevu", "FAC"),
    ("the Kenya Ports Authority", "ORG"),
    ("two", "CARDINAL"),
    ("2019", "DATE"),
    ("Sang", "PERSON", 1),
    ("William Ruto Kiprono", "PERSON"),
    ("Friday", "DATE"),
    ("Nairobi", "GPE"),
    ("Uganda", "GPE"),
    ("Rwanda", "GPE"),
    ("Embakasi", "GPE"),
    ("Maersk", "ORG"),
    ("MSC", "ORG"),
    ("up to five days", "DATE"),
    ("Kiprono", "PERSON", 1),
]

PORT_PREDICTIONS = [
    ("the Port of Mombasa", "FAC"),  # boundary: "the" is not part of the name
    ("Wednesday", "DATE"),
    ("Rotterdam", "GPE"),
    ("Dubai", "GPE"),
    ("third week", "DATE"),
    ("The Dock Workers Union", "ORG"),
    ("about 4,000", "CARDINAL"),
    ("Simon Sang", "PERSON"),
    ("Kipevu", "ORG"),  # wrong label
    ("the Kenya Ports Authority", "ORG"),
    ("two", "CARDINAL"),
    ("2019", "DATE"),
    ("Sang", "PERSON", 1),
    ("William Ruto", "PERSON"),  # cut short
    ("Friday", "DATE"),
    ("Nairobi", "GPE"),
    ("Uganda", "GPE"),
    ("Rwanda", "GPE"),
    ("Embakasi", "ORG"),  # wrong label
    ("Maersk", "ORG"),
    ("MSC", "ORG"),
    ("up to five days", "DATE"),
    ("Kiprono’s", "PERSON"),  # the possessive inside the span
    # the outlet's footer
    ("Kenya", "GPE", 1),
    ("Africa", "LOC"),
    ("2026", "DATE"),
    ("Coast Observer Media Group", "ORG"),
    ("Mombasa", "GPE", 1),
    ("Facebook", "ORG"),
    ("Instagram", "ORG"),
    ("WhatsApp", "ORG"),
    ("the Coast Observer", "ORG"),
    ("$4", "MONEY"),
]

COURT = (
    "A court in Lusaka on Monday ordered the release of opposition lawmaker Grace Mwansa, who "
    "had been held for eleven days over a speech she gave in Kitwe in March.\n"
    "Judge Patricia Chanda ruled that police had failed to bring charges within the 48 hours "
    "the constitution allows. Mwansa’s lawyer, Daniel Phiri, said his client would sue the "
    "Zambia Police Service for unlawful detention.\n"
    "The ruling comes weeks before a by-election in Copperbelt Province, where Mwansa’s United "
    "Party for National Development hopes to win back a seat it lost in 2021. President Hakainde "
    "Hichilema has said the government respects the courts.\n"
    "A spokesman for the Ministry of Home Affairs, Kennedy Zulu, declined to comment on Monday.\n"
    "Get the Lusaka Times newsletter every Monday · Zambia · Southern Africa · Politics | Follow the "
    "Lusaka Times on Facebook and WhatsApp | © 2026 Lusaka Times Ltd, Cairo Road, Lusaka"
)

COURT_GOLD = [
    ("Lusaka", "GPE"),
    ("Monday", "DATE"),
    ("Grace Mwansa", "PERSON"),
    ("eleven days", "DATE"),
    ("Kitwe", "GPE"),
    ("March", "DATE"),
    ("Patricia Chanda", "PERSON"),
    ("Mwansa", "PERSON", 1),
    ("Daniel Phiri", "PERSON"),
    ("the Zambia Police Service", "ORG"),
    ("weeks", "DATE"),
    ("Copperbelt Province", "GPE"),
    ("Mwansa", "PERSON", 2),
    ("United Party for National Development", "ORG"),
    ("2021", "DATE"),
    ("Hakainde Hichilema", "PERSON"),
    ("the Ministry of Home Affairs", "ORG"),
    ("Kennedy Zulu", "PERSON"),
    ("Monday", "DATE", 1),
]

COURT_PREDICTIONS = [
    ("Lusaka", "GPE"),
    ("Monday", "DATE"),
    ("Grace Mwansa", "PERSON"),
    ("eleven days", "DATE"),
    ("Kitwe", "GPE"),
    ("March", "DATE"),
    ("Patricia Chanda", "PERSON"),
    ("Mwansa’s", "PERSON"),  # possessive
    ("Daniel Phiri", "PERSON"),
    ("the Zambia Police Service", "ORG"),
    ("weeks", "DATE"),
    ("Copperbelt Province", "GPE"),
    ("Mwansa’s United Party for National Development", "ORG"),  # two names run together
    ("2021", "DATE"),
    ("Hakainde Hichilema", "PERSON"),
    ("the Ministry of Home Affairs", "ORG"),
    ("Kennedy Zulu", "PERSON"),
    ("Monday", "DATE", 1),
    # the outlet's footer
    ("the Lusaka Times", "ORG", 0),
    ("Monday", "DATE", 2),
    ("Zambia", "GPE", 1),
    ("Southern Africa", "LOC"),
    ("the Lusaka Times", "ORG", 1),
    ("Facebook", "ORG"),
    ("WhatsApp", "ORG"),
    ("2026", "DATE"),
    ("Lusaka Times Ltd", "ORG"),
    ("Cairo Road", "FAC"),
    ("Lusaka", "GPE", 4),
]

ARTICLES: list[dict[str, Any]] = [
    {
        "title": "Mombasa dockworkers strike over night-shift pay",
        "outlet": "Coast Observer",
        "text": PORT,
        "gold": PORT_GOLD,
        "predictions": PORT_PREDICTIONS,
    },
    {
        "title": "Zambian court frees opposition lawmaker Grace Mwansa",
        "outlet": "Lusaka Times",
        "text": COURT,
        "gold": COURT_GOLD,
        "predictions": COURT_PREDICTIONS,
    },
]


def resolve(text: str, spans: list[tuple]) -> list[tuple[int, int, str]]:
    """(phrase, label[, occurrence]) -> (start, end, label), checked against the text."""
    out = []
    for phrase, label, *rest in spans:
        nth = rest[0] if rest else 0
        found = [m.start() for m in re.finditer(re.escape(phrase), text)]
        if nth >= len(found):
            raise ValueError(f"{phrase!r} occurrence {nth} is not in the text")
        out.append((found[nth], found[nth] + len(phrase), label))
    return sorted(out)
