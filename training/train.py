"""`python -m training.train CONFIG [--output DIR] [--replace] [--reports IDS] [--section.key value ...]`

Converts the hand annotations into per-sentence DocBins (`training.convert`),
splits train/dev by report (deterministic), trains with spaCy's `train`
into a temporary directory `.training-*` inside the output, records provenance
in each model's `meta.json`, and only then puts `model-best` and `model-last`
in place: each complete new directory is swapped with the old one in one
system call (`kaocha.files.replace_directory`), so `model-best` is never
missing or half there; the old models go into the temporary directory, which
is removed. SIGTERM (like Ctrl-C) removes the temporary directory; one
arriving during the swap of the two models is held back until both are in.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import spacy
import srsly
import typer
from confection import ConfigValidationError
from spacy.cli.train import train as spacy_train

from kaocha.annotations.records import AnnotatedReport, AnnotationError
from kaocha.annotations.validate import load_gold
from kaocha.files import cleanup_on_sigterm, replace_directory, termination_deferred
from training.convert import DEFAULT_GOLD, split_train_dev, write_corpora

app = typer.Typer(add_completion=False)


class TrainingError(ValueError):
    """Training cannot start; the message says why and what to do."""


def parse_overrides(args: list[str]) -> dict:
    """``--section.key value`` (or ``--section.key=value``) pairs, values read as JSON when they parse, as spaCy's CLI does."""
    overrides, i = {}, 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or "." not in arg:
            raise TrainingError(f"unexpected argument {arg!r}: config overrides look like --training.max_steps 600")
        key, _, value = arg[2:].partition("=")
        if not _:
            if i + 1 >= len(args) or args[i + 1].startswith("--"):
                value = "true"
            else:
                value, i = args[i + 1], i + 1
        try:
            overrides[key.replace("-", "_")] = srsly.json_loads(value)
        except ValueError:
            overrides[key.replace("-", "_")] = value
        i += 1
    return overrides


def build_nlp(config_path: Path, overrides: dict) -> spacy.language.Language:
    """The pipeline the config describes; a config with a typo fails here, with spaCy's message."""
    config = spacy.util.load_config(config_path, overrides=overrides, interpolate=False)
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)


def check_initialize_assets(nlp: spacy.language.Language) -> None:
    """Fail before any work when a component's ``[initialize.components]`` names word vectors that are not there."""
    settings = nlp.config.interpolate()["initialize"]["components"]
    for name, component in settings.items():
        path = component.get("word_vectors") if isinstance(component, dict) else None
        if path is not None and not (Path(path) / "words.txt").is_file():
            raise TrainingError(f"{path}: no word vectors there ([initialize.components.{name}] word_vectors); build them "
                                f"with `python -m training.word_vectors --out {path}` (about 15 minutes; "
                                f"`spacy project run word-vectors`)")


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train_model(config: Path, output: Path, overrides: dict, gold: Path = DEFAULT_GOLD,
                reports: list[AnnotatedReport] | None = None, replace: bool = False, quiet: bool = False) -> Path:
    """Train and move ``model-best``/``model-last`` into ``output``; returns ``output/model-best``."""
    targets = [output / "model-best", output / "model-last"]
    if any(t.exists() for t in targets) and not replace:
        raise FileExistsError(f"{output} already holds a model ({', '.join(str(t) for t in targets if t.exists())}); "
                              "pass --replace to overwrite it, or choose another --output")
    reports = reports if reports is not None else load_gold(gold)
    if len(reports) < 2:
        raise TrainingError(f"{gold}: {len(reports)} annotated report(s); training needs at least 2 (one for dev)")
    train_ids, dev_ids = split_train_dev([r.id for r in reports])
    nlp = build_nlp(config, overrides)
    check_initialize_assets(nlp)
    output.mkdir(parents=True, exist_ok=True)
    with cleanup_on_sigterm():
        tmp = Path(tempfile.mkdtemp(prefix=".training-", dir=output))
        try:
            stats = write_corpora(nlp, reports, train_ids, dev_ids, tmp / "corpus")
            if not quiet:
                print(f"training on {len(train_ids)} reports ({stats['train_docs']} sentences), "
                      f"dev {len(dev_ids)} reports ({stats['dev_docs']} sentences); "
                      f"{stats['misaligned']} entities not aligned with tokens", flush=True)
            started = time.perf_counter()
            paths = {"paths.train": str(tmp / "corpus" / "train.spacy"), "paths.dev": str(tmp / "corpus" / "dev.spacy")}
            with open(os.devnull, "w") as sink, contextlib.ExitStack() as stack:
                if quiet:
                    stack.enter_context(contextlib.redirect_stdout(sink))
                    stack.enter_context(contextlib.redirect_stderr(sink))
                spacy_train(config, tmp / "out", use_gpu=-1, overrides={**overrides, **paths})
            seconds = time.perf_counter() - started
            for name in ("model-best", "model-last"):
                record_provenance(tmp / "out" / name, gold, train_ids, dev_ids, stats, seconds, config, overrides)
            install_models(tmp / "out", targets, tmp / "previous")
        finally:
            with termination_deferred():
                shutil.rmtree(tmp, ignore_errors=True)
    if not quiet:
        print(f"saved {targets[0]} and {targets[1]} ({seconds:.0f} s of training)")
    return targets[0]


