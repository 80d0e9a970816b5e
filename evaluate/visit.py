"""`python -m evaluate.visit`: the visit record (spec §5) against gold, learned side model vs rule baseline.

* default: grouped K-fold cross-validation by report (`evaluate.cv.report_folds`)
  over the reports of ``--annotations`` that carry a visit record; the side
  model is refitted inside each fold on its training reports;
* ``--test FILE.jsonl``: held out: the side model fitted on all of
  ``--annotations``, scored on an interchange gold file (spec §4) with visits.

Prints a Markdown table (pooled figures and the folds' sd) and writes
``figures.json`` and ``errors.csv`` under ``--out``. Predictions use the gold
OFFICIAL/POST spans (see `evaluate.visit_scoring`).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import typer

from kaocha.annotations.records import AnnotationError, load_interchange
from kaocha.annotations.validate import load_gold
from kaocha.files import write_text_atomically
from evaluate.visit_scoring import (SYSTEMS, cross_validate_visits, error_rows, fit_models, markdown_table,
                                    predict_reports, summarize, with_visits)

app = typer.Typer(add_completion=False)


@app.command()
def main(
    annotations: Path = typer.Option(Path("annotations/gold.jsonl"), help="Standoff gold annotations with visit records."),
    test: Path = typer.Option(None, help="Held-out mode: interchange gold file with visit records (spec §4)."),
    folds: int = typer.Option(5, help="Cross-validation: number of folds (grouped by report)."),
    c: float = typer.Option(0.3, help="Inverse regularization of the side (and party) model; 0.3 was best of 0.05-10 in this CV."),
    meta: bool = typer.Option(False, help="Give the predictor the reports' metadata (year of undated visits)."),
    out: Path = typer.Option(Path("runs/evaluate-visit"), help="Directory for figures.json and errors.csv."),
) -> None:
    """Score predicted visit records against gold; learned sides beside the rule baseline."""
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    try:
        reports = with_visits(load_gold(annotations))
        if test is not None:
            test_reports = with_visits(load_interchange(test))
            if not test_reports:
                raise AnnotationError(f"{test}: no record carries a visit")
            models = fit_models(reports, c)
            predicted = {system: predict_reports(test_reports, system, models.get(system), meta) for system in SYSTEMS}
            summary = summarize({r.id: r.visit for r in test_reports}, predicted, [[r.id for r in test_reports]])
            mode = f"held out: side model fitted on {len(reports)} reports of {annotations}, scored on {len(test_reports)} of {test}"
            gold = {r.id: r.visit for r in test_reports}
        else:
            summary = cross_validate_visits(reports, folds, c, meta, log)
            mode = (f"{len(summary['folds'])}-fold cross-validation grouped by report over the {len(reports)} reports "
                    f"of {annotations} with a visit record")
            gold = {r.id: r.visit for r in reports}
    except (AnnotationError, ValueError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    print(f"# kaocha visit-record evaluation — {dt.date.today().isoformat()}\n\n{mode}; gold OFFICIAL/POST spans; "
          f"metadata {'used' if meta else 'not used'}\n")
    print(markdown_table(summary))
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomically(json.dumps({"mode": mode, "pooled": summary["pooled"], "sd": summary["sd"],
                                      "per_fold": summary["per_fold"], "folds": summary["folds"]},
                                     ensure_ascii=False, indent=2), out / "figures.json")
    import pandas as pd

    rows = [dict(system=system, **row) for system in SYSTEMS for row in error_rows(gold, summary["predicted"][system])]
    write_text_atomically(pd.DataFrame(rows, columns=["system", "report", "field", "gold", "predicted"]).to_csv(index=False),
                          out / "errors.csv")
    print(f"\nwrote {out}/figures.json and errors.csv")


if __name__ == "__main__":
    app()
