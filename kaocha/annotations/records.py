"""Annotated reports and the two file formats they live in.

* Standoff (``annotations/*.jsonl``): ``id``, ``sha256`` of the normalized
  text, ``spans``, ``sentences`` and ``provenance`` -- no copy of the text.
  :func:`load_standoff` joins records with the corpus and refuses a record
  whose hash does not match the report's normalized text.
* Interchange (spec §4): the same with ``text`` (and ``meta``) in the record.
  :func:`load_interchange` recomputes the normalization of ``text`` and
  refuses a file whose text is not normalized.

Both writers go through a temporary file and a rename, so a failure never
leaves a half-written file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from kaocha.annotations.visit import Visit, parse_visit
from kaocha.corpus import Corpus, sha256_text
from kaocha.files import write_text_atomically
from kaocha.normalize import normalize


class AnnotationError(ValueError):
    """A problem in an annotation file; the message names file, line and report."""


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass
class Sentence:
    start: int
    end: int
    cats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "cats": list(self.cats)}


@dataclass
class AnnotatedReport:
    id: str
    text: str
    spans: list[Span]
    sentences: list[Sentence]
    meta: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    visit: Visit | None = None

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)

    def span_text(self, span: Span) -> str:
        return self.text[span.start:span.end]

    def official_names(self) -> list[str]:
        """Distinct OFFICIAL strings in order of first mention (the names a visit record's ``sides`` covers)."""
        return list(dict.fromkeys(self.span_text(s) for s in sorted(self.spans) if s.label == "OFFICIAL"))

    def to_standoff(self) -> dict:
        record = {
            "id": self.id,
            "sha256": self.sha256,
            "spans": [s.to_dict() for s in sorted(self.spans)],
            "sentences": [s.to_dict() for s in self.sentences],
        }
        if self.visit is not None:
            record["visit"] = self.visit.to_dict()
        record["provenance"] = self.provenance
        return record

    def to_interchange(self) -> dict:
        meta = dict(self.meta)
        if self.provenance:
            meta.setdefault("provenance", self.provenance)
        record = {
            "id": self.id,
            "text": self.text,
            "spans": [s.to_dict() for s in sorted(self.spans)],
            "sentences": [s.to_dict() for s in self.sentences],
        }
        if self.visit is not None:
            record["visit"] = self.visit.to_dict()
        record["meta"] = meta
        return record


def _offset(item: dict, key: str, kind: str, where: str) -> int:
    """An offset exactly as stored: a JSON integer. ``1.7`` or ``"3"`` is refused,
    never truncated or converted (a shifted span would still validate)."""
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnnotationError(f"{where}: {kind} {key} must be an integer offset, not {json.dumps(value, ensure_ascii=False)}")
    return value


def _parse_spans(raw, where: str) -> list[Span]:
    try:
        return [Span(_offset(s, "start", "span", where), _offset(s, "end", "span", where), str(s["label"])) for s in raw]
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, AnnotationError):
            raise
        raise AnnotationError(f"{where}: malformed span ({err})") from None


def _parse_sentences(raw, where: str) -> list[Sentence]:
    try:
        return [Sentence(_offset(s, "start", "sentence", where), _offset(s, "end", "sentence", where),
                         [str(c) for c in s.get("cats", [])]) for s in raw]
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        if isinstance(err, AnnotationError):
            raise
        raise AnnotationError(f"{where}: malformed sentence ({err})") from None


