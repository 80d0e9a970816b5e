"""`kaocha score`: formats, JSON schema, bad input, output guards, long reports, broken models."""

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from kaocha.cli import app

SCHEMA = Path(__file__).resolve().parent.parent / "kaocha" / "schema" / "report.schema.json"


@pytest.fixture
def reports_dir(tmp_path, seeds_dir):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(seeds_dir.glob("*.txt"))[:2]:
        shutil.copy(path, folder / path.name)
    # the same report in GB18030: the reader detects the encoding
    first = sorted(seeds_dir.glob("*.txt"))[0]
    (folder / "gb.txt").write_bytes(first.read_text(encoding="utf-8").encode("gb18030"))
    return folder


def run(*args):
    return CliRunner().invoke(app, ["score", *map(str, args)])


def records_of(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_jsonl_validates_against_the_schema(small_model, reports_dir):
    import jsonschema

    result = run(reports_dir, "--model", small_model)
    assert result.exit_code == 0, result.stderr
    records = records_of(result.stdout)
    assert len(records) == 3
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for record in records:
        jsonschema.validate(record, schema)
    assert any(o["posts"] for r in records for o in r["officials"])
    by_id = {r["id"]: r for r in records}
    first = sorted(p for p in reports_dir.glob("*.txt") if p.name != "gb.txt")[0]
    # the GB18030 copy has other bytes but the same text, hence the same entities
    assert by_id["gb"]["sha256"] != by_id[first.stem]["sha256"]
    assert by_id["gb"]["entities"] == by_id[first.stem]["entities"]


def test_area_scores_count_the_supporting_sentences(small_model, reports_dir):
    records = records_of(run(reports_dir, "--model", small_model).stdout)
    areas = [(r, a) for r in records for a in r["areas"]]
    assert areas
    for record, area in areas:
        assert area["count"] == len(area["sentences"])
        assert area["share"] == pytest.approx(area["count"] / len(record["sentences"]), abs=1e-4)
    counts = [a["count"] for a in records[0]["areas"]]
    assert counts == sorted(counts, reverse=True)


def test_table_format_is_an_aligned_table_of_the_chosen_table(small_model, reports_dir):
    import re
    import unicodedata

    def on_screen(text):  # a wide (CJK) character takes two columns
        return "".join(c * 2 if unicodedata.east_asian_width(c) in "WF" else c for c in str(text))

    result = run(reports_dir, "--model", small_model, "--format", "table")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:6] == ["report", "path", "name", "side", "leader", "post"]
    columns = [(m.start(), m.end()) for m in re.finditer("-+", lines[1])]
    assert len(columns) == 16  # report, path and the 14 columns of the officials table
    csv = pd.read_csv(io.BytesIO(run(reports_dir, "--model", small_model, "--format", "csv",
                                     "--table", "officials").stdout_bytes), encoding="utf-8-sig", keep_default_na=False)
    assert len(lines) - 2 == len(csv) > 0
    for line, row in zip(lines[2:], csv.itertuples()):
        cells = [on_screen(line)[start:end].strip() for start, end in columns]
        assert cells[0] == on_screen(row.report) and cells[2] == on_screen(row.name)
        assert cells[3] == row.side and cells[5] == on_screen(row.post) and cells[15] == str(row.start)


def test_csv_has_a_bom_and_escapes_formula_cells(small_model, reports_dir):
    shutil.copy(reports_dir / "gb.txt", reports_dir / "=HYPERLINK(1).txt")
    result = run(reports_dir, "--model", small_model, "--format", "csv", "--table", "officials")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith("\ufeff".encode("utf-8"))
    frame = pd.read_csv(io.BytesIO(result.stdout_bytes), encoding="utf-8-sig")
    assert list(frame.columns[:5]) == ["report", "path", "name", "side", "leader"]
    reports = set(frame["report"])
    assert "'=HYPERLINK(1)" in reports and "=HYPERLINK(1)" not in reports


def test_table_option_with_another_format_is_an_error(small_model, reports_dir):
    for fmt in ("jsonl", "html"):
        result = run(reports_dir, "--model", small_model, "--format", fmt, "--table", "officials")
        assert result.exit_code == 2 and "--table applies to --format csv or table" in result.stderr


def test_upper_case_suffix_is_found(small_model, reports_dir):
    (reports_dir / "gb.txt").rename(reports_dir / "UPPER.TXT")
    records = records_of(run(reports_dir, "--model", small_model).stdout)
    assert "UPPER" in {r["id"] for r in records} and len(records) == 3


@pytest.mark.parametrize("option", ["--batch-size", "--n-process"])
@pytest.mark.parametrize("value", ["0", "-1"])
def test_counts_below_one_are_refused(reports_dir, option, value):
    result = run(reports_dir, option, value)
    message = " ".join(result.stderr.replace("│", " ").split())
    assert result.exit_code == 2 and option in message and "greater than or equal to 1" in message, message


