"""`kaocha score`: formats, JSON schema, bad files, atomic output, HTML in Chromium."""

import json
import os
import shutil
import subprocess
from pathlib import Path

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


def test_jsonl_validates_against_the_schema(small_model, reports_dir):
    import jsonschema

    result = run(reports_dir, "--model", small_model)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for record in records:
        jsonschema.validate(record, schema)
    assert any(o["posts"] for r in records for o in r["officials"])
    assert records[0]["entities"] == records[1]["entities"] or records[0]["id"] != records[1]["id"]


def test_table_and_csv(small_model, reports_dir):
    table = run(reports_dir, "--model", small_model, "--format", "table")
    assert table.exit_code == 0 and "officials:" in table.stdout and "areas:" in table.stdout
    officials = run(reports_dir, "--model", small_model, "--format", "csv", "--table", "officials")
    header = officials.stdout.splitlines()[0]
    assert header.startswith("report,path,official,post,jurisdiction")


def test_bad_files_are_reported_and_skipped_with_nonzero_exit(small_model, reports_dir, tmp_path):
    (reports_dir / "empty.txt").write_bytes(b"")
    (reports_dir / "binary.txt").write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "out.jsonl"
    result = run(reports_dir, tmp_path / "missing.txt", "--model", small_model, "--out", out)
    assert result.exit_code == 1
    for name in ("empty.txt", "binary.txt", "missing.txt"):
        assert name in result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3  # the good files are still scored


def test_failed_run_leaves_existing_output_untouched(small_model, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run(tmp_path / "empty.txt", "--model", small_model, "--out", out)
    assert result.exit_code == 1 and out.read_text(encoding="utf-8") == "previous\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_missing_model_is_a_clear_error(tmp_path, reports_dir):
    result = run(reports_dir, "--model", tmp_path / "nope")
    assert result.exit_code == 2 and "python -m training.train" in result.stderr


def test_html_renders_entity_marks_in_headless_chromium(small_model, reports_dir, tmp_path):
    out = tmp_path / "page.html"
    result = run(reports_dir, "--model", small_model, "--format", "html", "--out", out)
    assert result.exit_code == 0, result.stderr
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("chromium is not installed (.ci/run installs Debian's chromium and fonts-wqy-zenhei)")
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", out.as_uri()],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert dom.returncode == 0, dom.stderr[-2000:]
    entities = json.loads(run(reports_dir, "--model", small_model).stdout.splitlines()[0])["entities"]
    assert entities
    assert dom.stdout.count("<mark") >= len(entities)
    assert "class=\"sentences\"" in dom.stdout and entities[0]["text"] in dom.stdout
