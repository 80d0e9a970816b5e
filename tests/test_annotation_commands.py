"""The annotation commands under faults and bad input: nothing lost, nothing half-written.

`ingest`, `import` and `export` (kaocha/annotations/sheets_cli.py, commands.py)
on a small repository built here: locks against a concurrent writer (two real
processes), duplicate ids, integer offsets, export targets, invalid UTF-8,
and every command run outside a repository.
"""

import hashlib
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import kaocha.files
from kaocha.annotations.markup import make_sheet
from kaocha.annotations.records import AnnotatedReport, AnnotationError, Sentence, Span, load_interchange, load_standoff, save_interchange, save_standoff
from kaocha.cli import app
from kaocha.corpus import Corpus, write_table_atomically
from kaocha.sentences import sentence_spans

from conftest import span_at
from processes import hold_lock, race

runner = CliRunner()

TEXTS = {
    "t1": "北京市党政代表团赴上海市学习考察\n北京市委书记尹力,市委副书记、市长殷勇参观中共一大纪念馆。双方加强科技创新合作。\n",
    "t2": "江苏省党政代表团赴浙江省学习考察\n浙江省委书记张三陪同代表团参观杭州未来科技城。\n",
}


def annotated(rid: str) -> AnnotatedReport:
    text = TEXTS[rid]
    names = {"t1": [("北京市委书记", "POST"), ("尹力", "OFFICIAL"), ("中共一大纪念馆", "VENUE")],
             "t2": [("浙江省委书记", "POST"), ("张三", "OFFICIAL"), ("杭州未来科技城", "VENUE")]}[rid]
    spans = [span_at(text, s, label) for s, label in names]
    return AnnotatedReport(rid, text, spans, [Sentence(s, e, []) for s, e in sentence_spans(text)])


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with corpus/manifest.csv (reports t1, t2) and annotations/, as the working directory."""
    root = tmp_path / "repo"
    (root / "corpus").mkdir(parents=True)
    (root / "annotations").mkdir()
    rows = []
    for rid, text in TEXTS.items():
        (root / "corpus" / f"{rid}.txt").write_text(text, encoding="utf-8")
        rows.append({"id": rid, "path": f"corpus/{rid}.txt", "sha256": hashlib.sha256(text.encode()).hexdigest()})
    write_table_atomically(pd.DataFrame(rows), root / "corpus" / "manifest.csv")
    monkeypatch.chdir(root)
    return root


def write_sheet(path, rid):
    """A filled sheet without a visit record (no @ lines)."""
    sheet = make_sheet(rid, TEXTS[rid], annotated(rid))
    path.write_text("\n".join(line for line in sheet.split("\n") if not line.startswith("@")), encoding="utf-8")
    return path


def interchange_line(rid, **changes) -> str:
    record = annotated(rid).to_interchange()
    record.update(changes)
    return json.dumps(record, ensure_ascii=False) + "\n"


# -- concurrent writers -------------------------------------------------------

def test_two_ingests_into_one_file_keep_both_reports(repo, tmp_path):
    """The first ingest pauses after reading gold.jsonl and before writing it;
    the second runs meanwhile (a real process each). Neither report is lost."""
    sheets = [write_sheet(tmp_path / f"{rid}.sheet", rid) for rid in ("t1", "t2")]
    first, second = race("kaocha.annotations.commands.save_standoff",
                         ["annotations", "ingest", str(sheets[0]), "--into", "annotations/gold.jsonl"],
                         ["annotations", "ingest", str(sheets[1]), "--into", "annotations/gold.jsonl"], repo, tmp_path)
    assert first[0] == 0 and second[0] == 0, (first, second)
    assert "stored 1 report(s)" in first[1] and "stored 1 report(s)" in second[1]
    assert sorted(r.id for r in load_standoff(repo / "annotations" / "gold.jsonl", Corpus())) == ["t1", "t2"]


def test_two_imports_into_one_file_keep_both_reports(repo, tmp_path):
    for rid in ("t1", "t2"):
        (tmp_path / f"{rid}.jsonl").write_text(interchange_line(rid), encoding="utf-8")
    first, second = race("kaocha.annotations.commands.save_standoff",
                         ["annotations", "import", str(tmp_path / "t1.jsonl")],
                         ["annotations", "import", str(tmp_path / "t2.jsonl")], repo, tmp_path)
    assert first[0] == 0 and second[0] == 0, (first, second)
    assert sorted(r.id for r in load_standoff(repo / "annotations" / "gold.jsonl", Corpus())) == ["t1", "t2"]


def test_ingest_waits_for_another_writer_and_says_so(repo, tmp_path):
    save_standoff([annotated("t1")], repo / "annotations" / "gold.jsonl")
    holder = hold_lock(repo / "annotations" / "gold.jsonl", 1.0, tmp_path)
    result = runner.invoke(app, ["annotations", "ingest", str(write_sheet(tmp_path / "t2.sheet", "t2")),
                                 "--into", "annotations/gold.jsonl"])
    holder.wait(timeout=10)
    assert result.exit_code == 0, result.output
    assert "waiting for another kaocha command writing annotations/gold.jsonl" in result.output
    assert [r.id for r in load_standoff("annotations/gold.jsonl", Corpus())] == ["t1", "t2"]


def test_writer_gives_up_after_the_timeout_with_a_clear_message(repo, tmp_path, monkeypatch):
    monkeypatch.setattr(kaocha.files, "LOCK_TIMEOUT", 0.5)
    gold = repo / "annotations" / "gold.jsonl"
    save_standoff([annotated("t1")], gold)
    before = gold.read_bytes()
    (tmp_path / "t2.jsonl").write_text(interchange_line("t2"), encoding="utf-8")
    holder = hold_lock(gold, 30, tmp_path)
    try:
        for command in (["annotations", "import", str(tmp_path / "t2.jsonl")],
                        ["annotations", "ingest", str(write_sheet(tmp_path / "t2.sheet", "t2")), "--into", str(gold)]):
            result = runner.invoke(app, command)
            assert result.exit_code == 1, result.output
            assert "gold.jsonl: another kaocha command has been writing it" in result.output
            assert "nothing was written" in result.output and "Traceback" not in result.output
    finally:
        holder.kill()
        holder.wait()
    assert gold.read_bytes() == before


# -- import --------------------------------------------------------------------

def test_import_refuses_duplicate_ids_and_writes_nothing(repo, tmp_path):
    gold = repo / "annotations" / "gold.jsonl"
    save_standoff([annotated("t2")], gold)
    before = gold.read_bytes()
    truncated = annotated("t1")
    truncated.spans = truncated.spans[:1]
    source = tmp_path / "in.jsonl"
    source.write_text(interchange_line("t1") + interchange_line("t2") + json.dumps(truncated.to_interchange(), ensure_ascii=False) + "\n",
                      encoding="utf-8")
    result = runner.invoke(app, ["annotations", "import", str(source), "--replace"])
    assert result.exit_code == 1
    assert "in.jsonl:3 (report t1): the report is in the file twice (first at line 1)" in result.output
    assert gold.read_bytes() == before
    with pytest.raises(AnnotationError, match="in.jsonl:3 .*twice"):
        load_interchange(source)


def test_import_with_one_bad_record_writes_nothing(repo, tmp_path):
    source = tmp_path / "in.jsonl"
    bad = annotated("t2")
    bad.spans.append(Span(0, 2, "PLACE"))
    source.write_text(interchange_line("t1") + json.dumps(bad.to_interchange(), ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["annotations", "import", str(source)])
    assert result.exit_code == 1 and "unknown entity label 'PLACE'" in result.output
    assert not (repo / "annotations" / "gold.jsonl").exists()


@pytest.mark.parametrize("bad", [1.7, "3", 2.0, True, None])
def test_offsets_must_be_integers(repo, tmp_path, bad):
    record = json.loads(interchange_line("t1"))
    record["spans"][1]["start"] = bad
    source = tmp_path / "in.jsonl"
    source.write_text(interchange_line("t2") + json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"in.jsonl:2 \(report t1\): span start must be an integer offset"):
        load_interchange(source)
    result = runner.invoke(app, ["annotations", "import", str(source)])
    assert result.exit_code == 1 and "in.jsonl:2 (report t1): span start must be an integer" in result.output
    assert not (repo / "annotations" / "gold.jsonl").exists()
    # the same in a standoff file: validate names file, line and report
    standoff = repo / "annotations" / "gold.jsonl"
    save_standoff([annotated("t1")], standoff)
    stored = json.loads(standoff.read_text(encoding="utf-8"))
    stored["sentences"][0]["end"] = bad
    standoff.write_text(json.dumps(stored, ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["annotations", "validate", "annotations/gold.jsonl"])
    assert result.exit_code == 1
    assert "gold.jsonl:1: sentence end must be an integer offset" in result.output and "t1" in result.output


# -- export --------------------------------------------------------------------

def test_export_refuses_annotations_with_problems(repo, tmp_path):
    report = annotated("t1")
    report.spans += [Span(report.spans[1].start, report.spans[1].end + 1, "OFFICIAL"),  # overlaps 尹力
                     Span(len(report.text) - 1, len(report.text) + 4, "VENUE"),         # out of range
                     Span(0, 2, "PLACE")]                                                 # unknown label
    save_standoff([report], repo / "annotations" / "gold.jsonl")
    out = tmp_path / "x.jsonl"
    result = runner.invoke(app, ["annotations", "export", str(out)])
    assert result.exit_code == 1
    assert "nothing exported" in result.output
    for problem in ("overlaps", "outside the text", "unknown entity label 'PLACE'"):
        assert problem in result.output
    assert not out.exists()


def test_export_never_writes_onto_standoff_annotations_or_its_input(repo, tmp_path):
    gold = repo / "annotations" / "gold.jsonl"
    save_standoff([annotated("t1")], gold)
    pass2 = tmp_path / "pass2.jsonl"  # a standoff file outside annotations/
    save_standoff([annotated("t2")], pass2)
    before = {p: p.read_bytes() for p in (gold, pass2)}
    cases = [
        (["annotations/gold.jsonl"], "is the standoff file being exported"),
        ([str(pass2), "--from", str(pass2)], "is the standoff file being exported"),
        ([str(pass2)], "holds standoff annotations"),
        (["annotations/new.jsonl"], "annotations/ folder"),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["annotations", "export", *args])
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output, (args, result.output)
    assert {p: p.read_bytes() for p in before} == before
    assert not (repo / "annotations" / "new.jsonl").exists()
    ok = runner.invoke(app, ["annotations", "export", str(tmp_path / "out.jsonl")])
    assert ok.exit_code == 0, ok.output
    assert [r.id for r in load_interchange(tmp_path / "out.jsonl")] == ["t1"]
    again = runner.invoke(app, ["annotations", "export", str(tmp_path / "out.jsonl")])  # an old export may be replaced
    assert again.exit_code == 0, again.output


# -- bad files and no repository ----------------------------------------------

def test_invalid_utf8_in_gold_names_file_and_line(repo):
    gold = repo / "annotations" / "gold.jsonl"
    save_standoff([annotated("t1"), annotated("t2")], gold)
    lines = gold.read_bytes().split(b"\n")
    assert b'"provenance": {}' in lines[1]
    lines[1] = lines[1].replace(b'"provenance": {}', b'"provenance": {"annotator": "\xe5\xbc"}')  # a cut 张
    gold.write_bytes(b"\n".join(lines))
    with pytest.raises(AnnotationError, match=r"gold.jsonl:2: not valid UTF-8"):
        load_standoff(gold, Corpus())
    result = runner.invoke(app, ["annotations", "validate", "annotations/gold.jsonl"])
    assert result.exit_code == 1 and "gold.jsonl:2: not valid UTF-8" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [
    ["annotations", "validate"],
    ["annotations", "import", "in.jsonl"],
    ["annotations", "ingest", "t1.sheet", "--into", "gold.jsonl"],
    ["annotations", "sheet", "t1"],
    ["annotations", "export", "out.jsonl"],
    ["annotations", "lint"],
])
def test_annotation_commands_outside_the_repository_say_what_to_do(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.jsonl").write_text(interchange_line("t1"), encoding="utf-8")
    write_sheet(tmp_path / "t1.sheet", "t1")
    result = runner.invoke(app, command)
    assert result.exit_code == 1, result.output
    assert "corpus/manifest.csv: no corpus manifest here (run from the repository root" in result.output
    assert "--manifest" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "gold.jsonl").exists() and not (tmp_path / "out.jsonl").exists()
