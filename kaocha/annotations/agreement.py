"""Agreement between two annotation passes, with the project's metric functions."""

from __future__ import annotations

import pandas as pd

from kaocha.annotations.records import AnnotatedReport
from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS
from kaocha.metrics import category_scores, macro_f1, report_sentence_cats, report_spans, span_scores, visit_scores


def agreement_table(first: list[AnnotatedReport], second: list[AnnotatedReport]) -> tuple[pd.DataFrame, list[str]]:
    """Rows: entity labels (strict and relaxed F1), categories (F1), with counts of each pass."""
    second_ids = {r.id for r in second}
    common = [r.id for r in first if r.id in second_ids]
    a = [r for r in first if r.id in common]
    b = [r for r in second if r.id in common]
    strict = span_scores(report_spans(a), report_spans(b))
    relaxed = span_scores(report_spans(a), report_spans(b), relaxed=True)
    rows = []
    for label in [*ENTITY_LABELS, "micro"]:
        s = strict[label]
        rows.append({"kind": "entity", "label": label, "pass_1": s.tp + s.fn, "pass_2": s.tp + s.fp,
                     "f1_strict": s.f1, "f1_relaxed": relaxed[label].f1})
    cats = category_scores(report_sentence_cats(a), report_sentence_cats(b))
    for label in CATEGORY_LABELS:
        c = cats[label]
        rows.append({"kind": "category", "label": label, "pass_1": c.tp + c.fn, "pass_2": c.tp + c.fp,
                     "f1_strict": c.f1, "f1_relaxed": None})
    rows.append({"kind": "category", "label": "macro", "pass_1": None, "pass_2": None,
                 "f1_strict": macro_f1(cats), "f1_relaxed": None})
    rows.extend(visit_agreement_rows(a, b))
    return pd.DataFrame(rows), common


def visit_agreement_rows(first: list[AnnotatedReport], second: list[AnnotatedReport]) -> list[dict]:
    """Rows per visit field over the reports that have a visit record in both passes.

    visitor/host/leaders: F1 over names; dates: share of reports with both days
    equal; sides: share of pass-1 names given the same side, then F1 per side.
    """
    b_by_id = {r.id: r.visit for r in second if r.visit is not None}
    gold = {r.id: r.visit for r in first if r.visit is not None and r.id in b_by_id}
    if not gold:
        return []
    scores = visit_scores(gold, b_by_id)
    n = len(gold)
    rows = [{"kind": "visit", "label": name, "pass_1": scores[name].tp + scores[name].fn,
             "pass_2": scores[name].tp + scores[name].fp, "f1_strict": scores[name].f1, "f1_relaxed": None}
            for name in ("visitor", "host", "leaders")]
    rows.append({"kind": "visit", "label": "dates (exact)", "pass_1": n, "pass_2": n, "f1_strict": scores["dates"], "f1_relaxed": None})
    rows.append({"kind": "visit", "label": "side (accuracy)", "pass_1": sum(len(v.sides) for v in gold.values()),
                 "pass_2": None, "f1_strict": scores["side_accuracy"], "f1_relaxed": None})
    rows.extend({"kind": "visit", "label": f"side={side}", "pass_1": prf.tp + prf.fn, "pass_2": prf.tp + prf.fp,
                 "f1_strict": prf.f1, "f1_relaxed": None} for side, prf in scores["sides"].items())
    return rows
