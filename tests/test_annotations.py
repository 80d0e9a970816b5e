"""Records, sheets, validate, lint, agreement and the interchange round trip."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from kaocha.annotations.agreement import agreement_table
from kaocha.annotations.lint import check_inconsistent, check_names_without_post, check_unannotated_names
from kaocha.annotations.markup import make_sheet, parse_sheet
from kaocha.annotations.records import (
    AnnotatedReport,
    AnnotationError,
    Sentence,
    Span,
    load_interchange,
    load_standoff,
    save_interchange,
    save_standoff,
)
from kaocha.annotations.validate import check_report, validate_standoff
from kaocha.annotations.visit import Visit
from kaocha.cli import app
from kaocha.corpus import Corpus, write_table_atomically
from kaocha.sentences import sentence_spans

from conftest import span_at

TEXT = "北京市党政代表团赴上海市学习考察\n北京市委书记尹力,市委副书记、市长殷勇参观中共一大纪念馆。双方加强科技创新合作。\n"


def gold_report(rid="t1", text=TEXT):
    def at(s, label, nth=0):
        return span_at(text, s, label, nth)

    spans = [at("北京市委书记", "POST"), at("尹力", "OFFICIAL"), at("市委副书记", "POST"), at("市长", "POST"),
             at("殷勇", "OFFICIAL"), at("中共一大纪念馆", "VENUE")]
    sentences = [Sentence(s, e, ["SCI_TECH"] if "科技" in text[s:e] else []) for s, e in sentence_spans(text)]
    return AnnotatedReport(rid, text, spans, sentences)


@pytest.fixture
def tiny_corpus(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "t1.txt").write_text(TEXT, encoding="utf-8")
    import hashlib
    write_table_atomically(pd.DataFrame([{"id": "t1", "path": "corpus/t1.txt",
                                          "sha256": hashlib.sha256(TEXT.encode()).hexdigest()}]),
                           tmp_path / "corpus" / "manifest.csv")
    return Corpus(tmp_path / "corpus" / "manifest.csv")


def test_valid_report_has_no_problems():
    assert check_report(gold_report()) == []


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r.spans.append(Span(0, 3, "PLACE")), "unknown entity label"),
    (lambda r: r.spans.append(Span(len(TEXT) - 2, len(TEXT) + 5, "VENUE")), "outside the text"),
    (lambda r: r.spans.append(Span(TEXT.index("尹力"), TEXT.index("尹力") + 3, "OFFICIAL")), "whitespace or punctuation"),
    (lambda r: r.spans.append(Span(TEXT.index("尹力") + 1, TEXT.index("尹力") + 2, "OFFICIAL")), "overlaps"),
    (lambda r: r.sentences.pop(), "missing from the record"),
    (lambda r: r.sentences[0].cats.append("SPORTS"), "unknown category"),
])
def test_each_kind_of_problem_is_reported(mutate, message):
    report = gold_report()
    mutate(report)
    problems = check_report(report)
    assert any(message in str(p) for p in problems), problems
    assert all(str(p).startswith("t1") for p in problems)


def test_validate_file_reports_hash_mismatch_and_corrupt_json(tiny_corpus, tmp_path):
    good = tmp_path / "a.jsonl"
    save_standoff([gold_report()], good)
    assert validate_standoff(good, tiny_corpus) == []
    record = json.loads(good.read_text(encoding="utf-8"))
    record["sha256"] = "0" * 64
    bad = tmp_path / "b.jsonl"
    bad.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert "sha256 does not match" in str(validate_standoff(bad, tiny_corpus)[0])
    broken = tmp_path / "c.jsonl"
    broken.write_text('{"id": "t1", \n', encoding="utf-8")
    assert "c.jsonl:1: not valid JSON" in str(validate_standoff(broken, tiny_corpus)[0])
    with pytest.raises(AnnotationError, match="b.jsonl:1 .*report t1.*sha256"):
        load_standoff(bad, tiny_corpus)


def test_round_trip_standoff_interchange_standoff(tiny_corpus, tmp_path):
    first = tmp_path / "gold.jsonl"
    save_standoff([gold_report()], first)
    reports = load_standoff(first, tiny_corpus)
    exchange = tmp_path / "x.jsonl"
    save_interchange(reports, exchange)
    assert json.loads(exchange.read_text(encoding="utf-8"))["text"] == TEXT
    back = tmp_path / "back.jsonl"
    save_standoff(load_interchange(exchange), back)
    strip = lambda p: [{k: v for k, v in json.loads(l).items() if k != "provenance"} for l in p.read_text(encoding="utf-8").splitlines()]
    assert strip(back) == strip(first)


def test_interchange_with_unnormalized_text_is_refused(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"id": "z", "text": "北京市黨政代表團\r\n", "spans": [], "sentences": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="x.jsonl:1 .*report z.*not normalized"):
        load_interchange(path)


def test_sheet_round_trip_and_changed_text_refused():
    report = gold_report()
    report.visit = Visit(["北京市"], ["上海市"], "2023-07-12", "2023-07-13", ["尹力"], {"尹力": "visiting", "殷勇": "visiting"})
    sheet = make_sheet("t1", TEXT, report)
    spans, sentences, visit = parse_sheet(sheet, TEXT)
    assert sorted(spans) == sorted(report.spans)
    assert [s.cats for s in sentences] == [s.cats for s in report.sentences]
    assert visit == report.visit
    with pytest.raises(AnnotationError, match="differs from the report"):
        parse_sheet(sheet.replace("参观", "参覌"), TEXT)
    with pytest.raises(AnnotationError, match="unknown category"):
        parse_sheet(sheet.replace("SCI_TECH", "SCIENCE"), TEXT)


def test_blank_visit_template_lists_officials_and_must_be_filled():
    report = gold_report()
    sheet = make_sheet("t1", TEXT, report)
    assert "@side\t尹力\t?" in sheet and "@side\t殷勇\t?" in sheet
    with pytest.raises(AnnotationError, match="@visitor is not filled in"):
        parse_sheet(sheet, TEXT)
    filled = (sheet.replace("@visitor\t?", "@visitor\t北京市").replace("@host\t?", "@host\t-")
              .replace("@start\t?", "@start\t--07-12").replace("@end\t?", "@end\t--07-12")
              .replace("@leaders\t?", "@leaders\t-"))
    *_, visit = parse_sheet(filled, TEXT)
    assert visit.visitor == ["北京市"] and visit.host == [] and visit.start == "--07-12" and visit.leaders == []
    assert visit.sides == {"尹力": "?", "殷勇": "?"}  # refused by visit_problems, as ingest does


def test_lint_checks():
    text = "北京市委书记尹力讲话。市长王五出席。北京市长期以来重视尹力。记者张三报道。\n"
    r = AnnotatedReport("L", text, [
        Span(0, 6, "POST"), Span(6, 8, "OFFICIAL"),
        Span(11, 13, "POST"),                       # 市长, name 王五 left unannotated
        Span(text.index("张三"), text.index("张三") + 2, "OFFICIAL"),  # a journalist tagged by mistake
    ], [])
    inconsistent = check_inconsistent([r])
    assert any(f.text == "尹力" and "not here" in f.message for f in inconsistent)  # second 尹力 unannotated
    assert any(f.text == "市长" for f in inconsistent)                              # 北京市长期以来
    assert [f.text for f in check_unannotated_names([r])] == ["王五出"]
    assert [f.text for f in check_names_without_post([r])] == ["张三"]


def test_agreement_table_counts_disagreements():
    a = gold_report()
    b = gold_report()
    b.spans = [s for s in b.spans if s.label != "VENUE"]
    b.sentences[-1].cats = []
    table, common = agreement_table([a], [b])
    assert common == ["t1"]
    venue = table[table.label == "VENUE"].iloc[0]
    assert venue.pass_1 == 1 and venue.pass_2 == 0 and venue.f1_strict == 0.0
    assert table[table.label == "SCI_TECH"].iloc[0].f1_strict == 0.0
    assert table[table.label == "OFFICIAL"].iloc[0].f1_strict == 1.0


def test_repository_gold_validates():
    result = CliRunner().invoke(app, ["annotations", "validate", "annotations/gold.jsonl", "annotations/pass2.jsonl"])
    assert result.exit_code == 0, result.output
