"""Scoring many reports: reading, pieces for long reports, ``nlp.pipe``, worker processes.

Each report is an input (`TextInput`, or `FileInput` read in the worker that
scores it); `score_inputs` yields one `Outcome` per input, in input order:
its `Report`, or the problem that stopped it (a file that cannot be read, a
report the pipeline failed on), so that one bad report never stops a batch.

With ``n_process`` > 1 the inputs go in small batches to worker processes
forked from this one (so the loaded pipeline is shared, not loaded again),
each doing the whole job for its reports: reading, normalizing, the pipeline
and the record. spaCy's own ``nlp.pipe(n_process=…)`` parallelizes only the
pipeline and sends every Doc back through a pipe, which on 2 cores was
slower than one process; see docs/quickstart.md for the measurement.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import signal
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from kaocha.api import Report, decision_threshold, piece_annotations, report_from_annotations
from kaocha.visit_predict import predict_visit
from kaocha.components import REPORT_CONTEXT
from kaocha.corpus import CorpusError, sha256_bytes
from kaocha.long_text import CHUNK_CHARS, chunk_spans
from kaocha.normalize import normalize
from kaocha.reading import ReportReadError, read_report

#: Batches per worker process when the number of reports is known: small
#: enough that the workers finish together, large enough for nlp.pipe.
BATCHES_PER_PROCESS = 4


class ReportScoringError(RuntimeError):
    """The pipeline failed on one report; the message names it."""


class IndexFileWarning(UserWarning):
    """An ``index.tsv`` beside report files could not be used (records get no ``meta``)."""


@dataclass
class TextInput:
    """A report given as text (normalized here)."""

    id: str | None
    text: str
    source: str | None = None

    @property
    def label(self) -> str:
        return self.source or (f"report {self.id}" if self.id is not None else "text")


@dataclass
class FileInput:
    """A report file, read (encoding detected unless given) where it is scored."""

    path: Path
    encoding: str | None = None
    report_id: str | None = None

    @property
    def id(self) -> str:
        return self.report_id if self.report_id is not None else self.path.stem

    @property
    def label(self) -> str:
        return str(self.path)


@dataclass
class Outcome:
    """What became of one input: a report, or the problem (``kind`` "read" or "score")."""

    input: TextInput | FileInput
    report: Report | None = None
    problem: str | None = None
    kind: str | None = None
    meta: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return f"{self.input.label}: {self.problem}"

    def result(self) -> Report:
        """The report, or the problem raised (`ReportReadError` / `ReportScoringError`)."""
        if self.report is not None:
            return self.report
        if self.kind == "read":
            raise ReportReadError(self.input.label, self.problem)
        raise ReportScoringError(self.message)


def as_input(item, encoding: str | None = None) -> TextInput | FileInput:
    """An item of `kaocha.extract_many`: a text, an ``(id, text)`` pair, a Path, or an ``(id, Path)`` pair."""
    if isinstance(item, (TextInput, FileInput)):
        return item
    if isinstance(item, os.PathLike):
        return FileInput(Path(item), encoding)
    if isinstance(item, str):
        return TextInput(None, item)
    if isinstance(item, tuple) and len(item) == 2:
        report_id, content = item
        report_id = None if report_id is None else str(report_id)
        if isinstance(content, os.PathLike):
            return FileInput(Path(content), encoding, report_id)
        if isinstance(content, str):
            return TextInput(report_id, content)
    raise TypeError(f"expected a text, an (id, text) pair or a Path, not {type(item).__name__}: {str(item)[:60]!r}")


@lru_cache(maxsize=256)
def directory_index(directory: Path) -> tuple[dict, str | None]:
    """The rows of an ``index.tsv`` in ``directory`` by file name, and what
    was wrong with it (then the rows are empty)."""
    from kaocha.corpus import read_index_tsv

    try:
        return read_index_tsv(directory), None
    except (CorpusError, ValueError, OSError, UnicodeDecodeError) as err:
        return {}, f"{directory / 'index.tsv'}: not used ({str(err).splitlines()[0]})"


def file_meta(path: Path) -> dict:
    """What ``index.tsv`` beside a report file says about it (empty values left out)."""
    rows, problem = directory_index(path.parent)
    if problem:
        warnings.warn(problem, IndexFileWarning, stacklevel=2)
    return {k: v for k, v in rows.get(path.name, {}).items() if v}


def _prepare(item: TextInput | FileInput) -> tuple[str, dict]:
    """The normalized text of an input and the record fields it brings."""
    if isinstance(item, FileInput):
        raw = read_report(item.path, item.encoding)
        digest = sha256_bytes(item.path.read_bytes())
        fields = {"report_id": item.id, "source": str(item.path), "sha256": digest, "meta": file_meta(item.path)}
    else:
        raw = item.text
        fields = {"report_id": item.id, "source": item.source, "sha256": None, "meta": {}}
    text = normalize(raw)
    if not text.strip():
        raise ReportReadError(item.label, "no text left after normalization (empty or whitespace only)")
    return text, fields


def _groups(pieces: list, batch_size: int, max_chars: int) -> Iterator[list]:
    """Consecutive pieces, at most ``batch_size`` of them and (unless one piece
    alone is longer) ``max_chars`` characters together: the memory of one
    ``nlp.pipe`` batch grows with its characters."""
    group, chars = [], 0
    for piece in pieces:
        if group and (len(group) >= batch_size or chars + len(piece[2]) > max_chars):
            yield group
            group, chars = [], 0
        group.append(piece)
        chars += len(piece[2])
    if group:
        yield group


def _pipeline_reports(nlp, prepared: list[tuple[str, dict]], batch_size: int) -> list[Report]:
    """Run the pipeline over the reports' pieces and join each report's pieces.
    Each Doc is reduced to its annotations as soon as it is made, so a long
    report never holds more than one batch of Docs."""
    limit = min(CHUNK_CHARS, nlp.max_length)
    pieces = [(index, start, text[start:end]) for index, (text, _) in enumerate(prepared)
              for start, end in chunk_spans(text, limit)]
    annotations = [([], []) for _ in prepared]
    for group in _groups(pieces, batch_size, limit):
        docs = []
        for index, start, piece in group:
            doc = nlp.make_doc(piece)
            text = prepared[index][0]
            if len(piece) != len(text):
                doc.user_data[REPORT_CONTEXT] = {"text": text, "offset": start}
            docs.append(doc)
        # kaocha_visit is run below, once per whole report with its metadata, not per piece.
        disabled = [name for name in ("kaocha_visit",) if name in nlp.pipe_names]
        for (index, start, _), doc in zip(group, nlp.pipe(docs, batch_size=len(docs), disable=disabled)):
            spans, scored = piece_annotations(doc, start)
            annotations[index][0].extend(spans)
            annotations[index][1].extend(scored)
        del docs
    threshold = decision_threshold(nlp)
    visit_model = nlp.get_pipe("kaocha_visit").model if "kaocha_visit" in nlp.pipe_names else None
    reports = []
    for (text, fields), (spans, scored) in zip(prepared, annotations):
        report = report_from_annotations(text, spans, scored, threshold, fields["report_id"], fields["source"])
        report.sha256, report.meta = fields["sha256"], fields["meta"]
        # The visit record reads the whole report (all pieces) and its metadata (the year of a dateless text);
        # without a fitted kaocha_visit component, sides come from the rule baseline.
        report.visit = predict_visit(text, report.entities, report.meta, visit_model).to_dict()
        reports.append(report)
    return reports


def score_batch(nlp, items: list, batch_size: int = 32) -> list[Outcome]:
    """Outcomes of one batch: reports are scored together, and if the pipeline
    fails on the batch, one at a time, so only the report at fault is lost."""
    outcomes: list[Outcome] = [Outcome(item) for item in items]
    prepared = []
    for outcome in outcomes:
        try:
            prepared.append((outcome, _prepare(outcome.input)))
        except ReportReadError as err:
            outcome.problem, outcome.kind = err.problem, "read"
        except OSError as err:
            outcome.problem, outcome.kind = f"cannot be read ({err.strerror or err})", "read"
    try:
        reports = _pipeline_reports(nlp, [p for _, p in prepared], batch_size)
        for (outcome, _), report in zip(prepared, reports):
            outcome.report = report
    except Exception:  # noqa: BLE001 - retried one by one below, each failure reported
        for outcome, one in prepared:
            try:
                outcome.report = _pipeline_reports(nlp, [one], batch_size)[0]
            except Exception as err:  # noqa: BLE001 - the message names the report and the error
                detail = str(err).strip().splitlines()[0] if str(err).strip() else ""
                outcome.problem, outcome.kind = f"cannot be scored ({type(err).__name__}: {detail[:300]})", "score"
    return outcomes


_WORKER_NLP = None
_WORKER_BATCH_SIZE = 32


_THREAD_LIMIT = None
PR_SET_PDEATHSIG = 1


def _exit_with_parent() -> None:
    """Linux: a worker gets SIGTERM when its parent dies, even by SIGKILL,
    instead of living on as an orphan (elsewhere: nothing)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _worker_init() -> None:
    global _THREAD_LIMIT
    # Ctrl-C reaches the whole process group: the parent stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    warnings.simplefilter("ignore")
    # One BLAS thread per worker: n workers with a thread per core each would
    # fight over the cores (measured: 60% more CPU time for the same work).
    from threadpoolctl import threadpool_limits

    _THREAD_LIMIT = threadpool_limits(limits=1)


