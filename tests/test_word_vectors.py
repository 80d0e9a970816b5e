"""training/word_vectors.py: news transcripts -> LAC words -> floret vectors in the categorizer's format."""

import json

import numpy as np
from typer.testing import CliRunner

from kaocha.components.sentence_cats import load_word_vectors
from training.word_vectors import app, corpus_sentences

TRANSCRIPT = """# 新闻联播 2024年1月1日

习近平在北京考察科技创新工作。他强调,要推进科技创新和产业创新深度融合。

各地积极推进乡村振兴,加强生态环境保护,深化改革开放。
"""


def write_corpus(folder, copies=30):
    folder.mkdir()
    for i in range(copies):
        (folder / f"2024{i:04d}.md").write_text(TRANSCRIPT, encoding="utf-8")
    return folder


def test_sentences_are_the_normalized_transcripts_split_by_the_spec(tmp_path):
    corpus = write_corpus(tmp_path / "news", copies=1)
    assert list(corpus_sentences(corpus)) == [
        "# 新闻联播2024年1月1日", "习近平在北京考察科技创新工作。", "他强调,要推进科技创新和产业创新深度融合。",
        "各地积极推进乡村振兴,加强生态环境保护,深化改革开放。"]


def test_builds_loadable_vectors_of_lac_words_deterministically(tmp_path):
    corpus = write_corpus(tmp_path / "news")
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = CliRunner().invoke(app, ["--corpus", str(corpus), "--out", str(out), "--dim", "8", "--epochs", "1",
                                          "--min-count", "5"])
        assert result.exit_code == 0, result.output
        runs.append(out)
    words, vectors = load_word_vectors(runs[0])
    assert "科技" in words and "乡村" in words and vectors.shape == (len(words), 8)
    assert "科技创新和产业创新" not in words  # words, not sentences
    assert (runs[0] / "vectors.npy").read_bytes() == (runs[1] / "vectors.npy").read_bytes()
    meta = json.loads((runs[0] / "meta.json").read_text(encoding="utf-8"))
    assert meta["analyser"] == "lac" and meta["floret"]["dim"] == 8 and meta["characters"] > 0
    assert not np.any(np.isnan(vectors))


def test_missing_corpus_is_refused_and_nothing_written(tmp_path):
    result = CliRunner().invoke(app, ["--corpus", str(tmp_path / "none"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'none'}: no *.md transcripts" in result.output
    assert not (tmp_path / "out").exists()
