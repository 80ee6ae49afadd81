"""Claim detector over a spaCy parse (no spaCy import needed here).

    claim_predictions(doc, types=None, *, offset=0) -> [claim dict, ...]
    resolve_speakers(claims, text, mentions) -> the claims, speakers resolved to named mentions

A claim (README, "What counts as a claim") is a reported assertion attributed to a source: a
direct quotation with its attribution, an indirect report with a reporting verb (said, told,
wrote, claimed, according to, ...), or an attributed number. Not claims: the headline the text
may begin with, agency credits, unattributed narration (a bare number included), requests and
appeals on their own ("urged", "called on"), negated or declined speech ("did not say").

The phases, one module each:
  units    sentences cut at paragraph breaks; the units a quotation spans merged; a quotation
           joined to its attribution ('“...,” he said.' / 'He said: “...”') and to the quotation
           that continues it with no new source; headline and boilerplate set aside
  cues     reporting cues with content (a clause, a quotation, a denied object) and the source
           each names: subject, passive agent, object of "according to"; a report, statement or
           data followed to its author ("a statement by X" -> X); a relative "who" to its noun
  stance   type (quote if it holds quoted words, else quantity if a number drives it, else
           statement) and stance: denied (the source denies), hedged (may / could, reportedly,
           estimated, suggested, preliminary, unconfirmed, a disclaimer of the claim), asserted
           (confirmed, notes, acknowledged), reported otherwise
  names    sources the parse or the entities miss, read off commas and capitals: a named
           appositive beside a description ("Its director, Per Haugland, said"), a first name
           read as a preposition ("said Per Holm"), a title written into a name
  roles    titles and roles cut from the name and kept apart as `role`; an unnamed
           representative of a named organisation gives the organisation ("a spokeswoman for
           Harcourt" -> Harcourt, role "spokeswoman")
  mentions the named mentions a speaker can resolve to (spaCy's entities, untagged proper
           nouns, plural subjects naming people, or a document's gold spans)
  speakers pronouns and definite descriptions ("he", "they", "the agency", "the spokesperson")
           resolved to the nearest compatible named mention before the claim, the name as
           spelled at its nearest mention; "the defence" / "the prosecution" only to the counsel
           the text names as such
  organisations  "the agency", "the union": the organisation the text so describes, whose name
           fits the description's modifiers and is of no other family (organisations.py)
  reports  "the memo" / "the report" named again: the author of the report it names (the source
           of the claim citing it, or the named subject of the sentence introducing it)
  interview a Q&A interview's answers without quotation marks: the interviewee's quotations
           (the person whose claim comes last before the first "Q:"), the markers cut off

Each claim dict: start, end (character offsets in doc.text, plus `offset`; a story's opening
dateline is left out), type, speaker (text or None), speaker_start, speaker_end (the offsets of
the mention it names or resolved to, so a claim form can link its gold span and entity), role,
cue, cue_start, cue_end, stance, text. `resolve_speakers` with a document's gold spans
(`mentions_from_spans`) resolves against them instead and adds speaker_entity when linked.

Never raises on unbalanced quotation marks or empty docs; raises ValueError when the doc has no
dependency parse (load the pipeline with the "claims" component).
"""

from __future__ import annotations

from collections.abc import Iterable

from annotations.extract.claims.detect import DEFAULT_TYPES, claim_predictions
from annotations.extract.claims.mentions import Mention, mentions_from_doc, mentions_from_spans
from annotations.extract.claims.quotes import find_quotations
from annotations.extract.claims.ranker import RANKER_FILE, SpeakerRanker, speaker_candidates
from annotations.extract.claims.speakers import resolve_speakers

# Bump when the rules change: it is part of the extractor version the store keys claims by.
CLAIMS_VERSION = "10"

__all__ = [
    "CLAIMS_VERSION",
    "DEFAULT_TYPES",
    "RANKER_FILE",
    "Mention",
    "SpeakerRanker",
    "claim_predictions",
    "claim_types_for",
    "find_quotations",
    "mentions_from_doc",
    "mentions_from_spans",
    "resolve_speakers",
    "speaker_candidates",
]


def claim_types_for(config_types: Iterable[str] | None) -> list[str]:
    """The types list to pass to claim_predictions from config `claims.types`."""
    return list(config_types) if config_types else list(DEFAULT_TYPES)
