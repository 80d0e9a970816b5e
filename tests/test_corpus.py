import os
import hashlib

import pandas as pd
import pytest

from kaocha.corpus import Corpus, CorpusError, add_directory, write_table_atomically
from kaocha.normalize import normalize

from conftest import require_shared


@pytest.fixture(scope="module")
def corpus():
    require_shared()
    return Corpus()


def test_manifest_hashes_match_raw_files(corpus):
    for report in corpus:
        assert hashlib.sha256(report.path.read_bytes()).hexdigest() == report.sha256, report.id


def test_every_report_normalizes_idempotently(corpus):
    assert len(corpus) >= 37
    for report in corpus:
        text = report.text()
        assert text and normalize(text) == text, report.id


def test_hash_mismatch_is_refused(tmp_path):
    (tmp_path / "corpus").mkdir()
    raw = tmp_path / "corpus" / "a.txt"
    raw.write_text("标题\n正文。\n", encoding="utf-8")
    manifest = tmp_path / "corpus" / "manifest.csv"
    write_table_atomically(pd.DataFrame([{"id": "a", "path": "corpus/a.txt", "sha256": "0" * 64}]), manifest)
    with pytest.raises(CorpusError, match="sha256.*report a"):
        Corpus(manifest)["a"].text()


def test_add_directory_by_reference_with_index_metadata(tmp_path):
    reports = tmp_path / "incoming"
    reports.mkdir()
    (reports / "x1.txt").write_text("某省党政代表团来访\n正文。\n", encoding="utf-8")
    (reports / "x2.txt").write_bytes("某市代表團來訪\n正文。\n".encode("big5"))
    (reports / "index.tsv").write_text("file\turl\ttitle\tcomplete\nx1.txt\thttp://e.x/1\t来访\tyes\n", encoding="utf-8")
    manifest = tmp_path / "repo" / "corpus" / "manifest.csv"
    assert add_directory(reports, manifest) == ["x1", "x2"]
    corpus = Corpus(manifest)
    assert corpus["x1"].meta["title"] == "来访" and corpus["x1"].meta["complete"] == "complete"
    assert corpus["x2"].text() == "某市代表团来访\n正文。\n"
    assert add_directory(reports, manifest) == []  # same bytes again: nothing new


def test_add_directory_with_a_bad_file_writes_nothing(tmp_path):
    reports = tmp_path / "incoming"
    reports.mkdir()
    (reports / "good.txt").write_text("标题\n", encoding="utf-8")
    (reports / "empty.txt").write_bytes(b"")
    manifest = tmp_path / "repo" / "corpus" / "manifest.csv"
    with pytest.raises(CorpusError, match="empty.txt: the file is empty"):
        add_directory(reports, manifest)
    assert not manifest.exists()


GOOD_ROW = "a,corpus/a.txt," + "0" * 64 + "\n"


@pytest.mark.parametrize("content, message", [
    (None, r"manifest.csv: no corpus manifest here \(run from the repository root"),
    (b"", r"manifest.csv: the manifest is empty"),
    (b"\n \n", r"manifest.csv: the manifest is empty"),
    (b"\x00\x01\x02\x03PK\x03\x04" * 50, r"manifest.csv: the manifest looks binary"),
    (("id,path,sha256\n" + GOOD_ROW + 'b,"corpus/b.txt,' + "1" * 64 + "\nc,corpus/c.txt,x\n").encode(),
     r"manifest.csv:3: the manifest is not valid CSV \(a quoted field is never closed\)"),
    (("id,path,sha256\n" + GOOD_ROW + "b,corpus/b.txt,x,extra\n").encode(), r"manifest.csv:3: 4 field\(s\) where the header has 3"),
    (("id,path,sha256\n" + GOOD_ROW).encode() + b"\xff\xfeb,x,y\n", r"manifest.csv:3: the manifest is not valid UTF-8"),
])
def test_malformed_manifest_is_one_error_naming_file_and_line(tmp_path, content, message):
    from typer.testing import CliRunner

    from kaocha.cli import app

    manifest = tmp_path / "corpus" / "manifest.csv"
    manifest.parent.mkdir()
    if content is not None:
        manifest.write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        Corpus(manifest)
    result = CliRunner().invoke(app, ["corpus", "--manifest", str(manifest)])
    assert result.exit_code == 1, result.output
    assert "error: " in result.output and "Traceback" not in result.output
    incoming = tmp_path / "in"
    incoming.mkdir()
    (incoming / "x.txt").write_text("标题\n正文。\n", encoding="utf-8")
    if content is not None:  # corpus add refuses a broken manifest rather than rewriting it
        with pytest.raises(CorpusError, match=message):
            add_directory(incoming, manifest)
        assert manifest.read_bytes() == content


