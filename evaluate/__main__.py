"""`python -m evaluate`: the model against the regex baseline, per label.

* default: grouped K-fold cross-validation by report over all annotated
  reports (the model is trained on each fold's training reports only);
* `--gold FILE.jsonl --model DIR`: a trained model and the baseline on any
  gold file in the interchange format (spec §4).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
from pathlib import Path

import spacy
import typer

from kaocha.annotations.records import AnnotationError, load_interchange
from kaocha.annotations.validate import check_report, load_gold
from evaluate.baseline import RegexBaseline
from evaluate.cv import TrainingFailed, cross_validate, cv_mode
from evaluate.peers import load_peers
from evaluate.report import comparison_table, error_rows, to_markdown, write_outputs
from evaluate.scoring import HEADLINE, bootstrap, fold_figures, roc_auc, score_system
from evaluate.systems import ModelSystem

app = typer.Typer(add_completion=False)


def per_fold_figures(gold, predictions, folds, threshold) -> dict[str, list[dict]]:
    """Each system's figures on each fold (`evaluate.scoring.fold_figures`)."""
    return {system: fold_figures(gold, preds, folds, threshold) for system, preds in predictions.items()}


def fold_spread(per_fold: dict[str, list[dict]]) -> dict[str, dict[str, float]]:
    """Standard deviation over folds of each figure of each system."""
    return {system: {k: statistics.pstdev(f[k] for f in rows) for k in rows[0]} for system, rows in per_fold.items()}


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def main(
    ctx: typer.Context,
    gold: Path = typer.Option(None, help="Held-out mode: interchange gold file (spec §4)."),
    model: Path = typer.Option(Path("models/model-best"), help="Held-out mode: trained model directory."),
    config: Path = typer.Option(Path("configs/ner.cfg"), help="Cross-validation: training config."),
    annotations: Path = typer.Option(Path("annotations/gold.jsonl"), help="Cross-validation: standoff gold annotations (all their reports)."),
    folds: int = typer.Option(5, help="Cross-validation: number of folds (grouped by report)."),
    max_steps: int = typer.Option(600, help="Cross-validation: training steps per fold (shorter than the shipped model)."),
    out: Path = typer.Option(Path("runs/evaluate"), help="Directory for figures, errors and chart."),
    bootstrap_rounds: int = typer.Option(1000, help="Bootstrap resamples of reports for the 95% intervals."),
) -> None:
    """Compare the model with the regex baseline; print a Markdown table and write files under --out.

    Extra words are config overrides for the training of each fold (``--training.max_steps 1500``).
    """
    threshold = 0.5
    if gold is not None:
        if not model.exists():
            typer.echo(f"error: no model at {model}; train one with `python -m training.train configs/ner.cfg`", err=True)
            raise typer.Exit(1)
        try:
            reports = load_interchange(gold)
        except AnnotationError as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(1)
        problems = [f"{gold}: {p}" for r in reports for p in check_report(r)]
        if problems:
            typer.echo("error: the gold file has problems:\n" + "\n".join(problems[:20]), err=True)
            raise typer.Exit(1)
        system = ModelSystem(spacy.load(model))
        baseline = RegexBaseline()
        texts = {r.id: r.text for r in reports}
        predictions = {"model": system.predict(texts), "baseline": baseline.predict(texts)}
        speed = {"model": system.chars_per_second, "baseline": baseline.chars_per_second}
        fold_ids, mode = [], f"held-out: {gold} with model {model}"
    else:
        try:
            reports = load_gold(annotations)
            overrides = list(ctx.args) if "--training.max_steps" in ctx.args else ["--training.max_steps", str(max_steps), *ctx.args]
            predictions, fold_ids, speed = cross_validate(reports, config, annotations, overrides, folds,
                                                          log=lambda m: print(m, file=sys.stderr, flush=True))
        except (AnnotationError, TrainingFailed) as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(1)
        mode = cv_mode(len(fold_ids), len(reports), config, overrides)
    for name, peer in load_peers(lambda m: print(m, file=sys.stderr, flush=True)).items():
        predictions[name] = peer.predict({r.id: r.text for r in reports})
        speed[name] = peer.chars_per_second
    figures = {name: score_system(reports, preds, threshold) for name, preds in predictions.items()}
    intervals = {name: bootstrap(reports, predictions[name], HEADLINE, threshold, rounds=bootstrap_rounds) for name in ("model", "baseline")}
    by_fold = per_fold_figures(reports, predictions, fold_ids, threshold) if fold_ids else {}
    spread = fold_spread(by_fold) if fold_ids else {}
    table = comparison_table(figures, intervals, spread)
    auc = roc_auc(reports, predictions["model"])
    print(f"# kaocha evaluation — {dt.date.today().isoformat()}\n\n{mode}\n")
    print(to_markdown(table))
    print("\nspeed (characters per second): " + ", ".join(f"{'regex baseline' if n == 'baseline' else n} {v:,.0f}" for n, v in speed.items()))
    if auc:
        print("model ROC-AUC per category: " + ", ".join(f"{k} {v:.3f}" for k, v in auc.items()))
    written = write_outputs(out, table, figures, {"mode": mode, "intervals": intervals, "fold_spread": spread,
                                                   "roc_auc": auc, "chars_per_second": speed, "folds": fold_ids,
                                                   "fold_figures": by_fold},
                            error_rows(reports, predictions))
    print(f"\nwrote {out}/{', '.join(written)}")
    if "per_label_f1.png" not in written:
        print(f"no chart ({out}/per_label_f1.png): matplotlib is not installed; "
              "pip install -e '.[eval]' to get it", file=sys.stderr)


if __name__ == "__main__":
    app()
