"""The visit record (spec §5) predicted for one report: :func:`predict_visit`.

    from kaocha.visit_predict import predict_visit
    visit = predict_visit(text, entities, meta={"title": ..., "date": "2023-07-14"}, model=None)

``entities`` are the report's OFFICIAL and POST spans: ``(start, end, label)``
tuples or objects with ``start``/``end``/``label`` (`kaocha.Entity`, gold
``Span``) or spaCy spans. ``model`` is a fitted :class:`VisitModel` (the
learned side model); without one the sides come from the rule baseline.

Steps: link officials to posts and resolve jurisdictions (`kaocha.linking`);
find leader candidates (`kaocha.visit_leaders`); find visitor and host
(`kaocha.visit_parties`); re-resolve bare posts once the host is known when
the report speaks of `我市`; decide sides (rules or model); keep as leaders
the candidates on the visiting side; read the dates (`kaocha.visit_dates`,
the year from the text, else from ``meta["date"]``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from kaocha.annotations.visit import Visit
from kaocha.jurisdictions import Jurisdiction
from kaocha.linking import LinkedOfficial, link_officials
from kaocha.report_places import OWN_ARRIVAL, find_places, home_places, of_level
from kaocha.visit_dates import visit_dates
from kaocha.visit_leaders import leader_candidates
from kaocha.visit_parties import Parties, Party, find_parties
from kaocha.visit_sides import ReportSides, SideModel, relation, rule_side, side_features

OWN_DELEGATION = re.compile(r"我(自治区|省|市|州|县|区|旗|盟)(?:党政|人大|政协|政府)*(?:代表团|考察团|考察组)")
PLACEHOLDER_TITLE = re.compile(r"^\[|^\s*$")


def entity_spans(entities) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` of entities given as tuples, kaocha records or spaCy spans."""
    out = []
    for entity in entities or ():
        if isinstance(entity, (tuple, list)):
            start, end, label = entity[:3]
        elif hasattr(entity, "start_char"):
            start, end, label = entity.start_char, entity.end_char, entity.label_
        else:
            start, end, label = entity.start, entity.end, entity.label
        out.append((int(start), int(end), str(label)))
    return sorted(out)


def meta_title(meta: dict | None) -> str | None:
    title = str((meta or {}).get("title") or "")
    return None if PLACEHOLDER_TITLE.match(title) else title


@dataclass
class VisitAnalysis:
    """The record and what it was derived from (for tables and features)."""

    visit: Visit
    parties: Parties
    officials: list[LinkedOfficial]
    sides_report: ReportSides
    side_source: str = "rules"
    leader_candidates: list[str] = field(default_factory=list)


DEFAULT_CONFIG = {"c": 0.3, "fallback": "host", "parties": "rules"}


