"""Grouped K-fold cross-validation by report: the one implementation used by
the evaluation, the experiments and the learning curve.

Folds are fixed by report (scikit-learn GroupKFold over reports in annotation
order). Each fold's model is trained by the project's own training command,
``python -m training.train CONFIG --reports IDS``, in a subprocess: the
evaluation sees a trained model directory, never training internals, and
everything learned from annotations (the sentence-category model) is fitted
from that fold's training reports only.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

import spacy

from kaocha.annotations.records import AnnotatedReport
from evaluate.baseline import RegexBaseline
from evaluate.systems import ModelSystem, Prediction


class TrainingFailed(RuntimeError):
    """A fold's training command failed; the message carries its error output."""


def report_folds(report_ids: list[str], k: int = 5) -> list[list[str]]:
    """Held-out report ids of each of ``k`` folds (deterministic)."""
    from sklearn.model_selection import GroupKFold

    k = min(k, len(report_ids))
    folds = []
    for _, test in GroupKFold(n_splits=k).split(report_ids, groups=report_ids):
        folds.append(sorted(report_ids[i] for i in test))
    return folds


def train_fold(config: Path, gold: Path, report_ids: list[str], output: Path, overrides: list[str]) -> Path:
    """Run the training command on ``report_ids`` of ``gold``; returns the model-best directory."""
    ids_file = output / "train-reports.txt"
    output.mkdir(parents=True, exist_ok=True)
    ids_file.write_text("\n".join(report_ids) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "training.train", str(config), "--output", str(output), "--gold", str(gold),
               "--reports", str(ids_file), "--quiet", *overrides]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise TrainingFailed(f"$ {' '.join(command)}\n{done.stderr.strip()[-3000:]}")
    return output / "model-best"


def cv_mode(n_folds: int, n_reports: int, config: Path, overrides: list[str]) -> str:
    """How a cross-validation run was made, as written in its figures.json (``mode``)."""
    return f"{n_folds}-fold cross-validation grouped by report over {n_reports} reports ({config}, {' '.join(overrides)})"


def cross_validate(reports: list[AnnotatedReport], config: Path, gold: Path, overrides: list[str], k: int = 5,
                   train_share: float = 1.0, log=print) -> tuple[dict[str, dict[str, Prediction]], list[list[str]], dict]:
    """Out-of-fold predictions of the model and the baseline for every report of ``gold``.

    ``overrides`` are config overrides as command-line words (``--training.max_steps 600``).
    ``train_share`` < 1 trains on that share of each fold's training reports,
    taken in a fixed order (sha256 of the report id), so that smaller shares
    are subsets of larger ones and mix reports of every source.
    """
    ids = [r.id for r in reports]
    folds = report_folds(ids, k)
    predictions: dict[str, dict[str, Prediction]] = {"model": {}, "baseline": {}}
    baseline = RegexBaseline()
    speed = {"model": [0, 0.0], "baseline": [0, 0.0]}
    for number, held_out in enumerate(folds, start=1):
        train_ids = [rid for rid in ids if rid not in held_out]
        if train_share < 1.0:
            keep = max(2, round(len(train_ids) * train_share))
            train_ids = sorted(train_ids, key=lambda rid: hashlib.sha256(rid.encode()).hexdigest())[:keep]
        log(f"fold {number}/{len(folds)}: training on {len(train_ids)} reports, testing on {len(held_out)}")
        with tempfile.TemporaryDirectory(prefix="kaocha-cv-") as tmp:
            system = ModelSystem(spacy.load(train_fold(config, gold, train_ids, Path(tmp), overrides)))
            texts = {r.id: r.text for r in reports if r.id in held_out}
            predictions["model"].update(system.predict(texts))
            speed["model"][0] += system.chars
            speed["model"][1] += system.seconds
        predictions["baseline"].update(baseline.predict(texts))
    speed["baseline"] = [baseline.chars, baseline.seconds]
    return predictions, folds, {name: (c / s if s else 0.0) for name, (c, s) in speed.items()}