def _parse_visit(record: dict, where: str) -> Visit | None:
    if record.get("visit") is None:
        return None
    try:
        return parse_visit(record["visit"])
    except ValueError as err:
        raise AnnotationError(f"{where}: {err}") from None


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield ``(line_number, record)``; corrupt JSON names the file and line."""
    path = Path(path)
    if not path.exists():
        raise AnnotationError(f"{path}: no such annotation file")
    if path.is_dir():
        raise AnnotationError(f"{path}: is a directory, not an annotation file")
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise AnnotationError(f"{path}:{number}: not valid UTF-8 (byte {err.start + 1} of the line: "
                                      f"{raw[err.start:err.start + 4]!r}); the file must be UTF-8 JSON lines") from None
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise AnnotationError(f"{path}:{number}: not valid JSON ({err.msg} at column {err.colno})") from None
            if not isinstance(record, dict) or "id" not in record:
                raise AnnotationError(f"{path}:{number}: a record must be a JSON object with an 'id'")
            yield number, record


def holds_standoff(path: str | Path) -> bool:
    """Whether ``path`` is an existing file whose first record is a standoff
    record (``sha256`` and no ``text``): a file only the annotation writers may replace."""
    try:
        with open(path, "rb") as handle:
            for raw in handle:
                if raw.strip():
                    record = json.loads(raw.decode("utf-8").removeprefix("\ufeff"))
                    return isinstance(record, dict) and "sha256" in record and "text" not in record
    except (OSError, ValueError):
        return False
    return False


def load_standoff(path: str | Path, corpus: Corpus, check_hash: bool = True) -> list[AnnotatedReport]:
    """Standoff records joined with the corpus's normalized text."""
    reports, seen = [], set()
    for number, record in read_jsonl(path):
        report_id = record["id"]
        where = f"{path}:{number} (report {report_id})"
        if report_id in seen:
            raise AnnotationError(f"{where}: report annotated twice in one file")
        seen.add(report_id)
        if report_id not in corpus:
            raise AnnotationError(f"{where}: report is not in the corpus manifest {corpus.manifest}")
        text = corpus[report_id].text()
        if check_hash and record.get("sha256") != sha256_text(text):
            raise AnnotationError(
                f"{where}: sha256 of the normalized text does not match the annotations "
                "(the report or the normalizer changed; offsets cannot be trusted)"
            )
        reports.append(AnnotatedReport(
            id=report_id,
            text=text,
            spans=_parse_spans(record.get("spans", []), where),
            sentences=_parse_sentences(record.get("sentences", []), where),
            meta=corpus[report_id].meta,
            provenance=record.get("provenance", {}),
            visit=_parse_visit(record, where),
        ))
    return reports


def load_interchange(path: str | Path) -> list[AnnotatedReport]:
    """Records in spec §4 format; refuses text that is not normalized."""
    reports, first_line = [], {}
    for number, record in read_jsonl(path):
        where = f"{path}:{number} (report {record['id']})"
        if str(record["id"]) in first_line:
            raise AnnotationError(f"{where}: the report is in the file twice (first at line {first_line[str(record['id'])]}); "
                                  "keep one record per report")
        first_line[str(record["id"])] = number
        text = record.get("text")
        if not isinstance(text, str):
            raise AnnotationError(f"{where}: interchange records need a 'text' string")
        if normalize(text) != text:
            first = next((i for i, (a, b) in enumerate(zip(text, normalize(text))) if a != b), min(len(text), len(normalize(text))))
            raise AnnotationError(
                f"{where}: 'text' is not normalized (spec §1); first difference at offset {first}: "
                f"{text[max(0, first - 10):first + 10]!r}"
            )
        meta = record.get("meta", {}) or {}
        reports.append(AnnotatedReport(
            id=str(record["id"]),
            text=text,
            spans=_parse_spans(record.get("spans", []), where),
            sentences=_parse_sentences(record.get("sentences", []), where),
            meta=meta,
            provenance=meta.get("provenance", {}),
            visit=_parse_visit(record, where),
        ))
    return reports


def clash_message(into: str | Path, stored: list[AnnotatedReport], incoming: list[AnnotatedReport]) -> str | None:
    """Why adding ``incoming`` to ``stored`` needs --replace, or None when no report is there already."""
    present = {r.id for r in stored}
    clash = [r.id for r in incoming if r.id in present]
    if not clash:
        return None
    return f"{into} already has report(s) {', '.join(clash)}; pass --replace to overwrite them"


def merge_reports(stored: list[AnnotatedReport], incoming: list[AnnotatedReport], order: list[str]) -> list[AnnotatedReport]:
    """``stored`` with ``incoming`` added or replacing by id, sorted in ``order`` (the manifest's)."""
    by_id = {r.id: r for r in stored}
    by_id.update({r.id: r for r in incoming})
    rank = {rid: i for i, rid in enumerate(order)}
    return sorted(by_id.values(), key=lambda r: rank[r.id])


def write_jsonl(records: Iterable[dict], path: str | Path) -> None:
    write_text_atomically("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), path)


def save_standoff(reports: Iterable[AnnotatedReport], path: str | Path) -> None:
    write_jsonl((r.to_standoff() for r in reports), path)


def save_interchange(reports: Iterable[AnnotatedReport], path: str | Path) -> None:
    write_jsonl((r.to_interchange() for r in reports), path)
