"""`python -m evaluate.bench` (or `kaocha bench`): speed and memory.

Scores the whole corpus, repeated until at least --min-chars characters,
with the model (1 process and 2 processes) and with the regex baseline, and
prints characters per second (model loading excluded) and peak resident
memory. Each measurement runs in a fresh Python process so that its peak
memory is its own. With --train it also times a full training run of the
shipped config.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


def corpus_texts(min_chars: int) -> list[str]:
    from kaocha.corpus import Corpus

    corpus = Corpus(Path("corpus/manifest.csv"))
    texts = [corpus[i].text() for i in corpus.ids()]
    out, total = [], 0
    while total < min_chars:
        out.extend(texts)
        total += sum(map(len, texts))
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(system: str, model: Path, min_chars: int, n_process: int) -> dict:
    texts = corpus_texts(min_chars)
    chars = sum(map(len, texts))
    if system == "baseline":
        from evaluate.baseline import RegexBaseline

        started = time.perf_counter()
        RegexBaseline().predict(dict(enumerate(texts)))
    else:
        import spacy

        nlp = spacy.load(model)
        list(nlp.pipe(texts[:3]))  # warm up
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=32, n_process=n_process):
            pass
    seconds = time.perf_counter() - started
    return {"chars": chars, "seconds": seconds, "chars_per_second": chars / seconds, "peak_mb": peak_mb()}


@app.command()
def main(
    model: Path = typer.Option(Path("models/model-best"), help="Trained model directory."),
    min_chars: int = typer.Option(1_000_000, help="Score at least this many characters (the corpus, repeated)."),
    train: bool = typer.Option(False, help="Also time a full training run of configs/ner.cfg."),
    child: str = typer.Option(None, hidden=True),
    n_process: int = typer.Option(1, hidden=True),
) -> None:
    """Characters per second and peak memory of the model and the baseline."""
    if child:
        print(json.dumps(measure(child, model, min_chars, n_process)))
        return
    if not (model / "config.cfg").exists():
        typer.echo(f"error: no model at {model}; train one with `python -m training.train configs/ner.cfg`", err=True)
        raise typer.Exit(2)
    rows = []
    for label, system, processes in (("model, 1 process", "model", 1), ("model, --n-process 2", "model", 2),
                                     ("regex baseline", "baseline", 1)):
        run = subprocess.run([sys.executable, "-m", "evaluate.bench", "--model", str(model), "--min-chars", str(min_chars),
                              "--child", system, "--n-process", str(processes)], capture_output=True, text=True)
        if run.returncode != 0:
            typer.echo(f"error: {label} failed:\n{run.stderr[-2000:]}", err=True)
            raise typer.Exit(1)
        figures = json.loads(run.stdout.strip().splitlines()[-1])
        rows.append((label, figures))
    print("| system | characters | seconds | characters/s | peak memory (MB, main process) |\n|---|---|---|---|---|")
    for label, f in rows:
        print(f"| {label} | {f['chars']:,} | {f['seconds']:.1f} | {f['chars_per_second']:,.0f} | {f['peak_mb']:.0f} |")
    print("\n(load time excluded; with 2 processes the workers' memory is not in the main process's peak)")
    if train:
        with tempfile.TemporaryDirectory(prefix="kaocha-bench-") as tmp:
            started = time.perf_counter()
            run = subprocess.run([sys.executable, "-m", "training.train", "configs/ner.cfg", "--output", tmp],
                                 capture_output=True, text=True)
            seconds = time.perf_counter() - started
        if run.returncode != 0:
            typer.echo(f"error: training failed:\n{run.stderr[-2000:]}", err=True)
            raise typer.Exit(1)
        print(f"\nfull training of configs/ner.cfg (all annotated reports, data preparation included): {seconds:.0f} s")


if __name__ == "__main__":
    app()
