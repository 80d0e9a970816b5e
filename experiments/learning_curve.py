"""`python -m experiments.learning_curve`: how the model grows with data.

Grouped K-fold cross-validation over all annotated reports (the folds of
`evaluate.cv`), training on 25%, 50%, 75% and 100% of each fold's training
reports (nested subsets, same folds for every point), with a shorter schedule
than the shipped model's (--max-steps). The regex baseline on the same
held-out folds is the reference line. Writes a CSV, a Markdown table and a
PNG under --out.

The 100% point is exactly a `python -m evaluate` run (same folds, config and
schedule): ``--full-from runs/evaluate/figures.json`` takes it from such a
run instead of training the five folds again, after checking that the run
was made the same way (its ``mode`` and folds).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import pandas as pd
import typer

from evaluate.cv import cross_validate, cv_mode, report_folds
from kaocha.annotations.validate import load_gold
from evaluate.scoring import fold_figures

app = typer.Typer(add_completion=False)
FIGURES = [("OFFICIAL", "OFFICIAL_strict_f1"), ("POST", "POST_strict_f1"), ("VENUE", "VENUE_strict_f1"),
           ("entity micro", "micro_strict_f1"), ("category macro", "cats_macro_f1")]


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def main(
    ctx: typer.Context,
    config: Path = typer.Option(Path("configs/ner.cfg"), help="Training config."),
    annotations: Path = typer.Option(Path("annotations/gold.jsonl"), help="Standoff gold annotations."),
    shares: str = typer.Option("0.25,0.5,0.75,1.0", help="Shares of each fold's training reports."),
    folds: int = typer.Option(5, help="Folds, grouped by report."),
    max_steps: int = typer.Option(600, help="Training steps per fold (shorter than the shipped model)."),
    out: Path = typer.Option(Path("runs/learning_curve"), help="Output directory."),
    full_from: Path = typer.Option(None, help="figures.json of a `python -m evaluate` run made the same way: "
                                              "its per-fold figures are the 100% point (not retrained)."),
) -> None:
    """Learning curve of the model, with the baseline on the same folds."""
    reports = load_gold(annotations)
    overrides = list(ctx.args) if "--training.max_steps" in ctx.args else ["--training.max_steps", str(max_steps), *ctx.args]
    full = full_run_folds(full_from, len(reports), config, overrides, report_folds([r.id for r in reports], folds)) \
        if full_from else None
    rows = []
    baseline_rows = None
    for share in [float(s) for s in shares.split(",")]:
        if share == 1.0 and full:
            model_folds, baseline_rows, fold_ids = full["model"], full["baseline"], full["folds"]
            print(f"[100%] from {full_from}", file=sys.stderr, flush=True)
        else:
            predictions, fold_ids, _ = cross_validate(reports, config, annotations, overrides, folds, train_share=share,
                                                      log=lambda m: print(f"[{share:.0%}] {m}", file=sys.stderr, flush=True))
            model_folds = fold_figures(reports, predictions["model"], fold_ids)
            if baseline_rows is None:
                baseline_rows = fold_figures(reports, predictions["baseline"], fold_ids)
        n_train = len(reports) - max(len(f) for f in fold_ids)
        row = {"share": share, "train_reports": round(n_train * share) if share < 1 else n_train}
        for name, key in FIGURES:
            values = [f[key] for f in model_folds]
            row[f"{name} F1"] = statistics.mean(values)
            row[f"{name} sd"] = statistics.pstdev(values)
        rows.append(row)
    table = pd.DataFrame(rows)
    baseline = {f"{name} F1": statistics.mean(f[key] for f in baseline_rows) for name, key in FIGURES}
    baseline.update({f"{name} sd": statistics.pstdev(f[key] for f in baseline_rows) for name, key in FIGURES})
    out.mkdir(parents=True, exist_ok=True)
    table.assign(system="model").to_csv(out / "learning_curve.csv", index=False)
    pd.DataFrame([{"system": "baseline", **baseline}]).to_csv(out / "baseline.csv", index=False)
    lines = [f"Learning curve: {folds}-fold CV grouped by report over {len(reports)} reports, "
             f"training overrides {' '.join(overrides)}; mean F1 over folds (± fold sd).", "",
             "| training reports per fold | " + " | ".join(n for n, _ in FIGURES) + " |",
             "|---|" + "---|" * len(FIGURES)]
    for row in rows:
        lines.append(f"| {row['train_reports']} ({row['share']:.0%}) | "
                     + " | ".join(f"{row[f'{n} F1']:.3f} ± {row[f'{n} sd']:.3f}" for n, _ in FIGURES) + " |")
    lines.append("| regex baseline (same folds) | "
                 + " | ".join(f"{baseline[f'{n} F1']:.3f} ± {baseline[f'{n} sd']:.3f}" for n, _ in FIGURES) + " |")
    markdown = "\n".join(lines)
    (out / "learning_curve.md").write_text(markdown + "\n", encoding="utf-8")
    plot(table, baseline, out / "learning_curve.png")
    print(markdown)
    print(f"\nwrote {out}/learning_curve.csv, baseline.csv, learning_curve.md, learning_curve.png")


def full_run_folds(path: Path, n_reports: int, config: Path, overrides: list[str], folds: list[list[str]]) -> dict:
    """Per-fold figures of model and baseline from an evaluate run, refused unless it was made the same way."""
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise typer.BadParameter(f"{path}: cannot read an evaluate run's figures.json ({err})", param_hint="--full-from")
    expected = cv_mode(len(folds), n_reports, config, overrides)
    if run.get("mode") != expected or run.get("folds") != folds or "fold_figures" not in run:
        raise typer.BadParameter(f"{path} was not made as this curve's 100% point would be "
                                 f"(it says {run.get('mode')!r}, this curve needs {expected!r} with the same folds "
                                 "and per-fold figures); run `python -m evaluate` again or drop --full-from",
                                 param_hint="--full-from")
    return {"model": run["fold_figures"]["model"], "baseline": run["fold_figures"]["baseline"], "folds": folds}


def plot(table: pd.DataFrame, baseline: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(FIGURES), figsize=(16, 3.6), sharey=True)
    for ax, (name, _) in zip(axes, FIGURES):
        ax.errorbar(table["train_reports"], table[f"{name} F1"], yerr=table[f"{name} sd"], marker="o", capsize=3, label="model")
        ax.axhline(baseline[f"{name} F1"], color="grey", linestyle="--", label="regex baseline")
        ax.set_title(name)
        ax.set_xlabel("training reports per fold")
        ax.set_ylim(0, 1.02)
    axes[0].set_ylabel("F1 (mean over folds)")
    axes[0].legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    app()
