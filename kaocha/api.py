"""The library API: load the pipeline, extract structured records, make tables.

    import kaocha
    nlp = kaocha.load()                           # see kaocha.model_dir.find_model for where it looks
    report = kaocha.extract_file("r001.txt")      # any supported encoding; id "r001"
    report = kaocha.extract(raw_text, nlp)        # normalizes, then runs the pipeline
    report.officials[0].posts[0].jurisdiction
    for report in kaocha.extract_many([("a", text_a), ("b", text_b)]): ...   # ids kept
    kaocha.Report.from_dict(json.loads(line))     # a line of `kaocha score` JSONL, back
    tables = kaocha.to_dataframes([report])       # entities, officials, venues, areas
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Iterable, Iterator

from kaocha.linking import link_officials
from kaocha.model_dir import (DEFAULT_MODEL, ENV_VAR, PACKAGE_NAME, BrokenModel, ModelError, ModelNotFound,  # noqa: F401
                              find_model, load_model)
from kaocha.normalize import normalize
from kaocha.sentences import sentence_spans

CATS_PIPE = "kaocha_sentence_cats"
#: Keys written first in a record (the rest follow in field order).
LEADING_KEYS = ("id", "source", "sha256", "meta")


@dataclass
class Entity:
    label: str
    text: str
    start: int
    end: int


@dataclass
class Post:
    text: str
    jurisdiction: str | None


@dataclass
class Official:
    name: str
    posts: list[Post]
    mentions: list[tuple[int, int]]


@dataclass
class Venue:
    name: str
    mentions: list[tuple[int, int]]


@dataclass
class Area:
    """An area of the report: ``sentences`` are the ids of the sentences that
    carry it (score at or above the model's threshold), ``count`` how many
    they are, ``share`` their fraction of all the report's sentences, and
    ``score`` the best single sentence's score."""

    label: str
    score: float
    sentences: list[int]
    count: int = 0
    share: float = 0.0


@dataclass
class Sentence:
    id: int
    start: int
    end: int
    text: str
    cats: dict[str, float]


@dataclass
class Report:
    """One report as data. Offsets are into ``text``, the normalized text;
    ``sha256`` is of the raw file's bytes (None for a text not read from a
    file); ``meta`` holds what is known about the report from elsewhere
    (an ``index.tsv`` beside the file: title, source address, date …)."""

    text: str
    entities: list[Entity]
    officials: list[Official]
    venues: list[Venue]
    areas: list[Area]
    sentences: list[Sentence]
    id: str | None = None
    source: str | None = None
    extra: dict = field(default_factory=dict)
    sha256: str | None = None
    meta: dict = field(default_factory=dict)
    #: spec §5 visit record: visitor, host, start, end, leaders, sides (docs/visits.md)
    visit: dict | None = None

    def to_dict(self) -> dict:
        record = asdict(self)
        for official in record["officials"]:
            official["mentions"] = [list(m) for m in official["mentions"]]
        for venue in record["venues"]:
            venue["mentions"] = [list(m) for m in venue["mentions"]]
        return {**{k: record[k] for k in LEADING_KEYS}, **{k: v for k, v in record.items() if k not in LEADING_KEYS}}

    @classmethod
    def from_dict(cls, record: dict) -> "Report":
        """A record of `to_dict` (a line of `kaocha score` JSONL) as a `Report`.
        Keys this version does not know are kept in ``extra``."""
        if not isinstance(record, dict):
            raise ValueError(f"a report record is a JSON object, not {type(record).__name__}")
        missing = [k for k in ("text", "entities", "officials", "venues", "areas", "sentences") if k not in record]
        if missing:
            raise ValueError(f"report record {record.get('id')!r} lacks {', '.join(missing)}")
        known = {f.name for f in fields(cls)}
        extra = dict(record.get("extra") or {})
        extra.update({k: v for k, v in record.items() if k not in known})
        try:
            return cls(
                text=record["text"],
                entities=[Entity(**e) for e in record["entities"]],
                officials=[Official(o["name"], [Post(**p) for p in o["posts"]], [tuple(m) for m in o["mentions"]])
                           for o in record["officials"]],
                venues=[Venue(v["name"], [tuple(m) for m in v["mentions"]]) for v in record["venues"]],
                areas=[Area(**a) for a in record["areas"]],
                sentences=[Sentence(**s) for s in record["sentences"]],
                id=record.get("id"), source=record.get("source"), extra=extra,
                sha256=record.get("sha256"), meta=dict(record.get("meta") or {}), visit=record.get("visit"))
        except (KeyError, TypeError) as err:
            raise ValueError(f"report record {record.get('id')!r} is malformed ({type(err).__name__}: {err})") from None

    def __repr__(self) -> str:
        areas = ",".join(a.label for a in self.areas)
        return (f"Report(id={self.id!r}, chars={len(self.text)}, officials={len(self.officials)}, "
                f"venues={len(self.venues)}, sentences={len(self.sentences)}, areas=[{areas}])")


def read_records(path: str | Path) -> Iterator[Report]:
    """The reports of a JSONL file written by `kaocha score` (errors name the file and line)."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield Report.from_dict(json.loads(line))
            except (json.JSONDecodeError, ValueError) as err:
                raise ValueError(f"{path}:{number}: {err}") from None


def model_path(path: str | Path | None = None) -> Path | str:
    """Where `load` would load from (`kaocha.model_dir.find_model`)."""
    return find_model(path)


def load(path: str | Path | None = None):
    """The trained spaCy pipeline: ``path`` (a model directory or installed
    package name), else $KAOCHA_MODEL, the installed ``zh_kaocha`` package,
    ``models/model-best`` here, then that of the checkout kaocha is installed
    from. A missing model raises `ModelNotFound`, a damaged one `BrokenModel`,
    each naming the place (and file) and what to do."""
    return load_model(path)


_default_nlp = None


def _nlp_or_default(nlp):
    global _default_nlp
    if nlp is not None:
        return nlp
    if _default_nlp is None:
        _default_nlp = load()
    return _default_nlp


def decision_threshold(nlp) -> float:
    return float(nlp.get_pipe(CATS_PIPE).cfg["threshold"]) if CATS_PIPE in nlp.pipe_names else 0.5


def piece_annotations(doc, offset: int = 0) -> tuple[list, list]:
    """A Doc's entity spans ``(start, end, label)`` and scored sentences, with
    offsets moved by ``offset`` (small: the Doc itself can then be dropped)."""
    spans = [(e.start_char + offset, e.end_char + offset, e.label_) for e in doc.ents]
    if doc.has_extension("sentence_cats") and doc._.sentence_cats is not None:
        scored = [{"start": s["start"] + offset, "end": s["end"] + offset, "cats": s["cats"]} for s in doc._.sentence_cats]
    else:
        scored = [{"start": s + offset, "end": e + offset, "cats": {}} for s, e in sentence_spans(doc.text)]
    return spans, scored


def report_from_docs(text: str, pieces: list, threshold: float = 0.5, report_id: str | None = None,
                     source: str | None = None) -> Report:
    """A `Report` of ``text`` from annotated Docs of its pieces: ``pieces`` is
    a list of ``(offset, doc)``, each doc the text from ``offset`` on (one
    piece at offset 0 for an ordinary report, several for a long one, see
    `kaocha.long_text`). Entity and sentence offsets become offsets into ``text``."""
    spans, scored = [], []
    for offset, doc in pieces:
        piece_spans, piece_scored = piece_annotations(doc, offset)
        spans.extend(piece_spans)
        scored.extend(piece_scored)
    return report_from_annotations(text, spans, scored, threshold, report_id, source)


def report_from_annotations(text: str, spans: list, scored: list, threshold: float = 0.5,
                            report_id: str | None = None, source: str | None = None) -> Report:
    """A `Report` from entity spans and scored sentences (offsets into ``text``)."""
    entities = [Entity(label, text[s:e], s, e) for s, e, label in spans]

    officials: dict[str, Official] = {}
    for linked in link_officials(text, spans):
        official = officials.setdefault(linked.name, Official(linked.name, [], []))
        official.mentions.append((linked.start, linked.end))
        for post in linked.posts:
            if all(p.text != post.text for p in official.posts):
                official.posts.append(Post(post.text, post.jurisdiction))

    venues: dict[str, Venue] = {}
    for s, e, label in spans:
        if label == "VENUE":
            venues.setdefault(text[s:e], Venue(text[s:e], [])).mentions.append((s, e))

    sentences = [Sentence(i, s["start"], s["end"], text[s["start"]:s["end"]], dict(s["cats"]))
                 for i, s in enumerate(scored, start=1)]
    return Report(text, entities, list(officials.values()), list(venues.values()),
                  report_areas(sentences, threshold), sentences, report_id, source)


def report_areas(sentences: list[Sentence], threshold: float) -> list[Area]:
    """Each area carried by at least one sentence, most supported first."""
    areas = []
    for label in sorted({label for s in sentences for label in s.cats}):
        support = [s.id for s in sentences if s.cats.get(label, 0.0) >= threshold]
        if support:
            areas.append(Area(label, max(s.cats[label] for s in sentences), support,
                              len(support), round(len(support) / len(sentences), 4)))
    areas.sort(key=lambda a: (-a.count, -a.score, a.label))
    return areas


def report_from_doc(doc, threshold: float = 0.5, report_id: str | None = None, source: str | None = None) -> Report:
    """Turn an annotated Doc (a whole normalized report) into a `Report`."""
    return report_from_docs(doc.text, [(0, doc)], threshold, report_id, source)


def extract(text: str, nlp=None, report_id: str | None = None) -> Report:
    """Normalize ``text`` (spec §1) and extract a `Report` with the pipeline
    (a report of any length: long ones are scored in pieces)."""
    from kaocha.batch import TextInput, score_inputs

    outcome = next(score_inputs(_nlp_or_default(nlp), [TextInput(report_id, text)]))
    return outcome.result()


def extract_file(path: str | Path, encoding: str | None = None, nlp=None) -> Report:
    """Read a report file (encoding detected unless given, `kaocha.reading`),
    normalize and extract it. The record's id is the file name without its
    suffix, ``source`` the path, ``sha256`` that of the file's bytes, ``meta``
    its row of an ``index.tsv`` beside it, if any. A file that cannot be read
    raises `kaocha.reading.ReportReadError` naming it."""
    from kaocha.batch import FileInput, score_inputs

    outcome = next(score_inputs(_nlp_or_default(nlp), [FileInput(Path(path), encoding)]))
    return outcome.result()


def extract_many(items: Iterable, nlp=None, batch_size: int = 32, n_process: int = 1,
                 encoding: str | None = None) -> Iterator[Report]:
    """`extract` for many reports, in the order given. Each item is a text
    (id None), an ``(id, text)`` pair (the id is kept), or a `pathlib.Path`
    (read as by `extract_file`; a plain string is always a text). With
    ``n_process`` > 1 reports are scored in that many worker processes. The
    first report that cannot be read or scored raises its error; `kaocha
    score` is the batch command that reports and skips them instead."""
    from kaocha.batch import as_input, score_inputs

    check_positive(batch_size=batch_size, n_process=n_process)
    inputs = (as_input(item, encoding) for item in items)
    for outcome in score_inputs(_nlp_or_default(nlp), inputs, batch_size=batch_size, n_process=n_process):
        yield outcome.result()


def check_positive(**values: int) -> None:
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")


def to_dataframes(reports: Iterable[Report]) -> dict:
    """pandas tables (all but ``people`` with a ``report`` column): ``entities``, ``venues``
    and ``areas`` (one row per area of a report: how many sentences carry it,
    their share of the report's sentences, the best sentence score, the
    sentence ids; docs/fields.md), and from the visit record (docs/visits.md):
    ``officials`` (one row per official per report: side, leader, post, post
    type and level, normalized jurisdiction and code), ``visits`` (one row per
    report) and ``people`` (one row per person across reports)."""
    import pandas as pd

    from kaocha import visit_tables

    reports = list(reports)
    rows = {"entities": [], "venues": [], "areas": []}
    for n, report in enumerate(reports):
        rid = report.id if report.id is not None else n
        for e in report.entities:
            rows["entities"].append({"report": rid, "label": e.label, "text": e.text, "start": e.start, "end": e.end})
        for order, v in enumerate(report.venues, start=1):
            rows["venues"].append({"report": rid, "venue": v.name, "order": order, "mentions": len(v.mentions),
                                   "first_start": v.mentions[0][0]})
        for a in report.areas:
            rows["areas"].append({"report": rid, "area": a.label, "count": a.count, "share": a.share,
                                  "score": a.score, "sentences": ",".join(map(str, a.sentences))})
    columns = {"entities": ["report", "label", "text", "start", "end"],
               "venues": ["report", "venue", "order", "mentions", "first_start"],
               "areas": ["report", "area", "count", "share", "score", "sentences"]}
    tables = {name: pd.DataFrame(r, columns=columns[name]) for name, r in rows.items()}
    tables["officials"] = visit_tables.officials(reports)
    tables["visits"] = visit_tables.visits(reports)
    tables["people"] = visit_tables.people(reports)
    return tables
