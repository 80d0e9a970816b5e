"""Entity-substitution augmentation: copies of training reports in which the
officials, venues and the jurisdictions in posts are replaced by others.

Pools come only from the reports passed in (a fold's training reports in
cross-validation, never the held-out ones): venues and jurisdictions are
swapped among themselves; names are new ones, a surname from the shared
lexicon with given-name characters of the pool's names. Substitution is
consistent within a report (one name is always replaced by the same other
name), so the rule features, which read the whole report, behave as on a
real report. Categories are unchanged; the sentence categorizer skips the
copies (their sentences would only repeat the originals').
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kaocha.annotations.records import AnnotatedReport, Sentence, Span
from kaocha.lexicon import surnames
from kaocha.linking import jurisdiction



@dataclass
class Pools:
    venues: list[str]
    jurisdictions: list[str]
    given_chars: list[str]
    surnames: list[str]


def entity_pools(reports: list[AnnotatedReport]) -> Pools:
    venues, places, given = set(), set(), []
    single_surnames = [s for s in surnames() if len(s) == 1]
    for report in reports:
        for span in report.spans:
            text = report.span_text(span)
            if span.label == "VENUE":
                venues.add(text)
            elif span.label == "POST" and (place := jurisdiction(text)) and len(place) >= 3 and not set(place) & set("副常正代政府委") \
                    and not place.startswith(("自治", "经济")):
                places.add(place)
            elif span.label == "OFFICIAL" and 2 <= len(text) <= 3 and text[0] in single_surnames:
                given.extend(text[1:])
    return Pools(sorted(venues), sorted(places), given, single_surnames[:200])


def _new_name(old: str, pools: Pools, rng: random.Random) -> str:
    length = len(old) - 1 if 2 <= len(old) <= 3 else rng.choice((1, 2))
    return rng.choice(pools.surnames) + "".join(rng.choice(pools.given_chars) for _ in range(length))


def substitute(report: AnnotatedReport, pools: Pools, rng: random.Random, copy: int) -> AnnotatedReport:
    """One augmented copy of ``report`` (id ``<id>~aug<copy>``)."""
    mapping: dict[tuple[str, str], str] = {}

    def replacement(span: Span, text: str) -> str:
        key = (span.label, text)
        if key not in mapping:
            if span.label == "OFFICIAL" and pools.given_chars:
                mapping[key] = _new_name(text, pools, rng)
            elif span.label == "VENUE" and len(pools.venues) > 1:
                mapping[key] = rng.choice([v for v in pools.venues if v != text])
            elif span.label == "POST" and (place := jurisdiction(text)) and len(pools.jurisdictions) > 1:
                place_key = ("PLACE", place)
                if place_key not in mapping:
                    mapping[place_key] = rng.choice([p for p in pools.jurisdictions if p != place])
                at = text.index(place)
                mapping[key] = text[:at] + mapping[place_key] + text[at + len(place):]
            else:
                mapping[key] = text
        return mapping[key]

    pieces, spans, shifts, at, delta = [], [], [], 0, 0
    for span in sorted(report.spans):
        new = replacement(span, report.span_text(span))
        pieces.append(report.text[at:span.start])
        spans.append(Span(span.start + delta, span.start + delta + len(new), span.label))
        pieces.append(new)
        delta += len(new) - (span.end - span.start)
        shifts.append((span.end, delta))
        at = span.end
    pieces.append(report.text[at:])

    def moved(position: int) -> int:
        shift = 0
        for end, d in shifts:
            if end <= position:
                shift = d
        return position + shift

    sentences = [Sentence(moved(s.start), moved(s.end), list(s.cats)) for s in report.sentences]
    return AnnotatedReport(f"{report.id}~aug{copy}", "".join(pieces), spans, sentences, dict(report.meta))


def augmented_copies(reports: list[AnnotatedReport], copies: int, seed: int = 0) -> list[AnnotatedReport]:
    """``copies`` substituted copies of each report, pools from ``reports`` only (deterministic)."""
    if copies <= 0 or not reports:
        return []
    pools = entity_pools(reports)
    rng = random.Random(seed)
    return [substitute(report, pools, rng, k) for k in range(1, copies + 1) for report in reports]
