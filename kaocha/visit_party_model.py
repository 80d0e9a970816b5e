"""A learned choice of visitor and host among the places a report names.

Every place of the text (gazetteer divisions, grouped by division), the
report's own place and the places of the officials' posts are candidates;
the rules' visitor and host (`kaocha.visit_parties`) are candidates too, also
when the gazetteer does not know them. :func:`candidate_features` describes a
candidate by where and how the text names it (headline, lead, the characters
around its mentions: `赴|`, `|党政代表团`), whether it is the report's own
place, how many officials' posts, leaders and `陪同` officials lie in it, its
level, and whether the rules chose it. :class:`PartyModel` is a multinomial
logistic regression (none / visitor / host) over those features, the same
data-only :class:`~kaocha.visit_sides.SideModel` machinery; the visitor is
the most probable candidate, the hosts every candidate more probably host than
anything else (at least the most probable one).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from kaocha.jurisdictions import Jurisdiction, gazetteer, normalize_jurisdiction
from kaocha.visit_parties import DELEGATION, Parties, Party, _Reader
from kaocha.visit_sides import SideModel

HEAD_CHARS = 400
CLAUSE_END = re.compile(r"[,。;:!?\n]")
PARTY_CLASSES = ("none", "visitor", "host")


@dataclass
class Candidate:
    key: str
    party: Party
    mentions: list = field(default_factory=list)  # PlaceMention
    from_rules: set = field(default_factory=set)
    home: bool = False


def _key(j: Jurisdiction) -> str:
    return j.code if j.code else "w:" + j.written


def candidates(reader: _Reader, parties: Parties, post_juris: list[Jurisdiction]) -> dict[str, Candidate]:
    """Candidate places of one report, by division code (or ``w:`` + written name)."""
    out: dict[str, Candidate] = {}
    gaz = gazetteer()
    for mention in reader.mentions:
        key = mention.division.code
        if key not in out:
            out[key] = Candidate(key, reader.party(mention.division, mention.written))
        out[key].mentions.append(mention)
    for side, found in (("visitor", parties.visitor), ("host", parties.host)):
        for party in found:
            key = _key(party.jurisdiction)
            out.setdefault(key, Candidate(key, party)).from_rules.add(side)
    for written in parties.home.values():
        j = normalize_jurisdiction(written)
        key = _key(j)
        candidate = out.setdefault(key, Candidate(key, reader.party(gaz.by_code[j.code]) if j.code else Party(written, j)))
        candidate.home = True
    for j in post_juris:
        if j is not None and j.code and j.code not in out:
            out[j.code] = Candidate(j.code, reader.party(gaz.by_code[j.code]))
    return out


def candidate_features(candidate: Candidate, all_candidates: dict[str, Candidate], text: str, title: str | None,
                       officials_in: dict[str, dict[str, int]], home_is: str | None) -> dict[str, float]:
    gaz = gazetteer()
    f: dict[str, float] = {"bias": 1.0}
    for side in candidate.from_rules:
        f[f"rule:{side}"] = 1.0
    if candidate.home:
        f["home"] = 1.0
        if home_is:
            f[f"home&home_is:{home_is}"] = 1.0
    division = candidate.party.division
    f[f"level:{division.level if division else 'unknown'}"] = 1.0
    first_line_end = text.find("\n") if "\n" in text else len(text)
    if title and candidate.party.written and (candidate.party.written in title or
                                              any(m.written in title for m in candidate.mentions)):
        f["title"] = 1.0
    f["mentions"] = math.log1p(len(candidate.mentions))
    head = [m for m in candidate.mentions if m.start < HEAD_CHARS]
    f["head_mentions"] = math.log1p(len(head))
    if candidate.mentions:
        f["first_position"] = candidate.mentions[0].start / max(1, len(text))
        if candidate.mentions[0].start < first_line_end:
            f["line1"] = 1.0
    for m in head[:4]:
        f[f"L1:{text[max(0, m.start - 1):m.start]}"] = 1.0
        f[f"L2:{text[max(0, m.start - 2):m.start]}"] = 1.0
        f[f"R2:{text[m.end:m.end + 2]}"] = 1.0
        f[f"R3:{text[m.end:m.end + 3]}"] = 1.0
        clause_end = CLAUSE_END.search(text, m.end)
        if DELEGATION.match(text, m.end, clause_end.start() if clause_end else len(text)):
            f["before_delegation"] = 1.0
        elif DELEGATION.search(text[m.end:m.end + 8]):
            f["near_delegation"] = 1.0
    for name, count in officials_in.get(candidate.key, {}).items():
        f[f"officials:{name}"] = math.log1p(count)
    if division is not None:
        for other in all_candidates.values():
            od = other.party.division
            if od is None or od.code == division.code:
                continue
            if gaz.contains(division, od) and other.mentions:
                f["contains_named"] = 1.0
            if gaz.contains(od, division):
                f["inside_named"] = 1.0
    return f


class PartyModel:
    """Visitor/host choice over candidates (see module docstring)."""

    def __init__(self, c: float = 1.0, side_model: SideModel | None = None):
        self.model = side_model or SideModel(c)

    @property
    def fitted(self) -> bool:
        return self.model.fitted

    def fit(self, rows: list[dict[str, float]], labels: list[str]) -> "PartyModel":
        self.model.fit(rows, labels)
        return self

    def choose(self, cands: list[Candidate], rows: list[dict[str, float]]) -> tuple[list[Party], list[Party]]:
        if not cands:
            return [], []
        probabilities = self.model.probabilities(rows)
        classes = self.model.classes
        col = {c: classes.index(c) for c in classes}

        def p(i: int, c: str) -> float:
            return float(probabilities[i, col[c]]) if c in col else 0.0

        order = sorted(range(len(cands)), key=lambda i: (cands[i].mentions[0].start if cands[i].mentions else 10 ** 9))
        visitor_best = max(range(len(cands)), key=lambda i: p(i, "visitor"))
        visitors = [i for i in order if i == visitor_best or (p(i, "visitor") > 0.5 and p(i, "visitor") >= p(i, "host"))]
        rest = [i for i in range(len(cands)) if i not in visitors]
        hosts = []
        if rest:
            host_best = max(rest, key=lambda i: p(i, "host"))
            hosts = [i for i in order if i in rest and (i == host_best or (p(i, "host") > 0.5 and p(i, "host") >= p(i, "visitor")))]
        return [cands[i].party for i in visitors], [cands[i].party for i in hosts]
