"""Training data: annotated reports -> one spaCy Doc per sentence -> DocBin."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from kaocha.annotations.records import AnnotatedReport, load_standoff
from kaocha.annotations.validate import validate_standoff
from kaocha.corpus import Corpus
from kaocha.pipeline import REPORT_CONTEXT, VENUE_SPANS_KEY
from kaocha.labels import CATEGORY_LABELS

DEFAULT_GOLD = Path("annotations/gold.jsonl")


class TrainingDataError(ValueError):
    """The annotations cannot be used for training; the message says why."""


def load_gold(gold: Path = DEFAULT_GOLD, manifest: Path = Path("corpus/manifest.csv")) -> list[AnnotatedReport]:
    """Validated gold reports; refuses (listing problems) rather than training on bad data."""
    corpus = Corpus(manifest)
    problems = validate_standoff(gold, corpus)
    if problems:
        shown = "\n".join(str(p) for p in problems[:20])
        raise TrainingDataError(f"{gold}: {len(problems)} annotation problem(s); run `kaocha annotations validate`:\n{shown}")
    return load_standoff(gold, corpus)


@dataclass
class Misalignment:
    report: str
    start: int
    end: int
    label: str
    text: str


def sentence_docs(nlp: Language, report: AnnotatedReport, misaligned: list[Misalignment] | None = None) -> list[Doc]:
    """One Doc per sentence with its entities and categories. Entities that do
    not align with the tokenizer's tokens are recorded in ``misaligned``."""
    docs = []
    for sentence in report.sentences:
        text = report.text[sentence.start:sentence.end]
        doc = nlp.make_doc(text)
        ents = []
        for span in report.spans:
            if sentence.start <= span.start and span.end <= sentence.end:
                ent = doc.char_span(span.start - sentence.start, span.end - sentence.start, label=span.label)
                if ent is None:
                    if misaligned is not None:
                        misaligned.append(Misalignment(report.id, span.start, span.end, span.label, report.span_text(span)))
                    continue
                ents.append(ent)
        doc.ents = ents
        # VENUE again as a span group, for the spancat alternative (configs/ner_spancat.cfg).
        doc.spans[VENUE_SPANS_KEY] = [e for e in ents if e.label_ == "VENUE"]
        doc.cats = {label: 1.0 if label in sentence.cats else 0.0 for label in CATEGORY_LABELS}
        doc.user_data["report"] = report.id
        doc.user_data[REPORT_CONTEXT] = {"text": report.text, "offset": sentence.start}
        docs.append(doc)
    return docs


def split_train_dev(report_ids: list[str], dev_share: float = 0.15) -> tuple[list[str], list[str]]:
    """Deterministic split by report: reports ordered by a hash of their id, the first share to dev."""
    ordered = sorted(report_ids, key=lambda rid: hashlib.sha256(rid.encode()).hexdigest())
    n_dev = max(1, round(len(ordered) * dev_share)) if len(ordered) > 1 else 0
    dev = sorted(ordered[:n_dev])
    train = [rid for rid in report_ids if rid not in dev]
    return train, dev


def write_docbin(docs: list[Doc], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(attrs=["ENT_IOB", "ENT_TYPE"], docs=docs, store_user_data=True).to_disk(path)
    return path