def bad_entries(directory):
    """One good report and every kind of entry that is not a readable report file."""
    directory.mkdir()
    (directory / "good.txt").write_text("某省党政代表团来访\n正文。\n", encoding="utf-8")
    (directory / "folder.txt").mkdir()
    (directory / "dangling.txt").symlink_to(directory / "missing.txt")
    (directory / "loop.txt").symlink_to(directory / "loop.txt")
    (directory / "blank.txt").write_text("\u3000\u3000\n\u3000 \n", encoding="utf-8")
    outside = directory.parent / "outside.txt"
    outside.write_text("外面的文件\n", encoding="utf-8")
    (directory / "escape.txt").symlink_to(os.path.relpath(outside, directory))


def test_corpus_add_names_each_bad_entry_and_adds_nothing(tmp_path):
    from typer.testing import CliRunner

    from kaocha.cli import app

    bad_entries(tmp_path / "incoming")
    manifest = tmp_path / "repo" / "corpus" / "manifest.csv"
    result = CliRunner().invoke(app, ["corpus", "add", str(tmp_path / "incoming"), "--manifest", str(manifest)])
    assert result.exit_code == 1, result.output
    lines = result.output
    assert "folder.txt: is a directory" in lines
    assert "dangling.txt: is a symbolic link to a missing file" in lines
    assert "loop.txt: is a symbolic link that loops" in lines
    assert "blank.txt: no text left after normalization" in lines
    assert "escape.txt: resolves to" in lines and "outside" in lines
    assert "good.txt" not in lines and "Traceback" not in lines
    assert not manifest.exists()


def test_corpus_add_refuses_a_link_out_of_the_tree(tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "passwd.txt").symlink_to("../../../../../../../../etc/hostname")
    manifest = tmp_path / "repo" / "corpus" / "manifest.csv"
    with pytest.raises(CorpusError, match="passwd.txt: resolves to /etc/hostname, outside"):
        add_directory(incoming, manifest)
    assert not manifest.exists()


def test_corpus_add_accepts_links_inside_the_directory(tmp_path):
    incoming = tmp_path / "incoming"
    (incoming / "sub").mkdir(parents=True)
    (incoming / "sub" / "real.txt").write_text("某省党政代表团来访\n正文。\n", encoding="utf-8")
    (incoming / "alias.txt").symlink_to("sub/real.txt")
    manifest = tmp_path / "repo" / "corpus" / "manifest.csv"
    assert add_directory(incoming, manifest) == ["alias"]
    assert Corpus(manifest)["alias"].path.resolve() == (incoming / "sub" / "real.txt").resolve()


def test_manifest_entry_whose_file_is_gone_is_named(tmp_path):
    (tmp_path / "corpus").mkdir()
    manifest = tmp_path / "corpus" / "manifest.csv"
    write_table_atomically(pd.DataFrame([{"id": "a", "path": "corpus/a.txt", "sha256": "0" * 64}]), manifest)
    with pytest.raises(CorpusError, match="a.txt: no such file \\(report a of the manifest\\)"):
        Corpus(manifest)["a"].text()


def test_two_corpus_adds_at_once_both_keep_their_rows(tmp_path):
    """Two real processes: the first pauses after reading the manifest and
    before writing it; the second runs meanwhile. Both rows must survive."""
    from processes import race

    repo = tmp_path / "repo"
    (repo / "corpus").mkdir(parents=True)
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.txt").write_text(f"{name}省党政代表团来访\n正文。\n", encoding="utf-8")
    first, second = race("kaocha.corpus.write_table_atomically",
                         ["corpus", "add", str(tmp_path / "one")], ["corpus", "add", str(tmp_path / "two")], repo, tmp_path)
    assert first[0] == 0 and second[0] == 0, (first, second)
    assert sorted(Corpus(repo / "corpus" / "manifest.csv").ids()) == ["one", "two"]
