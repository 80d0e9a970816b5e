"""Grouped K-fold cross-validation by report: the one implementation used by
the evaluation, experiments and the learning curve. Folds are fixed by report
(scikit-learn GroupKFold over reports in manifest order); everything derived
from annotations (the sentence-category model) is refitted inside each fold
from that fold's training reports only."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import spacy

from kaocha.annotations.records import AnnotatedReport
from evaluate.baseline import RegexBaseline
from evaluate.systems import ModelSystem, Prediction


def report_folds(report_ids: list[str], k: int = 5) -> list[list[str]]:
    """Held-out report ids of each of ``k`` folds (deterministic)."""
    from sklearn.model_selection import GroupKFold

    k = min(k, len(report_ids))
    folds = []
    for _, test in GroupKFold(n_splits=k).split(report_ids, groups=report_ids):
        folds.append(sorted(report_ids[i] for i in test))
    return folds


def cross_validate(reports: list[AnnotatedReport], config: Path, overrides: dict, k: int = 5,
                   train_share: float = 1.0, log=print) -> tuple[dict[str, dict[str, Prediction]], list[list[str]], dict]:
    """Out-of-fold predictions of the model and the baseline for every report.

    ``train_share`` < 1 trains on that share of each fold's training reports,
    taken in a fixed order (sha256 of the report id), so that smaller shares
    are subsets of larger ones and mix reports of every source.
    """
    from training.train import train_model

    ids = [r.id for r in reports]
    folds = report_folds(ids, k)
    predictions: dict[str, dict[str, Prediction]] = {"model": {}, "baseline": {}}
    baseline = RegexBaseline()
    speed = {"model": [0, 0.0], "baseline": [0, 0.0]}
    for number, held_out in enumerate(folds, start=1):
        train_reports = [r for r in reports if r.id not in held_out]
        if train_share < 1.0:
            keep = max(2, round(len(train_reports) * train_share))
            train_reports = sorted(train_reports, key=lambda r: hashlib.sha256(r.id.encode()).hexdigest())[:keep]
        log(f"fold {number}/{len(folds)}: training on {len(train_reports)} reports, testing on {len(held_out)}")
        with tempfile.TemporaryDirectory(prefix="kaocha-cv-") as tmp:
            model_dir = train_model(config, Path(tmp), overrides, reports=train_reports, quiet=True)
            system = ModelSystem(spacy.load(model_dir))
            texts = {r.id: r.text for r in reports if r.id in held_out}
            predictions["model"].update(system.predict(texts))
            speed["model"][0] += system.chars
            speed["model"][1] += system.seconds
        predictions["baseline"].update(baseline.predict(texts))
    speed["baseline"] = [baseline.chars, baseline.seconds]
    return predictions, folds, {name: (c / s if s else 0.0) for name, (c, s) in speed.items()}
