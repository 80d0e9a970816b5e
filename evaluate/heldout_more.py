"""`python -m evaluate.heldout_more`: the first comparison on reports that
neither side has seen (issue #8).

Trains the shipped config on the reports annotated before the 60 `more/`
reports (the 37 seeds and extras), then runs `python -m evaluate` in
held-out mode on the 60: the model trained on the 37 alone, the frozen regex
baseline (never tuned on them) and any installed peer.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


@app.command()
def main(
    config: Path = typer.Option(Path("configs/ner.cfg"), help="Training config (the shipped one)."),
    annotations: Path = typer.Option(Path("annotations/gold.jsonl"), help="Standoff gold annotations."),
    test_prefix: str = typer.Option("m", help="Ids of the held-out reports start with this (more/: m001–m060)."),
    out: Path = typer.Option(Path("runs/heldout-more"), help="Output directory."),
    retrain: bool = typer.Option(False, help="Retrain even if out/trained-on-37 exists."),
) -> None:
    from kaocha.annotations.records import save_interchange
    from training.data import load_gold
    from training.train import train_model

    reports = load_gold(annotations)
    test = [r for r in reports if r.id.startswith(test_prefix)]
    train = [r for r in reports if not r.id.startswith(test_prefix)]
    if not test or not train:
        typer.echo(f"error: need reports with and without the prefix {test_prefix!r} in {annotations}", err=True)
        raise typer.Exit(1)
    out.mkdir(parents=True, exist_ok=True)
    model_dir = out / "trained-on-37"
    if retrain or not (model_dir / "model-best" / "config.cfg").exists():
        print(f"training {config} on {len(train)} reports (none of the {len(test)} held out)", file=sys.stderr)
        train_model(config, model_dir, {}, reports=train, replace=True, quiet=True)
    gold_file = out / "gold-heldout.jsonl"
    save_interchange(test, gold_file)
    command = [sys.executable, "-m", "evaluate", "--gold", str(gold_file), "--model", str(model_dir / "model-best"),
               "--out", str(out)]
    print(f"$ {' '.join(command)}", file=sys.stderr)
    raise typer.Exit(subprocess.run(command).returncode)


if __name__ == "__main__":
    app()