def _worker_batch(items: list) -> list[Outcome]:
    return score_batch(_WORKER_NLP, items, _WORKER_BATCH_SIZE)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def task_size(batch_size: int, n_process: int, total: int | None) -> int:
    """Reports per task sent to a worker (see `BATCHES_PER_PROCESS`)."""
    if n_process <= 1 or total is None:
        return batch_size
    return max(1, min(batch_size, math.ceil(total / (BATCHES_PER_PROCESS * n_process))))


def score_inputs(nlp, inputs: Iterable, batch_size: int = 32, n_process: int = 1,
                 total: int | None = None) -> Iterator[Outcome]:
    """One `Outcome` per input, in order (``total``: how many inputs, if known)."""
    global _WORKER_NLP, _WORKER_BATCH_SIZE
    if isinstance(inputs, (list, tuple)):
        total = len(inputs)
    size = task_size(batch_size, n_process, total)
    if n_process <= 1 or (total is not None and total <= size) or "fork" not in multiprocessing.get_all_start_methods():
        for batch in _batches(inputs, size):
            yield from score_batch(nlp, batch, batch_size)
        return
    _WORKER_NLP, _WORKER_BATCH_SIZE = nlp, batch_size
    pool = multiprocessing.get_context("fork").Pool(n_process, initializer=_worker_init)
    try:
        for outcomes in pool.imap(_worker_batch, _batches(inputs, size)):
            yield from outcomes
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _WORKER_NLP = None
