"""`kaocha annotations stats`: spans per label and sentences per category."""

from __future__ import annotations

import pandas as pd

from kaocha.annotations.records import AnnotatedReport
from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS


def stats_table(reports: list[AnnotatedReport]) -> pd.DataFrame:
    """One row per report plus a TOTAL row: characters, sentences, spans per label, sentences per category."""
    rows = []
    for report in reports:
        row = {"report": report.id, "chars": len(report.text), "sentences": len(report.sentences),
               "with_cats": sum(bool(s.cats) for s in report.sentences)}
        for label in ENTITY_LABELS:
            row[label] = sum(s.label == label for s in report.spans)
        for cat in CATEGORY_LABELS:
            row[cat] = sum(cat in s.cats for s in report.sentences)
        rows.append(row)
    table = pd.DataFrame(rows, columns=["report", "chars", "sentences", "with_cats", *ENTITY_LABELS, *CATEGORY_LABELS])
    total = table.drop(columns="report").sum().to_dict()
    table.loc[len(table)] = {"report": "TOTAL", **total}
    return table
