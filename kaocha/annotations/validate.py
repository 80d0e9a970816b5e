"""`kaocha annotations validate`: structural problems, one line each.

Checks every record against its normalized text: hash, offsets inside the
text, span edges not on whitespace or punctuation, no overlaps, known labels,
a sentence list identical to the splitter's (spec §1), and the visit record
(spec §5: every OFFICIAL name once in ``sides``, leaders among them, real dates).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kaocha.annotations.records import (
    AnnotatedReport,
    AnnotationError,
    _parse_sentences,
    _parse_spans,
    _parse_visit,
    load_standoff,
    read_jsonl,
)
from kaocha.annotations.visit import visit_problems
from kaocha.corpus import DEFAULT_MANIFEST, Corpus, CorpusError, sha256_text
from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS
from kaocha.sentences import sentence_spans

PAIRS = {"(": ")", "“": "”", "《": "》", "「": "」", "『": "』", "‘": "’", "[": "]", "【": "】"}


@dataclass(frozen=True)
class Problem:
    report: str
    offset: int | None
    message: str
    context: str = ""

    def __str__(self) -> str:
        where = f"{self.report}@{self.offset}" if self.offset is not None else self.report
        return f"{where}: {self.message}" + (f" [{self.context}]" if self.context else "")


def is_edge_junk(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


def _balanced_edge(span_text: str) -> bool:
    """An edge bracket or quote is fine when its partner is inside the span (`“东方”绿舟` is not, `(集团)` at the end is)."""
    first, last = span_text[0], span_text[-1]
    ok_first = first in PAIRS and PAIRS[first] in span_text[1:]
    ok_last = last in PAIRS.values() and any(o in span_text[:-1] for o, c in PAIRS.items() if c == last)
    return (not is_edge_junk(first) or ok_first) and (not is_edge_junk(last) or ok_last)


def check_report(report: AnnotatedReport) -> list[Problem]:
    text, rid = report.text, report.id
    problems: list[Problem] = []
    previous = None
    for span in sorted(report.spans):
        snippet = text[max(0, span.start):span.end] if 0 <= span.start < span.end <= len(text) else ""
        if span.label not in ENTITY_LABELS:
            problems.append(Problem(rid, span.start, f"unknown entity label {span.label!r}", snippet))
        if not (0 <= span.start < span.end <= len(text)):
            problems.append(Problem(rid, span.start, f"span {span.start}-{span.end} lies outside the text (length {len(text)}) or is empty"))
            continue
        if not _balanced_edge(snippet):
            problems.append(Problem(rid, span.start, f"{span.label} span starts or ends on whitespace or punctuation", snippet))
        if "\n" in snippet:
            problems.append(Problem(rid, span.start, f"{span.label} span crosses a line break", snippet))
        if previous and span.start < previous.end:
            problems.append(Problem(rid, span.start, f"{span.label} span overlaps {previous.label} span at {previous.start}-{previous.end}",
                                    f"{text[previous.start:previous.end]} / {snippet}"))
        previous = span
    expected = sentence_spans(text)
    got = [(s.start, s.end) for s in report.sentences]
    if got != expected:
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        for start, end in missing[:5]:
            problems.append(Problem(rid, start, "sentence of the splitter missing from the record", text[start:end][:30]))
        for start, end in extra[:5]:
            problems.append(Problem(rid, start, f"sentence {start}-{end} does not match the splitter", text[max(0, start):end][:30]))
        if not missing and not extra:
            problems.append(Problem(rid, None, "sentences are not in text order"))
    for sentence in report.sentences:
        for cat in sentence.cats:
            if cat not in CATEGORY_LABELS:
                problems.append(Problem(rid, sentence.start, f"unknown category {cat!r}", text[sentence.start:sentence.end][:30]))
        if len(set(sentence.cats)) != len(sentence.cats):
            problems.append(Problem(rid, sentence.start, "a category is listed twice"))
    if report.visit is not None:
        problems.extend(Problem(rid, None, message) for message in visit_problems(report.visit, report.official_names()))
    return problems


def validate_standoff(path: str | Path, corpus: Corpus) -> list[Problem]:
    """All problems of a standoff file; file-level problems come back as problems too."""
    problems: list[Problem] = []
    seen: set[str] = set()
    try:
        records = list(read_jsonl(path))
    except AnnotationError as err:
        return [Problem(str(path), None, str(err))]
    for number, record in records:
        rid = str(record["id"])
        if rid in seen:
            problems.append(Problem(rid, None, f"{path}:{number}: report annotated twice"))
            continue
        seen.add(rid)
        if rid not in corpus:
            problems.append(Problem(rid, None, f"{path}:{number}: report is not in the corpus manifest"))
            continue
        try:
            text = corpus[rid].text()
        except (CorpusError, ValueError) as err:
            problems.append(Problem(rid, None, f"{path}:{number}: {err}"))
            continue
        if record.get("sha256") != sha256_text(text):
            problems.append(Problem(rid, None, f"{path}:{number}: sha256 does not match the normalized text; offsets cannot be trusted"))
            continue
        try:
            report = AnnotatedReport(rid, text, _parse_spans(record.get("spans", []), f"{path}:{number}"),
                                     _parse_sentences(record.get("sentences", []), f"{path}:{number}"),
                                     visit=_parse_visit(record, f"{path}:{number}"))
        except AnnotationError as err:
            problems.append(Problem(rid, None, str(err)))
            continue
        problems.extend(Problem(p.report, p.offset, f"line {number}: {p.message}" if p.offset is None else p.message, p.context)
                        for p in check_report(report))
    return problems


def load_gold(gold: str | Path = Path("annotations/gold.jsonl"), manifest: str | Path = DEFAULT_MANIFEST) -> list[AnnotatedReport]:
    """Validated gold reports for training or evaluation; refuses (listing problems) rather than use bad data."""
    try:
        corpus = Corpus(manifest)
    except CorpusError as err:
        raise AnnotationError(str(err)) from None
    problems = validate_standoff(gold, corpus)
    if problems:
        shown = "\n".join(str(p) for p in problems[:20])
        raise AnnotationError(f"{gold}: {len(problems)} annotation problem(s); run `kaocha annotations validate`:\n{shown}")
    reports = load_standoff(gold, corpus)
    if not reports:
        raise AnnotationError(f"{gold}: no annotated reports")
    return reports
