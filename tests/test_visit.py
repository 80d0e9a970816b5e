"""The spec §5 visit record: parsing, validation, lint, stats, agreement, interchange."""

import json

import pytest

from kaocha.annotations.agreement import agreement_table
from kaocha.annotations.lint import check_visit_sides
from kaocha.annotations.records import AnnotationError, load_interchange, load_standoff, save_interchange, save_standoff
from kaocha.annotations.stats import stats_table
from kaocha.annotations.validate import validate_standoff
from kaocha.annotations.visit import Visit, date_problem, parse_visit, visit_problems
from kaocha.metrics import visit_scores

from test_annotations import TEXT, gold_report, tiny_corpus  # noqa: F401 (fixture)


def visit(**changes) -> Visit:
    fields = dict(visitor=["北京市"], host=["上海市"], start="2023-07-12", end="2023-07-13",
                  leaders=["尹力"], sides={"尹力": "visiting", "殷勇": "visiting"})
    fields.update(changes)
    return Visit(**fields)


@pytest.mark.parametrize("value, ok", [
    (None, True), ("2023-07-12", True), ("--07-12", True), ("--02-29", True),
    ("2023-02-30", False), ("2023-7-12", False), ("--13-01", False), ("7月12日", False), (20230712, False),
])
def test_dates(value, ok):
    assert (date_problem(value) is None) == ok


@pytest.mark.parametrize("changes, message", [
    (dict(sides={"尹力": "visiting"}), "OFFICIAL 殷勇 has no side"),
    (dict(sides={"尹力": "visiting", "殷勇": "visiting", "王五": "host"}), "王五 is not an OFFICIAL name"),
    (dict(sides={"尹力": "visitor", "殷勇": "visiting"}), "not one of visiting, host, other"),
    (dict(leaders=["张三"]), "leaders: 张三 is not an OFFICIAL"),
    (dict(end="2023-02-30"), "visit end: '2023-02-30' is not a real day"),
    (dict(start=None), "start: null while end is given"),
    (dict(end="2023-07-01"), "before start"),
])
def test_visit_problems_name_the_field(changes, message):
    problems = visit_problems(visit(**changes), ["尹力", "殷勇"])
    assert any(message in p for p in problems), problems


def test_a_good_visit_has_no_problems():
    assert visit_problems(visit(), ["尹力", "殷勇"]) == []
    assert visit_problems(visit(end=None), ["尹力", "殷勇"]) == []  # 为期一周: a start day, no end day


@pytest.mark.parametrize("raw, message", [
    ([], "must be a JSON object"),
    ({"visitor": []}, "lacks field"),
    ({**visit().to_dict(), "when": 1}, "unknown field"),
    ({**visit().to_dict(), "host": "上海市"}, "'host' must be a list"),
    ({**visit().to_dict(), "sides": ["尹力"]}, "'sides' must map"),
])
def test_malformed_visit_json_is_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_visit(raw)


def test_validate_names_file_line_report_and_field(tiny_corpus, tmp_path):
    report = gold_report()
    report.visit = visit(sides={"尹力": "visiting", "殷勇": "guest"})
    path = tmp_path / "gold.jsonl"
    save_standoff([report], path)
    problems = [str(p) for p in validate_standoff(path, tiny_corpus)]
    assert problems == ["t1: line 1: visit sides: 殷勇 has side 'guest', not one of visiting, host, other"]


def test_visit_survives_standoff_and_interchange(tiny_corpus, tmp_path):
    report = gold_report()
    report.visit = visit()
    standoff, exchange = tmp_path / "s.jsonl", tmp_path / "x.jsonl"
    save_standoff([report], standoff)
    assert json.loads(standoff.read_text(encoding="utf-8"))["visit"]["leaders"] == ["尹力"]
    save_interchange(load_standoff(standoff, tiny_corpus), exchange)
    assert load_interchange(exchange)[0].visit == report.visit


def test_interchange_with_a_malformed_visit_names_file_and_report(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"id": "t1", "text": TEXT, "spans": [], "sentences": [], "visit": {"visitor": []}},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"x.jsonl:1 \(report t1\): 'visit' lacks field"):
        load_interchange(path)


def test_lint_flags_side_against_post_and_leaders_not_visiting():
    report = gold_report()  # 北京市委书记尹力 ... 市委副书记、市长殷勇
    report.visit = visit(visitor=["上海市"], host=["北京市"], leaders=["尹力", "殷勇"],
                         sides={"尹力": "visiting", "殷勇": "host"})
    findings = check_visit_sides([report])
    checks = sorted((f.check, f.text) for f in findings)
    assert checks == [("leader-not-visiting", "殷勇"), ("side-vs-post", "尹力")]
    report.visit = visit()
    assert check_visit_sides([report]) == []


def test_stats_count_visits_and_sides():
    with_visit, without = gold_report("a"), gold_report("b")
    with_visit.visit = visit(sides={"尹力": "visiting", "殷勇": "host"})
    total = stats_table([with_visit, without]).iloc[-1]
    assert (total["visit"], total["leaders"], total["visiting"], total["host"], total["other"]) == (1, 1, 1, 1, 0)


def test_visit_scores_and_agreement_rows():
    gold = {"a": visit(), "b": visit(end="2023-07-12", leaders=[])}
    pred = {"a": visit(host=["上海市", "苏州市"], sides={"尹力": "visiting", "殷勇": "host"})}
    scores = visit_scores(gold, pred)
    assert scores["host"].tp == 1 and scores["host"].fp == 1 and scores["host"].fn == 1
    assert scores["dates"] == 0.5
    assert scores["side_accuracy"] == 0.25  # 1 of the 4 gold (report, name) pairs
    assert scores["sides"]["host"].fp == 1
    first, second = gold_report(), gold_report()
    first.visit, second.visit = visit(), visit(sides={"尹力": "visiting", "殷勇": "other"})
    table, _ = agreement_table([first], [second])
    row = table[table.label == "side (accuracy)"].iloc[0]
    assert row.f1_strict == 0.5


def test_import_with_a_bad_visit_record_writes_nothing(tiny_corpus, tmp_path):
    from typer.testing import CliRunner

    from kaocha.cli import app

    report = gold_report()
    report.visit = visit(start="2023-02-30", end="2023-02-30")
    exchange, into = tmp_path / "x.jsonl", tmp_path / "gold.jsonl"
    save_interchange([report], exchange)
    result = CliRunner().invoke(app, ["annotations", "import", str(exchange), "--into", str(into),
                                      "--manifest", str(tiny_corpus.manifest)])
    assert result.exit_code == 1
    assert "nothing imported" in result.output and "visit start: '2023-02-30' is not a real day" in result.output
    assert not into.exists()
