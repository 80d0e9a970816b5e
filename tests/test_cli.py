import pytest
from typer.testing import CliRunner

from kaocha.cli import app

runner = CliRunner()


def test_normalize_prints_simplified_text_without_glosses(seeds_dir):
    result = runner.invoke(app, ["normalize", str(seeds_dir / "004_580b70454bffef08.txt")])
    assert result.exit_code == 0
    assert "北京市党政代表团来川考察" in result.stdout and "(qū)" not in result.stdout


def test_normalize_bad_file_fails_with_its_name(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["normalize", str(bad)])
    assert result.exit_code == 1
    assert "empty.txt: the file is empty" in result.output


def test_corpus_lists_reports():
    result = runner.invoke(app, ["corpus"])
    assert result.exit_code == 0, result.output
    assert "000_c05603fa1a6d8289" in result.stdout and "reports," in result.stdout


@pytest.mark.parametrize("command", [["normalize"], ["score"], ["corpus", "add"]])
def test_encoding_outside_the_readers_list_is_refused_with_the_list(tmp_path, command):
    report = tmp_path / "r.txt"
    report.write_text("北京市党政代表团来川考察。\n", encoding="utf-8")
    target = tmp_path if command == ["corpus", "add"] else report
    result = runner.invoke(app, [*command, str(target), "--encoding", "latin-1"])
    assert result.exit_code == 2, result.output
    assert "unsupported encoding 'latin-1'" in result.output and "utf-8, gb18030, big5, utf-16" in result.output


def test_normalize_reads_utf16_and_accepts_an_encoding_alias(tmp_path):
    report = tmp_path / "r.txt"
    report.write_bytes("北京市党政代表團来川考察。\r\n".encode("utf-16"))
    result = runner.invoke(app, ["normalize", str(report)])
    assert result.exit_code == 0 and result.stdout == "北京市党政代表团来川考察。\n"
    assert runner.invoke(app, ["normalize", str(report), "--encoding", "UTF-16"]).stdout == result.stdout


@pytest.mark.parametrize("content", ["\u3000\u3000\n\u3000", " \t\n\u00a0\r\n", "\ufeff\u3000"])
def test_whitespace_only_text_is_refused_by_normalize(tmp_path, content):
    report = tmp_path / "blank.txt"
    report.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["normalize", str(report)])
    assert result.exit_code == 1
    assert "blank.txt:" in result.output
    assert "no text left after normalization" in result.output or "the file is empty" in result.output
