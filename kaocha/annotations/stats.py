"""`kaocha annotations stats`: spans per label, sentences per category, visit records and sides."""

from __future__ import annotations

import pandas as pd

from kaocha.annotations.records import AnnotatedReport
from kaocha.annotations.visit import SIDES
from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS


def stats_table(reports: list[AnnotatedReport]) -> pd.DataFrame:
    """One row per report plus a TOTAL row: characters, sentences, spans per label, sentences per category,
    whether it has a visit record (``visit``), its leaders and officials per side."""
    rows = []
    for report in reports:
        row = {"report": report.id, "chars": len(report.text), "sentences": len(report.sentences),
               "with_cats": sum(bool(s.cats) for s in report.sentences)}
        for label in ENTITY_LABELS:
            row[label] = sum(s.label == label for s in report.spans)
        for cat in CATEGORY_LABELS:
            row[cat] = sum(cat in s.cats for s in report.sentences)
        visit = report.visit
        row["visit"] = int(visit is not None)
        row["leaders"] = len(visit.leaders) if visit else 0
        for side in SIDES:
            row[side] = sum(value == side for value in visit.sides.values()) if visit else 0
        rows.append(row)
    table = pd.DataFrame(rows, columns=["report", "chars", "sentences", "with_cats", *ENTITY_LABELS, *CATEGORY_LABELS,
                                        "visit", "leaders", *SIDES])
    total = table.drop(columns="report").sum().to_dict()
    table.loc[len(table)] = {"report": "TOTAL", **total}
    return table
