"""`python -m training.train CONFIG [--output DIR] [--replace] [--section.key value ...]`

Builds per-sentence DocBins from the corpus and `annotations/gold.jsonl`,
splits train/dev by report (deterministic), trains with spaCy into a
temporary directory, records provenance in each model's `meta.json`, and only
then moves `model-best` and `model-last` into the output directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import spacy
import typer
from confection import ConfigValidationError
from spacy.cli._util import parse_config_overrides
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as train_loop

from kaocha.annotations.records import AnnotatedReport
from kaocha.pipeline import AUGMENTED
from training.augment import augmented_copies
from training.data import DEFAULT_GOLD, TrainingDataError, load_gold, sentence_docs, split_train_dev, write_docbin
from training.pretrain import pretrain_tok2vec

app = typer.Typer(add_completion=False)


def build_nlp(config_path: Path, overrides: dict) -> spacy.language.Language:
    """The pipeline the config describes; a config with a typo fails here, with spaCy's message."""
    config = spacy.util.load_config(config_path, overrides=overrides, interpolate=False)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    if getattr(nlp.tokenizer, "segmenter", None) == "pkuseg":
        # The training Docs are segmented before spaCy initializes the pipeline;
        # load the segmentation model the config names now.
        settings = config.interpolate().get("initialize", {}).get("tokenizer", {})
        model = settings.get("pkuseg_model")
        if not model or not Path(model).is_dir():
            raise TrainingDataError(f"{config_path}: [initialize.tokenizer] pkuseg_model {model!r} is not a directory; "
                                    "fetch it with `python -m training.pkuseg_model`")
        nlp.tokenizer.initialize(pkuseg_model=model, pkuseg_user_dict=settings.get("pkuseg_user_dict", "default"))
    return nlp


def write_corpora(nlp, reports: list[AnnotatedReport], train_ids: list[str], dev_ids: list[str], directory: Path,
                  augment_copies: int = 0, seed: int = 0) -> dict:
    misaligned = []
    by_id = {r.id: r for r in reports}
    train_docs = [d for rid in train_ids for d in sentence_docs(nlp, by_id[rid], misaligned)]
    dev_docs = [d for rid in dev_ids for d in sentence_docs(nlp, by_id[rid], misaligned)]
    # Substituted copies of the training reports only (pools from them too); never of dev.
    for copy in augmented_copies([by_id[rid] for rid in train_ids], augment_copies, seed):
        for doc in sentence_docs(nlp, copy):
            doc.user_data[AUGMENTED] = True
            train_docs.append(doc)
    write_docbin(train_docs, directory / "train.spacy")
    write_docbin(dev_docs, directory / "dev.spacy")
    return {"train_docs": len(train_docs), "dev_docs": len(dev_docs), "misaligned": len(misaligned),
            "misaligned_examples": [m.text for m in misaligned[:10]]}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train_model(config: Path, output: Path, overrides: dict, gold: Path = DEFAULT_GOLD,
                reports: list[AnnotatedReport] | None = None, dev_ids: list[str] | None = None,
                replace: bool = False, quiet: bool = False) -> Path:
    """Train and move ``model-best``/``model-last`` into ``output``; returns ``output/model-best``."""
    targets = [output / "model-best", output / "model-last"]
    if any(t.exists() for t in targets) and not replace:
        raise FileExistsError(f"{output} already holds a model ({', '.join(str(t) for t in targets if t.exists())}); "
                              "pass --replace to overwrite it, or choose another --output")
    reports = reports if reports is not None else load_gold(gold)
    ids = [r.id for r in reports]
    if dev_ids is None:
        train_ids, dev_ids = split_train_dev(ids)
    else:
        train_ids = [rid for rid in ids if rid not in dev_ids]
    nlp = build_nlp(config, overrides)
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".training-", dir=output) as tmp:
        tmp = Path(tmp)
        settings = spacy.util.load_config(config, overrides=overrides, interpolate=True)
        stats = write_corpora(nlp, reports, train_ids, dev_ids, tmp / "corpus",
                              augment_copies=int(settings.get("kaocha", {}).get("augment_copies", 0)),
                              seed=int(settings["system"].get("seed") or 0))
        if not quiet:
            print(f"training on {len(train_ids)} reports ({stats['train_docs']} sentences), "
                  f"dev {len(dev_ids)} reports ({stats['dev_docs']} sentences); "
                  f"{stats['misaligned']} entities not aligned with tokens", flush=True)
        started = time.perf_counter()
        paths = {"paths.train": str(tmp / "corpus" / "train.spacy"), "paths.dev": str(tmp / "corpus" / "dev.spacy")}
        pretrain_epochs = int(settings.get("kaocha", {}).get("pretrain_epochs", 0))
        if pretrain_epochs > 0:
            if not quiet:
                print(f"pretraining tok2vec for {pretrain_epochs} epochs on the training reports' text", flush=True)
            by_id = {r.id: r for r in reports}
            paths["paths.init_tok2vec"] = str(pretrain_tok2vec(
                config, overrides, [by_id[rid] for rid in train_ids], tmp / "pretrain", pretrain_epochs))
        loaded = spacy.util.load_config(config, overrides={**overrides, **paths}, interpolate=False)
        sink = open(os.devnull, "w") if quiet else None
        try:
            (tmp / "out").mkdir()
            trained = init_nlp(loaded, use_gpu=-1)
            train_loop(trained, tmp / "out", use_gpu=-1, stdout=sink or sys.stdout, stderr=sink or sys.stderr)
        finally:
            if sink:
                sink.close()
        seconds = time.perf_counter() - started
        for name in ("model-best", "model-last"):
            record_provenance(tmp / "out" / name, gold, train_ids, dev_ids, stats, seconds, config, overrides)
        for target in targets:
            if target.exists():
                shutil.rmtree(target)
            (tmp / "out" / target.name).rename(target)
    if not quiet:
        print(f"saved {targets[0]} and {targets[1]} ({seconds:.0f} s of training)")
    return targets[0]


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


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def main(
    ctx: typer.Context,
    config: Path = typer.Argument(..., exists=True, dir_okay=False, help="spaCy config, e.g. configs/ner.cfg"),
    output: Path = typer.Option(Path("models"), "--output", "-o", help="Where model-best and model-last go."),
    gold: Path = typer.Option(DEFAULT_GOLD, help="Standoff gold annotations."),
    replace: bool = typer.Option(False, help="Overwrite models already in --output."),
) -> None:
    """Train the NER + sentence-category pipeline from the hand annotations."""
    overrides = parse_config_overrides(ctx.args)
    try:
        train_model(config, output, overrides, gold, replace=replace)
    except (TrainingDataError, FileExistsError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    except ConfigValidationError as err:
        typer.echo(f"error: {config}: the config is not valid:\n{err}", err=True)
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
