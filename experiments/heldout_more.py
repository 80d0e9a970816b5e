"""`python -m experiments.heldout_more [--test n]`: the model and the frozen baseline
on annotated reports the model never trained on.

Trains a config on every annotated report whose id does not start with
``--test`` (e.g. ``n``: all but the 183 `more2/` reports, i.e. the 97
annotated before them), then runs `python -m evaluate` in held-out mode on
the others: the model, the frozen regex baseline (never tuned on them) and
any installed peer, with 95% bootstrap intervals over reports.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from kaocha.annotations.records import save_interchange
from kaocha.annotations.validate import load_gold
from training.train import parse_overrides, train_model

app = typer.Typer(add_completion=False)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def main(
    ctx: typer.Context,
    config: Path = typer.Option(Path("configs/ner.cfg"), help="Training config (the shipped one)."),
    annotations: Path = typer.Option(Path("annotations/gold.jsonl"), help="Standoff gold annotations."),
    test: str = typer.Option("n", help="Held-out reports: ids starting with this (n: more2/, m: more/)."),
    out: Path = typer.Option(Path("runs/heldout"), help="Output directory."),
    retrain: bool = typer.Option(False, help="Retrain even if a model trained on the same reports exists in --out."),
) -> None:
    """Train on the other reports, evaluate on the held-out ones; extra words are config overrides."""
    reports = load_gold(annotations)
    held_out = [r for r in reports if r.id.startswith(test)]
    train = [r for r in reports if not r.id.startswith(test)]
    if not held_out or not train:
        typer.echo(f"error: need reports with and without the prefix {test!r} in {annotations}", err=True)
        raise typer.Exit(1)
    out.mkdir(parents=True, exist_ok=True)
    model_dir = out / f"trained-on-{len(train)}"
    if retrain or not (model_dir / "model-best" / "config.cfg").exists():
        print(f"training {config} on {len(train)} reports (none of the {len(held_out)} held out)", file=sys.stderr)
        train_model(config, model_dir, parse_overrides(ctx.args), annotations, reports=train, replace=True, quiet=True)
    gold_file = out / "gold-heldout.jsonl"
    save_interchange(held_out, gold_file)
    command = [sys.executable, "-m", "evaluate", "--gold", str(gold_file), "--model", str(model_dir / "model-best"),
               "--out", str(out)]
    print(f"$ {' '.join(command)}", file=sys.stderr)
    raise typer.Exit(subprocess.run(command).returncode)


if __name__ == "__main__":
    app()
