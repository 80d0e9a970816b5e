"""The one set of metric functions: annotation agreement, cross-validation,
held-out evaluation and the benchmark all call these.

Entities: precision, recall and F1 per label and micro-averaged, for strict
matches (same start, end, label) and relaxed ones (overlapping span, same
label; each gold span matched at most once). Categories: per-label precision,
recall, F1 over sentences and their macro-average. Sentences are matched by
``(report, start, end)``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS

SpanKey = tuple[str, int, int, str]  # report, start, end, label


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """F1; 1.0 when there is nothing to find and nothing was found."""
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


def _relaxed_matches(gold: list[SpanKey], pred: list[SpanKey]) -> tuple[set[int], set[int]]:
    """Greedy one-to-one matching of overlapping spans with the same label and report."""
    matched_gold: set[int] = set()
    matched_pred: set[int] = set()
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, (report, _, _, label) in enumerate(gold):
        by_key.setdefault((report, label), []).append(i)
    for j, (report, start, end, label) in enumerate(pred):
        for i in by_key.get((report, label), []):
            if i in matched_gold:
                continue
            _, gs, ge, _ = gold[i]
            if gs < end and start < ge:
                matched_gold.add(i)
                matched_pred.add(j)
                break
    return matched_gold, matched_pred


def span_scores(gold: Iterable[SpanKey], pred: Iterable[SpanKey], relaxed: bool = False,
                labels: Sequence[str] = ENTITY_LABELS) -> dict[str, PRF]:
    """Per-label PRF plus ``"micro"`` for span tuples ``(report, start, end, label)``."""
    gold, pred = sorted(set(gold)), sorted(set(pred))
    if relaxed:
        mg, mp = _relaxed_matches(gold, pred)
        tp = Counter(gold[i][3] for i in mg)
        fn = Counter(g[3] for i, g in enumerate(gold) if i not in mg)
        fp = Counter(p[3] for j, p in enumerate(pred) if j not in mp)
    else:
        both = set(gold) & set(pred)
        tp = Counter(k[3] for k in both)
        fn = Counter(k[3] for k in gold if k not in both)
        fp = Counter(k[3] for k in pred if k not in both)
    scores = {label: PRF(tp[label], fp[label], fn[label]) for label in labels}
    scores["micro"] = PRF(sum(tp[l] for l in labels), sum(fp[l] for l in labels), sum(fn[l] for l in labels))
    return scores


SentenceKey = tuple[str, int, int]


def category_scores(gold: Mapping[SentenceKey, Iterable[str]], pred: Mapping[SentenceKey, Iterable[str]],
                    labels: Sequence[str] = CATEGORY_LABELS) -> dict[str, PRF]:
    """Per-label PRF over the gold sentences (a predicted sentence missing counts as no categories)."""
    counts = {label: [0, 0, 0] for label in labels}
    for key, gold_cats in gold.items():
        g, p = set(gold_cats), set(pred.get(key, ()))
        for label in labels:
            if label in g and label in p:
                counts[label][0] += 1
            elif label in p:
                counts[label][1] += 1
            elif label in g:
                counts[label][2] += 1
    return {label: PRF(*counts[label]) for label in labels}


def macro_f1(scores: Mapping[str, PRF], labels: Sequence[str] = CATEGORY_LABELS) -> float:
    """Mean F1 over the labels that occur in gold or predictions (absent ones would count 1.0)."""
    present = [scores[l].f1 for l in labels if scores[l].tp + scores[l].fp + scores[l].fn]
    return sum(present) / len(present) if present else 1.0


def report_spans(reports) -> list[SpanKey]:
    """Span tuples of annotated reports (anything with ``id`` and ``spans``)."""
    return [(r.id, s.start, s.end, s.label) for r in reports for s in r.spans]


def report_sentence_cats(reports) -> dict[SentenceKey, list[str]]:
    return {(r.id, s.start, s.end): list(s.cats) for r in reports for s in r.sentences}


def _item_scores(pairs: Iterable[tuple[Iterable[str], Iterable[str]]]) -> PRF:
    """PRF over set items, summed across reports (each pair is ``(gold items, predicted items)``)."""
    tp = fp = fn = 0
    for gold, pred in pairs:
        g, p = set(gold), set(pred)
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
    return PRF(tp, fp, fn)


def visit_scores(gold: Mapping[str, "object"], pred: Mapping[str, "object"]) -> dict[str, float | PRF | dict]:
    """Visit-record figures over the reports of ``gold`` (id → Visit; a missing prediction counts as empty).

    ``visitor``/``host``/``leaders``: PRF over the names of each report;
    ``dates``: share of reports whose start and end both match exactly;
    ``side_accuracy``: share of the gold ``sides`` entries predicted with the
    same side (a name the prediction lacks counts wrong); ``sides``: PRF per
    side value, over (report, name) pairs.
    """
    from kaocha.annotations.visit import SIDES, Visit

    ids = [rid for rid in gold]
    empty = Visit()
    got = {rid: pred.get(rid) or empty for rid in ids}
    side_pairs = [(gold[rid].sides, got[rid].sides) for rid in ids]
    total = sum(len(g) for g, _ in side_pairs)
    correct = sum(p.get(name) == side for g, p in side_pairs for name, side in g.items())
    per_side = {side: _item_scores(({n for n, s in g.items() if s == side}, {n for n, s in p.items() if s == side and n in g})
                                   for g, p in side_pairs) for side in SIDES}
    return {
        "reports": len(ids),
        "visitor": _item_scores((gold[r].visitor, got[r].visitor) for r in ids),
        "host": _item_scores((gold[r].host, got[r].host) for r in ids),
        "leaders": _item_scores((gold[r].leaders, got[r].leaders) for r in ids),
        "dates": sum((gold[r].start, gold[r].end) == (got[r].start, got[r].end) for r in ids) / len(ids) if ids else 1.0,
        "side_accuracy": correct / total if total else 1.0,
        "sides": per_side,
    }
