"""Annotation sheets: a plain-text form for annotating a report by hand.

A sheet lists a report's sentences one per line, as
``S<n> <TAB> <categories or -> <TAB> <sentence with ⟦span|LABEL⟧ marks>``,
then the report's visit record (spec §5) as ``@field<TAB>value`` lines.
An annotator reads each sentence against the spec, adds the categories,
wraps each entity in ``⟦…|LABEL⟧`` and fills in the visit record. :func:`parse_sheet` turns a sheet back
into offsets, refusing any sheet whose text (marks removed) differs from the
report's normalized text by a single character, so offsets are exact.
"""

from __future__ import annotations

import re
from pathlib import Path

from kaocha.annotations.records import AnnotatedReport, AnnotationError, Sentence, Span
from kaocha.annotations.visit import Visit, parse_visit_lines, visit_sheet_lines
from kaocha.corpus import sha256_text
from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS
from kaocha.sentences import sentence_spans

OPEN, CLOSE = "⟦", "⟧"
MARK = re.compile(f"{OPEN}(.+?)\\|({'|'.join(ENTITY_LABELS)}){CLOSE}")
HEADER = """# kaocha annotation sheet (annotation-spec v1.4, annotations/GUIDELINES.md)
# report: {id}
# sha256: {sha256}
# One line per sentence: S<n> TAB categories TAB sentence.
# Categories: comma-separated from {cats}, or - for none.
# Entities: wrap each one as {open}text|LABEL{close} with LABEL one of {labels}.
# Change nothing else in the sentence text: the sheet is refused if one character differs.
"""


def make_sheet(report_id: str, text: str, existing: AnnotatedReport | None = None) -> str:
    """A sheet for ``text``; with ``existing`` annotations already marked in."""
    if OPEN in text or CLOSE in text:
        raise AnnotationError(f"report {report_id}: text contains {OPEN} or {CLOSE}; it cannot be annotated as a sheet")
    lines = [HEADER.format(id=report_id, sha256=sha256_text(text), cats=",".join(CATEGORY_LABELS),
                           labels=", ".join(ENTITY_LABELS), open=OPEN, close=CLOSE)]
    spans = sorted(existing.spans) if existing else []
    cats_by_start = {s.start: s.cats for s in existing.sentences} if existing else {}
    for number, (start, end) in enumerate(sentence_spans(text), start=1):
        pieces, cursor = [], start
        for span in spans:
            if span.start >= start and span.end <= end:
                pieces.append(text[cursor:span.start] + f"{OPEN}{text[span.start:span.end]}|{span.label}{CLOSE}")
                cursor = span.end
        pieces.append(text[cursor:end])
        cats = ",".join(cats_by_start.get(start, [])) or "-"
        lines.append(f"S{number}\t{cats}\t{''.join(pieces)}")
    lines += [""] + visit_sheet_lines(existing.visit if existing else None, existing.official_names() if existing else [])
    return "\n".join(lines) + "\n"


def parse_marked(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Plain text of a marked sentence and its spans relative to that text."""
    plain, spans, cursor = [], [], 0
    length = 0
    for match in MARK.finditer(marked):
        before = marked[cursor:match.start()]
        plain.append(before)
        length += len(before)
        inner = match.group(1)
        spans.append((length, length + len(inner), match.group(2)))
        plain.append(inner)
        length += len(inner)
        cursor = match.end()
    plain.append(marked[cursor:])
    text = "".join(plain)
    if OPEN in text or CLOSE in text:
        raise ValueError(f"a mark is not of the form {OPEN}text|LABEL{CLOSE} (labels: {', '.join(ENTITY_LABELS)})")
    return text, spans


def parse_sheet(sheet: str, text: str, source: str = "<sheet>") -> tuple[list[Span], list[Sentence], Visit | None]:
    """Offsets of the spans, categories and the visit record (None when the sheet has no @ lines) for the normalized ``text``."""
    expected = sentence_spans(text)
    numbered = [(n, line) for n, line in enumerate(sheet.split("\n"), start=1) if line.strip() and not line.startswith("#")]
    rows = [(n, line) for n, line in numbered if not line.startswith("@")]
    try:
        visit = parse_visit_lines([(n, line) for n, line in numbered if line.startswith("@")], source)
    except ValueError as err:
        raise AnnotationError(str(err)) from None
    if len(rows) != len(expected):
        raise AnnotationError(f"{source}: {len(rows)} sentence lines, but the report has {len(expected)} sentences")
    spans: list[Span] = []
    sentences: list[Sentence] = []
    for index, ((line_no, line), (start, end)) in enumerate(zip(rows, expected), start=1):
        where = f"{source}:{line_no}"
        parts = line.split("\t", 2)
        if len(parts) != 3 or parts[0].strip() != f"S{index}":
            raise AnnotationError(f"{where}: expected 'S{index}<TAB>categories<TAB>sentence'")
        cats_field, marked = parts[1].strip(), parts[2]
        cats = [] if cats_field in ("-", "") else [c.strip() for c in cats_field.split(",") if c.strip()]
        unknown = [c for c in cats if c not in CATEGORY_LABELS]
        if unknown:
            raise AnnotationError(f"{where}: unknown categor{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}")
        try:
            plain, local = parse_marked(marked)
        except ValueError as err:
            raise AnnotationError(f"{where}: {err}") from None
        original = text[start:end]
        if plain != original:
            first = next((i for i, (a, b) in enumerate(zip(plain, original)) if a != b), min(len(plain), len(original)))
            raise AnnotationError(
                f"{where}: sentence text differs from the report at character {first}: "
                f"sheet {plain[max(0, first - 8):first + 8]!r} vs report {original[max(0, first - 8):first + 8]!r}"
            )
        spans.extend(Span(start + s, start + e, label) for s, e, label in local)
        sentences.append(Sentence(start, end, sorted(dict.fromkeys(cats), key=CATEGORY_LABELS.index)))
    return spans, sentences, visit


def read_sheet_id(sheet: str, source: str = "<sheet>") -> str:
    for line in sheet.split("\n"):
        if line.startswith("# report:"):
            return line.split(":", 1)[1].strip()
    raise AnnotationError(f"{source}: no '# report: ID' line")


def load_sheet(path: str | Path, text_for_id) -> tuple[str, list[Span], list[Sentence], Visit | None]:
    """Read a sheet file; ``text_for_id`` maps the report id to its normalized text."""
    path = Path(path)
    sheet = path.read_text(encoding="utf-8")
    report_id = read_sheet_id(sheet, str(path))
    return (report_id, *parse_sheet(sheet, text_for_id(report_id), str(path)))
