"""The library API: load the pipeline, extract structured records, make tables.

    import kaocha
    nlp = kaocha.load()                      # models/model-best, or $KAOCHA_MODEL
    report = kaocha.extract(raw_text, nlp)   # normalizes, then runs the pipeline
    report.officials[0].posts[0].jurisdiction
    tables = kaocha.to_dataframes([report])  # entities, officials, venues, areas
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from kaocha.linking import link_officials
from kaocha.normalize import normalize
from kaocha.sentences import sentence_spans

DEFAULT_MODEL = Path("models/model-best")
PACKAGE_NAME = "zh_kaocha"
CATS_PIPE = "kaocha_sentence_cats"


class ModelNotFound(FileNotFoundError):
    """No trained kaocha pipeline where one was looked for."""


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
    label: str
    score: float
    sentences: list[int]


@dataclass
class Sentence:
    id: int
    start: int
    end: int
    text: str
    cats: dict[str, float]


@dataclass
class Report:
    """One report as data. Offsets are into ``text``, the normalized text."""

    text: str
    entities: list[Entity]
    officials: list[Official]
    venues: list[Venue]
    areas: list[Area]
    sentences: list[Sentence]
    id: str | None = None
    source: str | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        record = asdict(self)
        for official in record["officials"]:
            official["mentions"] = [list(m) for m in official["mentions"]]
        for venue in record["venues"]:
            venue["mentions"] = [list(m) for m in venue["mentions"]]
        return record


def model_path(path: str | Path | None = None) -> Path | str:
    """Where `load` looks: the argument, $KAOCHA_MODEL, models/model-best, then
    the installed package zh_kaocha."""
    if path is not None:
        return Path(path)
    if os.environ.get("KAOCHA_MODEL"):
        return Path(os.environ["KAOCHA_MODEL"])
    if DEFAULT_MODEL.exists():
        return DEFAULT_MODEL
    try:
        import importlib.util

        if importlib.util.find_spec(PACKAGE_NAME) is not None:
            return PACKAGE_NAME
    except (ImportError, ValueError):
        pass
    return DEFAULT_MODEL


def load(path: str | Path | None = None):
    """The trained spaCy pipeline (see `model_path` for where it is looked for)."""
    import spacy

    where = model_path(path)
    if isinstance(where, Path) and not (where / "config.cfg").exists():
        raise ModelNotFound(
            f"no trained kaocha model at {where}: train one with "
            f"`python -m training.train configs/ner.cfg` (it writes models/model-best), "
            f"or pass the path of a model directory (or set KAOCHA_MODEL)")
    return spacy.load(where)


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


def report_from_doc(doc, threshold: float = 0.5, report_id: str | None = None, source: str | None = None) -> Report:
    """Turn an annotated Doc (a whole normalized report) into a `Report`."""
    text = doc.text
    spans = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
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

    scored = doc._.sentence_cats if doc.has_extension("sentence_cats") and doc._.sentence_cats is not None else [
        {"start": s, "end": e, "cats": {}} for s, e in sentence_spans(text)]
    sentences = [Sentence(i, s["start"], s["end"], text[s["start"]:s["end"]], dict(s["cats"]))
                 for i, s in enumerate(scored, start=1)]
    areas = []
    labels = sorted({label for s in sentences for label in s.cats})
    for label in labels:
        support = [s.id for s in sentences if s.cats.get(label, 0.0) >= threshold]
        if support:
            areas.append(Area(label, max(s.cats[label] for s in sentences), support))
    areas.sort(key=lambda a: (-a.score, a.label))
    return Report(text, entities, list(officials.values()), list(venues.values()), areas, sentences, report_id, source)


def extract(text: str, nlp=None, report_id: str | None = None) -> Report:
    """Normalize ``text`` (spec §1) and extract a `Report` with the pipeline."""
    nlp = _nlp_or_default(nlp)
    doc = nlp(normalize(text))
    return report_from_doc(doc, decision_threshold(nlp), report_id)


def extract_many(texts: Iterable[str], nlp=None, batch_size: int = 32, n_process: int = 1) -> Iterator[Report]:
    """`extract` for many texts with ``nlp.pipe`` (already normalized texts stay as they are)."""
    nlp = _nlp_or_default(nlp)
    threshold = decision_threshold(nlp)
    normalized = (normalize(t) for t in texts)
    for doc in nlp.pipe(normalized, batch_size=batch_size, n_process=n_process):
        yield report_from_doc(doc, threshold)


def to_dataframes(reports: Iterable[Report]) -> dict:
    """pandas tables: ``entities``, ``officials`` (one row per official and
    post), ``venues`` and ``areas``, each with a ``report`` column."""
    import pandas as pd

    rows = {"entities": [], "officials": [], "venues": [], "areas": []}
    for n, report in enumerate(reports):
        rid = report.id if report.id is not None else n
        for e in report.entities:
            rows["entities"].append({"report": rid, "label": e.label, "text": e.text, "start": e.start, "end": e.end})
        for o in report.officials:
            for post in o.posts or [Post("", None)]:
                rows["officials"].append({"report": rid, "official": o.name, "post": post.text or None,
                                          "jurisdiction": post.jurisdiction, "mentions": len(o.mentions)})
        for order, v in enumerate(report.venues, start=1):
            rows["venues"].append({"report": rid, "venue": v.name, "order": order, "mentions": len(v.mentions),
                                   "first_start": v.mentions[0][0]})
        for a in report.areas:
            rows["areas"].append({"report": rid, "area": a.label, "score": a.score,
                                  "sentences": ",".join(map(str, a.sentences))})
    columns = {"entities": ["report", "label", "text", "start", "end"],
               "officials": ["report", "official", "post", "jurisdiction", "mentions"],
               "venues": ["report", "venue", "order", "mentions", "first_start"],
               "areas": ["report", "area", "score", "sentences"]}
    return {name: pd.DataFrame(r, columns=columns[name]) for name, r in rows.items()}