def test_out_naming_a_directory_or_an_input_is_refused(small_model, reports_dir):
    result = run(reports_dir, "--model", small_model, "--out", reports_dir)
    assert result.exit_code == 2 and "is a directory" in result.stderr
    victim = sorted(reports_dir.glob("*.txt"))[0]
    before = victim.read_bytes()
    result = run(reports_dir, "--model", small_model, "--format", "csv", "--out", victim)
    assert result.exit_code == 2 and "one of the input files" in result.stderr
    assert victim.read_bytes() == before


def test_existing_jsonl_needs_resume_or_replace(small_model, reports_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "old"}\n', encoding="utf-8")
    result = run(reports_dir, "--model", small_model, "--out", out)
    assert result.exit_code == 2 and "--resume" in result.stderr and "--replace" in result.stderr
    assert out.read_text(encoding="utf-8") == '{"id": "old"}\n'
    result = run(reports_dir, "--model", small_model, "--out", out, "--replace")
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in records_of(out.read_text(encoding="utf-8"))] == ["000_c05603fa1a6d8289",
                                                                              "001_827e0376d35ad4cd", "gb"]


def test_resume_adds_only_missing_and_changed_reports(small_model, reports_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    files = sorted(reports_dir.glob("*.txt"))
    assert run(files[0], "--model", small_model, "--out", out).exit_code == 0
    first_line = out.read_text(encoding="utf-8")
    # a cut-off line left by a crash is dropped and that report scored again
    with open(out, "a", encoding="utf-8") as handle:
        handle.write('{"id": "gb", "sha256": "ab')
    result = run(reports_dir, "--model", small_model, "--out", out, "--resume")
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith(first_line)  # the finished record is kept as it was
    ids = [r["id"] for r in records_of(text)]
    assert sorted(ids) == sorted(p.stem for p in files) and len(ids) == len(set(ids))
    # a file that changed is scored again, its old record dropped
    changed = files[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    result = run(reports_dir, "--model", small_model, "--out", out, "--resume")
    assert result.exit_code == 0 and "changed" in result.stderr
    records = records_of(out.read_text(encoding="utf-8"))
    assert len(records) == len(files) and records[-1]["id"] == changed.stem
    assert records[-1]["text"].endswith("补充一句。\n")


def test_resume_refuses_a_file_that_is_not_records(small_model, reports_dir, tmp_path):
    out = tmp_path / "notes.jsonl"
    out.write_text("my notes\nmore notes\n", encoding="utf-8")
    result = run(reports_dir, "--model", small_model, "--out", out, "--resume")
    assert result.exit_code == 2 and f"{out}:1" in result.stderr
    assert out.read_text(encoding="utf-8") == "my notes\nmore notes\n"


def test_bad_files_are_reported_and_skipped_with_nonzero_exit(small_model, reports_dir, tmp_path):
    (reports_dir / "empty.txt").write_bytes(b"")
    (reports_dir / "blank.txt").write_text("\u3000\u3000 \n\u3000\n", encoding="utf-8")
    (reports_dir / "binary.txt").write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "out.jsonl"
    result = run(reports_dir, tmp_path / "missing.txt", "--model", small_model, "--out", out)
    assert result.exit_code == 1
    for name in ("empty.txt", "blank.txt", "binary.txt", "missing.txt"):
        assert name in result.stderr
    assert "Traceback" not in result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3  # the good files are still scored


def test_metadata_from_index_tsv_and_a_bad_index_is_one_warning(small_model, reports_dir):
    (reports_dir / "index.tsv").write_text("file\ttitle\turl\ngb.txt\t某代表团考察\thttp://example.org/1\n",
                                           encoding="utf-8")
    records = {r["id"]: r for r in records_of(run(reports_dir, "--model", small_model).stdout)}
    assert records["gb"]["meta"] == {"title": "某代表团考察", "source": "http://example.org/1"}
    assert records["000_c05603fa1a6d8289"]["meta"] == {}
    (reports_dir / "index.tsv").write_text("name\ttitle\nx\ty\n", encoding="utf-8")
    from kaocha.batch import directory_index

    directory_index.cache_clear()
    result = run(reports_dir, "--model", small_model)
    assert result.exit_code == 0 and len(records_of(result.stdout)) == 3
    warnings = [line for line in result.stderr.splitlines() if "index.tsv" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning:") and "'file' column" in warnings[0]


def test_a_report_the_pipeline_fails_on_is_one_error_line(small_model, reports_dir, monkeypatch):
    import kaocha.batch

    real = kaocha.batch.report_from_annotations

    def failing(text, spans, scored, threshold, report_id, source):
        if report_id == "gb":
            raise MemoryError("simulated")
        return real(text, spans, scored, threshold, report_id, source)

    monkeypatch.setattr(kaocha.batch, "report_from_annotations", failing)
    result = run(reports_dir, "--model", small_model)
    assert result.exit_code == 1
    assert [r["id"] for r in records_of(result.stdout)] == ["000_c05603fa1a6d8289", "001_827e0376d35ad4cd"]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "gb.txt" in errors[0] and "MemoryError" in errors[0]


def test_a_report_longer_than_spacy_allows_is_scored_in_pieces(small_model, seeds_dir, tmp_path, monkeypatch):
    import kaocha.batch
    from kaocha.api import load

    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    long_text = "\n".join(seeds * 2)
    path = tmp_path / "long.txt"
    path.write_text(long_text, encoding="utf-8")
    nlp = load(small_model)
    whole = kaocha.extract_file(path, nlp=nlp)
    # spaCy's own limit made small, and the pieces smaller still
    nlp.max_length = 5_000
    monkeypatch.setattr(kaocha.batch, "CHUNK_CHARS", 3_000)
    assert len(whole.text) > 4 * nlp.max_length
    pieces = kaocha.extract_file(path, nlp=nlp)
    assert pieces.text == whole.text
    for e in pieces.entities:
        assert pieces.text[e.start:e.end] == e.text
    assert [(s.start, s.end) for s in pieces.sentences] == [(s.start, s.end) for s in whole.sentences]
    assert [s.id for s in pieces.sentences] == list(range(1, len(pieces.sentences) + 1))
    same = {(e.start, e.label) for e in pieces.entities} & {(e.start, e.label) for e in whole.entities}
    assert len(same) >= 0.95 * len(whole.entities)


def test_missing_model_is_a_clear_error(tmp_path, reports_dir):
    result = run(reports_dir, "--model", tmp_path / "nope")
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert "python -m training.train" in result.stderr and "KAOCHA_MODEL" in result.stderr


def test_broken_model_is_one_error_naming_the_file(small_model, reports_dir, tmp_path):
    broken = tmp_path / "model"
    shutil.copytree(small_model, broken)
    weights = broken / "ner" / "model"
    weights.write_bytes(weights.read_bytes()[:1000])
    result = run(reports_dir, "--model", broken)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert str(weights) in result.stderr and "truncated" in result.stderr and "train it again" in result.stderr
    (broken / "ner" / "model").write_bytes(b"")
    assert "empty (0 bytes)" in run(reports_dir, "--model", broken).stderr


def test_help_shows_where_the_model_is_looked_for():
    result = CliRunner().invoke(app, ["score", "--help"], env={"COLUMNS": "200"})
    line = " ".join(result.stdout.split())
    assert "zh_kaocha" in line and "$KAOCHA_MODEL" in line and "models/model-best" in line


# -- interrupted runs: a real `kaocha score` process, stopped by a signal ------------

def many_reports(folder: Path, seeds_dir: Path, count: int) -> list[Path]:
    """``count`` short reports (parts of the seed reports, each made unique)."""
    folder.mkdir()
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    paths = []
    for n in range(count):
        path = folder / f"r{n:03d}.txt"
        path.write_text(seeds[n % len(seeds)][:900] + f"\n第{n}号报告。\n", encoding="utf-8")
        paths.append(path)
    return paths


def start_score(folder, model, out, *extra):
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-m", "kaocha.cli", "score", str(folder), "--model", str(model),
                             "--out", str(out), "--batch-size", "1", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=out.parent)


def wait_for_lines(out: Path, lines: int, process, timeout: float = 180) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and out.read_bytes().count(b"\n") >= lines:
            return
        assert process.poll() is None, process.communicate()[1][-2000:]
        time.sleep(0.02)
    raise AssertionError(f"{out} did not reach {lines} lines in {timeout} s")


def processes_mentioning(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


def test_killed_run_keeps_finished_records_and_resume_completes_it(small_model, seeds_dir, tmp_path):
    import signal
    import time

    files = many_reports(tmp_path / "many", seeds_dir, 150)
    out = tmp_path / "out.jsonl"

    # SIGTERM: the run stops cleanly, says how to go on, and keeps what it finished
    process = start_score(tmp_path / "many", small_model, out)
    wait_for_lines(out, 3, process)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr[-2000:]
    assert "--resume" in stderr and "Traceback" not in stderr
    kept = out.read_bytes()
    first = records_of(kept.decode("utf-8"))
    assert 3 <= len(first) < len(files) and kept.endswith(b"\n")

    # SIGKILL (no chance to clean up), with worker processes: whole lines only, no orphans left
    process = start_score(tmp_path / "many", small_model, out, "--resume", "--n-process", "2")
    wait_for_lines(out, len(first) + 3, process)
    process.kill()
    process.communicate(timeout=60)
    time.sleep(1)
    assert not processes_mentioning(str(out)), "worker processes outlived their killed parent"
    second = out.read_bytes()
    assert second.startswith(kept)
    records = [json.loads(line) for line in second.decode("utf-8").splitlines()]
    assert len(first) + 3 <= len(records) < len(files)

    # --resume finishes the job: every report exactly once, earlier records untouched
    process = start_score(tmp_path / "many", small_model, out, "--resume")
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-2000:]
    final = out.read_bytes()
    assert final.startswith(second)
    ids = [r["id"] for r in records_of(final.decode("utf-8"))]
    assert sorted(ids) == [p.stem for p in files] and len(set(ids)) == len(ids)
    assert f"({len(records)} already there)" in stderr
