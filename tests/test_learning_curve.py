"""The learning curve's 100% point taken from an evaluate run (`--full-from`)."""

import json
from pathlib import Path

import pytest
import typer

from evaluate.cv import cv_mode, report_folds
from experiments.learning_curve import full_run_folds

IDS = [f"r{i:02d}" for i in range(10)]
OVERRIDES = ["--training.max_steps", "600"]


def write_run(path: Path, mode: str, folds) -> Path:
    run = {"mode": mode, "folds": folds,
           "fold_figures": {"model": [{"VENUE_strict_f1": 0.6}] * len(folds),
                            "baseline": [{"VENUE_strict_f1": 0.5}] * len(folds)}}
    path.write_text(json.dumps(run), encoding="utf-8")
    return path


def test_a_run_made_the_same_way_gives_its_fold_figures(tmp_path):
    folds = report_folds(IDS, 5)
    run = write_run(tmp_path / "figures.json", cv_mode(5, 10, Path("configs/ner.cfg"), OVERRIDES), folds)
    full = full_run_folds(run, 10, Path("configs/ner.cfg"), OVERRIDES, folds)
    assert full["model"][0]["VENUE_strict_f1"] == 0.6
    assert full["baseline"][0]["VENUE_strict_f1"] == 0.5
    assert full["folds"] == folds


@pytest.mark.parametrize("mode_of_run", [
    cv_mode(5, 10, Path("configs/ner_fast.cfg"), OVERRIDES),  # another config
    cv_mode(5, 10, Path("configs/ner.cfg"), ["--training.max_steps", "100"]),  # another schedule
    cv_mode(5, 9, Path("configs/ner.cfg"), OVERRIDES),  # other reports
])
def test_a_run_made_otherwise_is_refused(tmp_path, mode_of_run):
    folds = report_folds(IDS, 5)
    run = write_run(tmp_path / "figures.json", mode_of_run, folds)
    with pytest.raises(typer.BadParameter, match="was not made as"):
        full_run_folds(run, 10, Path("configs/ner.cfg"), OVERRIDES, folds)


def test_other_folds_or_no_file_are_refused(tmp_path):
    folds = report_folds(IDS, 5)
    mode = cv_mode(5, 10, Path("configs/ner.cfg"), OVERRIDES)
    run = write_run(tmp_path / "figures.json", mode, [folds[1], folds[0], *folds[2:]])
    with pytest.raises(typer.BadParameter, match="was not made as"):
        full_run_folds(run, 10, Path("configs/ner.cfg"), OVERRIDES, folds)
    with pytest.raises(typer.BadParameter, match="cannot read"):
        full_run_folds(tmp_path / "missing.json", 10, Path("configs/ner.cfg"), OVERRIDES, folds)
