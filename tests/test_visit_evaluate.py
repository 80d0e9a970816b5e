"""Visit-record evaluation (evaluate.visit_scoring, python -m evaluate.visit)."""

import json

import pytest
from typer.testing import CliRunner

from evaluate.visit import app
from evaluate.visit_scoring import FIGURES, SYSTEMS, cross_validate_visits, error_rows, markdown_table

from visit_fixtures import synthetic_reports


def test_cross_validation_scores_every_system_with_fold_spread():
    reports = synthetic_reports(20)
    summary = cross_validate_visits(reports, k=4)
    assert set(summary["pooled"]) == set(SYSTEMS)
    assert len(summary["folds"]) == 4 and sorted(sum(summary["folds"], [])) == sorted(r.id for r in reports)
    learned, rules = summary["pooled"]["learned"], summary["pooled"]["rules"]
    assert learned["side_accuracy"] > rules["side_accuracy"]  # the lists and central leaders need the model
    assert learned["visitor_f1"] == rules["visitor_f1"]  # the same rules for parties
    assert all(0.0 <= summary["sd"][s][k] <= 0.5 for s in SYSTEMS for k in FIGURES)
    table = markdown_table(summary)
    assert table.count("\n") == len(FIGURES) + 1 and "side_accuracy" in table


def test_error_rows_name_the_field():
    reports = synthetic_reports(2)
    gold = {r.id: r.visit for r in reports}
    wrong = {rid: type(v)(v.visitor, ["上海市"], v.start, v.end, v.leaders, v.sides) for rid, v in gold.items()}
    rows = error_rows(gold, wrong)
    assert {row["field"] for row in rows} == {"host"} and len(rows) == 2


def test_too_few_reports_is_an_error():
    with pytest.raises(ValueError, match="at least 2"):
        cross_validate_visits(synthetic_reports(1))


def test_command_reports_a_missing_file(tmp_path):
    result = CliRunner().invoke(app, ["--annotations", str(tmp_path / "none.jsonl"), "--out", str(tmp_path)])
    assert result.exit_code == 1 and "none.jsonl" in result.output


def test_command_held_out_mode(tmp_path, monkeypatch):
    from kaocha.annotations.records import save_interchange
    import evaluate.visit as command

    reports = synthetic_reports(16)
    monkeypatch.setattr(command, "load_gold", lambda path: reports[:12])
    save_interchange(reports[12:], tmp_path / "test.jsonl")
    result = CliRunner().invoke(app, ["--test", str(tmp_path / "test.jsonl"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    figures = json.loads((tmp_path / "out" / "figures.json").read_text(encoding="utf-8"))
    assert set(figures["pooled"]) == set(SYSTEMS) and "held out" in figures["mode"]
    assert (tmp_path / "out" / "errors.csv").exists()
