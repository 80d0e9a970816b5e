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
