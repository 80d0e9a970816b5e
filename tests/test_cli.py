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