def install_models(staged: Path, targets: list[Path], trash: Path) -> None:
    """Put each complete staged model at its target, one swap each; the previous
    models end up under ``staged``/``trash`` (inside the temporary directory).
    SIGTERM is held back until both are in place, so the pair stays consistent."""
    for target in targets:
        if not (staged / target.name / "meta.json").is_file():
            raise TrainingError(f"training wrote no {target.name} (expected {staged / target.name}); the old model is kept")
    trash.mkdir(parents=True, exist_ok=True)
    with termination_deferred():
        for target in targets:
            replace_directory(staged / target.name, target, trash / target.name)


def record_provenance(model_dir: Path, gold: Path, train_ids, dev_ids, stats, seconds, config, overrides) -> None:
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["name"] = "kaocha"
    meta["description"] = "OFFICIAL / POST / VENUE entities and per-sentence cooperation areas of Chinese delegation-visit reports"
    meta["kaocha"] = {
        "annotations": {str(gold): file_sha256(gold)} if gold.exists() else {},
        "train_reports": train_ids,
        "dev_reports": dev_ids,
        "sentences": {"train": stats["train_docs"], "dev": stats["dev_docs"]},
        "misaligned_entities": stats["misaligned"],
        "training_seconds": round(seconds, 1),
        "config": str(config),
        "overrides": {k: str(v) for k, v in overrides.items()},
        "spacy_version": spacy.__version__,
        "dev_metrics": meta.get("performance", {}),
    }
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")


def read_report_ids(path: Path) -> list[str]:
    """Report ids, one per line (blank lines and `#` comments skipped)."""
    ids = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [rid for rid in ids if rid]


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def main(
    ctx: typer.Context,
    config: Path = typer.Argument(..., exists=True, dir_okay=False, help="spaCy config, e.g. configs/ner.cfg"),
    output: Path = typer.Option(Path("models"), "--output", "-o", help="Where model-best and model-last go."),
    gold: Path = typer.Option(DEFAULT_GOLD, help="Standoff gold annotations."),
    reports: Path = typer.Option(None, help="Train on these reports of --gold only (a file of ids, one per line)."),
    replace: bool = typer.Option(False, help="Overwrite models already in --output."),
    quiet: bool = typer.Option(False, help="Print nothing but errors."),
) -> None:
    """Train the NER + sentence-category pipeline from the hand annotations."""
    try:
        overrides = parse_overrides(ctx.args)
        selected = None
        if reports is not None:
            wanted = read_report_ids(reports)
            annotated = {r.id: r for r in load_gold(gold)}
            unknown = [rid for rid in wanted if rid not in annotated]
            if unknown:
                raise TrainingError(f"{reports}: report(s) not in {gold}: {', '.join(unknown[:10])}")
            selected = [annotated[rid] for rid in wanted]
        train_model(config, output, overrides, gold, reports=selected, replace=replace, quiet=quiet)
    except (TrainingError, AnnotationError, FileExistsError, OSError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    except ConfigValidationError as err:
        typer.echo(f"error: {config}: the config is not valid:\n{err}", err=True)
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
