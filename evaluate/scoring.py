"""Scores of one system against gold, with the project's metric functions
(`kaocha.metrics`), plus bootstrap intervals over reports and ROC-AUC."""

from __future__ import annotations

import random

from kaocha.annotations.records import AnnotatedReport
from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS
from kaocha.linking import link_pairs
from kaocha.metrics import PRF, category_scores, macro_f1, report_sentence_cats, report_spans, span_scores
from evaluate.systems import Prediction


def predicted_spans(predictions: dict[str, Prediction]) -> list[tuple]:
    return [(rid, s, e, label) for rid, p in predictions.items() for s, e, label in p.spans]


def predicted_cats(predictions: dict[str, Prediction], threshold: float) -> dict[tuple, list[str]]:
    return {(rid, s, e): [l for l, v in scores.items() if v >= threshold]
            for rid, p in predictions.items() for s, e, scores in p.sentences}


def score_system(gold: list[AnnotatedReport], predictions: dict[str, Prediction], threshold: float = 0.5) -> dict:
    """Flat dict of figures: `<LABEL>_<metric>` for entities (strict and relaxed) and categories."""
    gold_spans, pred_spans = report_spans(gold), predicted_spans(predictions)
    figures = {}
    for mode, relaxed in (("strict", False), ("relaxed", True)):
        for label, prf in span_scores(gold_spans, pred_spans, relaxed=relaxed).items():
            for metric in ("precision", "recall", "f1"):
                figures[f"{label}_{mode}_{metric}"] = getattr(prf, metric)
    cats = category_scores(report_sentence_cats(gold), predicted_cats(predictions, threshold))
    for label, prf in cats.items():
        for metric in ("precision", "recall", "f1"):
            figures[f"{label}_{metric}"] = getattr(prf, metric)
    figures["cats_macro_f1"] = macro_f1(cats)
    for metric, value in linking_scores(gold, predictions).items():
        figures[f"links_{metric}"] = value
    return figures


def linking_scores(gold: list[AnnotatedReport], predictions: dict[str, Prediction]) -> dict[str, float]:
    """Official–post links (`kaocha.linking`): pairs derived from the gold spans
    against pairs derived from the predicted spans."""
    gold_pairs, predicted_pairs = set(), set()
    for report in gold:
        spans = [(s.start, s.end, s.label) for s in report.spans]
        gold_pairs |= {(report.id, *pair) for pair in link_pairs(report.text, spans)}
        predicted = predictions.get(report.id, Prediction([], [])).spans
        predicted_pairs |= {(report.id, *pair) for pair in link_pairs(report.text, list(predicted))}
    tp = len(gold_pairs & predicted_pairs)
    prf = PRF(tp, len(predicted_pairs) - tp, len(gold_pairs) - tp)
    return {"precision": prf.precision, "recall": prf.recall, "f1": prf.f1}


def fold_figures(gold: list[AnnotatedReport], predictions: dict[str, Prediction], folds: list[list[str]],
                 threshold: float = 0.5) -> list[dict]:
    """`score_system` for each fold: its held-out reports against the
    predictions for those reports only (others' would count as false positives)."""
    return [score_system([r for r in gold if r.id in fold], {i: p for i, p in predictions.items() if i in fold}, threshold)
            for fold in map(set, folds)]


def roc_auc(gold: list[AnnotatedReport], predictions: dict[str, Prediction]) -> dict[str, float]:
    """ROC-AUC per category from the sentence scores (labels with both classes only)."""
    from sklearn.metrics import roc_auc_score

    gold_cats = report_sentence_cats(gold)
    scores = {(rid, s, e): sc for rid, p in predictions.items() for s, e, sc in p.sentences}
    out = {}
    for label in CATEGORY_LABELS:
        y_true = [1 if label in cats else 0 for key, cats in gold_cats.items()]
        y_score = [scores.get(key, {}).get(label, 0.0) for key in gold_cats]
        if 0 < sum(y_true) < len(y_true):
            out[label] = float(roc_auc_score(y_true, y_score))
    return out


def bootstrap(gold: list[AnnotatedReport], predictions: dict[str, Prediction], keys: list[str],
              threshold: float = 0.5, rounds: int = 1000, seed: int = 0) -> dict[str, tuple[float, float]]:
    """95% intervals of the figures in ``keys``, resampling reports with replacement."""
    rng = random.Random(seed)
    samples = {k: [] for k in keys}
    for _ in range(rounds):
        picked = [rng.choice(gold) for _ in gold]
        renamed_gold, renamed_pred = [], {}
        for i, report in enumerate(picked):
            rid = f"{report.id}#{i}"
            renamed_gold.append(AnnotatedReport(rid, report.text, report.spans, report.sentences))
            renamed_pred[rid] = predictions.get(report.id, Prediction([], []))
        figures = score_system(renamed_gold, renamed_pred, threshold)
        for k in keys:
            samples[k].append(figures[k])
    out = {}
    for k, values in samples.items():
        values.sort()
        out[k] = (values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1])
    return out


HEADLINE = [f"{l}_strict_f1" for l in [*ENTITY_LABELS, "micro"]] + ["cats_macro_f1"]