class VisitModel:
    """The learned parts of the visit predictor (data only: JSON + .npy).

    ``side``: the side model; ``party``: the learned visitor/host choice,
    used when ``config["parties"]`` is ``"learned"`` (else the rules decide).
    """

    def __init__(self, side: SideModel | None = None, config: dict | None = None, party: SideModel | None = None):
        self.side = side
        self.party = party
        self.config = {**DEFAULT_CONFIG, **(config or {})}

    @property
    def fitted(self) -> bool:
        return self.side is not None and self.side.fitted

    @property
    def uses_party_model(self) -> bool:
        return self.config.get("parties") == "learned" and self.party is not None and self.party.fitted

    def fit(self, reports: Iterable) -> "VisitModel":
        """Fit from annotated reports (``text``, ``spans``, ``visit``, ``meta``); reports without a visit are skipped."""
        from kaocha.visit_party_model import PartyModel

        reports = [r for r in reports if getattr(r, "visit", None) is not None]
        party_rows, party_labels = [], []
        if self.config.get("parties") == "learned":
            for report in reports:
                rows, labels = party_training_rows(report)
                party_rows += rows
                party_labels += labels
            self.party = PartyModel(self.config.get("c", 1.0)).fit(party_rows, party_labels).model
        rows, labels = [], []
        for report in reports:
            analysis = analyse(report.text, report.spans, None, self if self.uses_party_model else None)
            for name, side in report.visit.sides.items():
                if name in analysis.sides_report.by_name:
                    rows.append(side_features(analysis.sides_report, name))
                    labels.append(side)
        self.side = SideModel(self.config.get("c", 1.0)).fit(rows, labels)
        return self

    def to_disk(self, path: str | Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        state = {"config": self.config, "fitted": self.fitted, "party": self.party is not None and self.party.fitted}
        (path / "visit.json").write_text(json.dumps(state), encoding="utf-8")
        if self.fitted:
            self.side.to_disk(path, "side")
        if state["party"]:
            self.party.to_disk(path, "party")

    @classmethod
    def from_disk(cls, path: str | Path) -> "VisitModel":
        path = Path(path)
        state = json.loads((path / "visit.json").read_text(encoding="utf-8"))
        side = SideModel.from_disk(path, "side") if state.get("fitted") else None
        party = SideModel.from_disk(path, "party") if state.get("party") else None
        return cls(side, state.get("config"), party)


def _home_is(text: str, home: dict[str, str], parties: Parties) -> str | None:
    """Whether the report is written from the host's side or the visitor's (`来我市` / `我市代表团`)."""
    if OWN_ARRIVAL.search(text):
        return "host"
    if OWN_DELEGATION.search(text):
        return "visitor"
    visitor = [p.jurisdiction for p in parties.visitor]
    host = [p.jurisdiction for p in parties.host]
    for written in home.values():
        from kaocha.jurisdictions import normalize_jurisdiction

        rel = relation(normalize_jurisdiction(written), visitor, host)
        if rel in ("visitor", "above_visitor"):
            return "visitor"
        if rel in ("host", "above_host"):
            return "host"
    return None


def _refine_home(text: str, home: dict[str, str], parties: Parties) -> dict[str, str]:
    """The report's own places, completed from the parties once they are known (`来我市` → the host's city)."""
    from kaocha.jurisdictions import gazetteer

    refined = dict(home)
    for words, side in ((set(OWN_ARRIVAL.findall(text)), parties.host), (set(OWN_DELEGATION.findall(text)), parties.visitor)):
        for word in words:
            if word in refined or not side:
                continue
            division = side[0].division
            if division is not None:
                own = of_level(division, word)
                if own is not None:
                    refined[word] = own.name
            elif side[0].written.endswith(word):
                refined[word] = side[0].written
    return refined


def analyse(text: str, entities, meta: dict | None = None, model: VisitModel | None = None) -> VisitAnalysis:
    """The visit record of one report and the analysis behind it (see the module docstring)."""
    spans = [s for s in entity_spans(entities) if s[2] in ("OFFICIAL", "POST")]
    home = home_places(text)
    officials = link_officials(text, spans, home)
    candidates = leader_candidates(text, spans)
    candidate_names = [name for name, _ in candidates]
    by_name: dict[str, list[LinkedOfficial]] = {}
    for official in officials:
        by_name.setdefault(official.name, []).append(official)

    def jurisdictions_of(name: str) -> list[Jurisdiction]:
        return [p.normalized for o in by_name.get(name, []) for p in o.posts if p.normalized is not None]

    # only what the posts say or their sentence settles: a leader's bare 市委书记 resolved as "the only 市 of the
    # report" is often the host's city
    leader_juris = [p.normalized for name in candidate_names for o in by_name.get(name, [])[:1] for p in o.posts[:1]
                    if p.normalized is not None and p.resolved_by in ("post", "chain", "sentence", "home")]
    post_juris = [p.normalized for o in officials for p in o.posts if p.normalized is not None]
    title = meta_title(meta)
    parties = find_parties(text, leader_juris, post_juris, title)
    if model is not None and model.uses_party_model:
        cands, rows = _party_inputs(text, title, parties, officials, candidate_names, post_juris)
        from kaocha.visit_party_model import PartyModel

        visitor, host = PartyModel(side_model=model.party).choose(cands, rows)
        parties = Parties(visitor, host, parties.home, {"visitor": "learned", "host": "learned"})
    refined = _refine_home(text, home, parties)
    if refined != home:
        officials = link_officials(text, spans, refined)
        parties.home = refined
    home_is = _home_is(text, refined, parties)
    places = find_places(text)
    report = ReportSides(text, spans, officials, [p.jurisdiction for p in parties.visitor],
                         [p.jurisdiction for p in parties.host], home_is, set(candidate_names), places, refined)
    names = report.names()
    if model is not None and model.fitted:
        predicted = model.side.predict([side_features(report, name) for name in names])
        sides, source = dict(zip(names, predicted)), "model"
    else:
        fallback = (model.config.get("fallback") if model is not None else None) or "host"
        sides, source = {name: rule_side(report, name, fallback) for name in names}, "rules"
    leaders = [name for name in candidate_names if sides.get(name) == "visiting"]
    start, end = visit_dates(text, meta)
    visit = Visit([p.written for p in parties.visitor], [p.written for p in parties.host], start, end, leaders, sides)
    return VisitAnalysis(visit, parties, officials, report, source, candidate_names)


def _party_inputs(text: str, title: str | None, parties: Parties, officials: list[LinkedOfficial],
                  leader_names: list[str], post_juris: list[Jurisdiction]):
    """Candidates for visitor and host and their features (`kaocha.visit_party_model`)."""
    from kaocha.jurisdictions import gazetteer
    from kaocha.visit_party_model import candidate_features, candidates
    from kaocha.visit_parties import _Reader

    gaz = gazetteer()
    reader = _Reader(text)
    cands = candidates(reader, parties, post_juris)
    home_is = _home_is(text, parties.home, parties)
    seen: dict[str, tuple[set[str], bool]] = {}
    for official in officials:
        codes, accompanies = seen.get(official.name, (set(), False))
        codes |= {p.normalized.code for p in official.posts if p.normalized is not None and p.normalized.code}
        clause_end = re.search(r"[,。;\n]", text[official.end:])
        accompanies = accompanies or "陪同" in text[official.end:official.end + (clause_end.start() if clause_end else 20)]
        seen[official.name] = (codes, accompanies)
    officials_in: dict[str, dict[str, int]] = {}
    for key, candidate in cands.items():
        division = candidate.party.division
        if division is None:
            continue
        counts = {"officials": 0, "leaders": 0, "accompany": 0}
        for name, (codes, accompanies) in seen.items():
            if any(gaz.contains(division, gaz.by_code[c]) for c in codes):
                counts["officials"] += 1
                counts["leaders"] += name in leader_names
                counts["accompany"] += accompanies
        officials_in[key] = counts
    ordered = list(cands.values())
    rows = [candidate_features(c, cands, text, title, officials_in, home_is) for c in ordered]
    return ordered, rows


def party_training_rows(report) -> tuple[list[dict], list[str]]:
    """Candidate features of an annotated report with labels from its gold visitor and host."""
    spans = [s for s in entity_spans(report.spans) if s[2] in ("OFFICIAL", "POST")]
    home = home_places(report.text)
    officials = link_officials(report.text, spans, home)
    leader_names = [name for name, _ in leader_candidates(report.text, spans)]
    post_juris = [p.normalized for o in officials for p in o.posts if p.normalized is not None]
    leader_juris = [p.normalized for o in officials if o.name in leader_names for p in o.posts[:1]
                    if p.normalized is not None and p.resolved_by in ("post", "chain", "sentence", "home")]
    title = meta_title(getattr(report, "meta", None))
    parties = find_parties(report.text, leader_juris, post_juris, title)
    cands, rows = _party_inputs(report.text, title, parties, officials, leader_names, post_juris)
    context = [c.party.jurisdiction for c in cands if c.party.jurisdiction.code]

    def keys(names: list[str]) -> set[str]:
        from kaocha.jurisdictions import normalize_jurisdiction

        out = set()
        for name in names:
            j = normalize_jurisdiction(name, context)
            out.add(j.code if j.code else "w:" + name)
        return out

    visitor, host = keys(report.visit.visitor), keys(report.visit.host)
    labels = []
    for candidate in cands:
        written = "w:" + candidate.party.written
        if candidate.key in visitor or written in visitor:
            labels.append("visitor")
        elif candidate.key in host or written in host:
            labels.append("host")
        else:
            labels.append("none")
    return rows, labels


def predict_visit(text: str, entities, meta: dict | None = None, model: VisitModel | None = None) -> Visit:
    """The spec §5 visit record of a normalized report text with its OFFICIAL/POST entities."""
    return analyse(text, entities, meta, model).visit
