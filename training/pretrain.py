"""tok2vec pretraining (`spacy pretrain`) on the raw text of the training reports.

Run by `training.train` before training when the config sets
``[kaocha] pretrain_epochs`` above 0: the sentences of the reports being
trained on (in cross-validation, the fold's training reports only) are
written as JSONL, spaCy's pretraining objective (``[pretraining]`` in the
config) is fitted for that many epochs, and the weights are passed to the
training as ``paths.init_tok2vec``. Rule features are not set on pretraining
Docs, so only the character embeddings and the encoder learn from it.
"""

from __future__ import annotations

import json
from pathlib import Path

import spacy
from spacy.training.pretrain import pretrain

from kaocha.annotations.records import AnnotatedReport


def write_raw_text(reports: list[AnnotatedReport], path: Path) -> Path:
    """One JSON line per sentence: ``{"text": ...}`` (what spacy.JsonlCorpus.v1 reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for report in reports:
            for sentence in report.sentences:
                text = report.text[sentence.start:sentence.end].strip()
                if text:
                    out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    return path


def pretrain_tok2vec(config_path: Path, overrides: dict, reports: list[AnnotatedReport], directory: Path,
                     epochs: int) -> Path:
    """Pretrain the config's tok2vec on ``reports``; returns the weights file for ``paths.init_tok2vec``."""
    raw = write_raw_text(reports, directory / "raw.jsonl")
    settings = {**overrides, "paths.raw_text": str(raw), "pretraining.max_epochs": epochs}
    config = spacy.util.load_config(config_path, overrides=settings, interpolate=True)
    out = directory / "weights"
    out.mkdir(parents=True, exist_ok=True)
    pretrain(config, out, silent=True)
    return out / "model-last.bin"
