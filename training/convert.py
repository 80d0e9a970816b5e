"""Convert the hand annotations into spaCy training data: one Doc per sentence, in DocBins.

    python -m training.convert [--gold annotations/gold.jsonl] [--out corpus]

writes ``corpus/train.spacy`` and ``corpus/dev.spacy`` (split by report,
deterministic), which ``spacy debug data configs/ner.cfg --paths.train
corpus/train.spacy --paths.dev corpus/dev.spacy`` can inspect. Training
(`training.train`) converts with the same functions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import spacy
import typer
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from kaocha.annotations.records import AnnotatedReport, AnnotationError
from kaocha.annotations.validate import load_gold
from kaocha.components import REPORT_CONTEXT, REPORT_VISIT
from kaocha.labels import CATEGORY_LABELS

DEFAULT_GOLD = Path("annotations/gold.jsonl")


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
        doc.cats = {label: 1.0 if label in sentence.cats else 0.0 for label in CATEGORY_LABELS}
        doc.user_data["report"] = report.id
        doc.user_data[REPORT_CONTEXT] = {"text": report.text, "offset": sentence.start}
        if report.visit is not None:
            doc.user_data[REPORT_VISIT] = report.visit.to_dict()
        docs.append(doc)
    return docs


def report_order(report_ids: list[str]) -> list[str]:
    """A fixed order of reports that mixes every source: by sha256 of the id."""
    return sorted(report_ids, key=lambda rid: hashlib.sha256(rid.encode()).hexdigest())


def split_train_dev(report_ids: list[str], dev_share: float = 0.15) -> tuple[list[str], list[str]]:
    """Deterministic split by report: the first share of :func:`report_order` goes to dev."""
    ordered = report_order(report_ids)
    n_dev = max(1, round(len(ordered) * dev_share)) if len(ordered) > 1 else 0
    dev = sorted(ordered[:n_dev])
    train = [rid for rid in report_ids if rid not in dev]
    return train, dev


def write_docbin(docs: list[Doc], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(attrs=["ENT_IOB", "ENT_TYPE"], docs=docs, store_user_data=True).to_disk(path)
    return path


def write_corpora(nlp: Language, reports: list[AnnotatedReport], train_ids: list[str], dev_ids: list[str],
                  directory: Path) -> dict:
    """``train.spacy`` and ``dev.spacy`` in ``directory``; returns counts (and misaligned entities)."""
    misaligned: list[Misalignment] = []
    by_id = {r.id: r for r in reports}
    train_docs = [d for rid in train_ids for d in sentence_docs(nlp, by_id[rid], misaligned)]
    dev_docs = [d for rid in dev_ids for d in sentence_docs(nlp, by_id[rid], misaligned)]
    write_docbin(train_docs, directory / "train.spacy")
    write_docbin(dev_docs, directory / "dev.spacy")
    return {"train_docs": len(train_docs), "dev_docs": len(dev_docs), "misaligned": len(misaligned),
            "misaligned_examples": [m.text for m in misaligned[:10]]}


def main(
    gold: Path = typer.Option(DEFAULT_GOLD, help="Standoff gold annotations."),
    out: Path = typer.Option(Path("corpus"), help="Directory for train.spacy and dev.spacy."),
) -> None:
    """Write the training and dev DocBins (character tokens, as configs/ner.cfg) for inspection."""
    try:
        reports = load_gold(gold)
    except AnnotationError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    nlp = spacy.blank("zh")  # the default config's tokenizer: one token per character
    train_ids, dev_ids = split_train_dev([r.id for r in reports])
    stats = write_corpora(nlp, reports, train_ids, dev_ids, out)
    typer.echo(f"wrote {out / 'train.spacy'} ({len(train_ids)} reports, {stats['train_docs']} sentences) and "
               f"{out / 'dev.spacy'} ({len(dev_ids)} reports, {stats['dev_docs']} sentences)")


if __name__ == "__main__":
    typer.run(main)
