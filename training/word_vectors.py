"""`python -m training.word_vectors`: static word vectors from unlabelled news text.

The sentence categorizer sees the words of ~20k annotated sentences; most of a
cooperation area's vocabulary never occurs in them (`普惠托育` for people's
livelihood, `引进外资` for opening up). Word vectors trained on ~9.7M
characters of official evening-news transcripts (`../shared/corpora/xinwenlianbo/`,
the register of the reports; see its README) place such words beside the
ones the annotations do show, and the categorizer scores each sentence's
mean vector next to its n-grams (issue 15, experiments/EXPERIMENTS.md).

The transcripts are normalized as reports are (spec §1), split into
sentences, segmented into words by the pipeline's own analyser (Baidu LAC,
the one `kaocha_word_features` runs, so a report's words at prediction time
are cut the same way) and given to floret in plain fastText mode (skipgram,
character 1-2-gram subwords). Written: ``words.txt`` (one word per line),
``vectors.npy`` (float32, one row per word, no pickles) and ``meta.json``
(source and settings). The text never enters the repository. Deterministic
with ``--threads 1`` (the default) for a given floret version.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np
import typer
from spacy.util import minibatch

from kaocha.components.analysers import MAX_PIECE, analyser as load_analyser, pieces
from kaocha.files import cleanup_on_sigterm, replace_directory
from kaocha.normalize import normalize
from kaocha.sentences import sentence_spans

app = typer.Typer(add_completion=False)

DEFAULT_CORPUS = Path("../shared/corpora/xinwenlianbo/news")
#: Sentences per analyser call (LAC batches them by length inside).
CHUNK = 4096
#: floret settings besides the command's options: plain fastText skipgram with character 1-2-gram subwords.
FLORET = {"model": "skipgram", "mode": "fasttext", "minn": 1, "maxn": 2, "bucket": 200000}


def corpus_sentences(corpus: Path) -> Iterator[str]:
    """Every sentence (spec §1; long ones in analyser-sized pieces) of each normalized transcript."""
    files = sorted(corpus.glob("*.md"))
    if not files:
        raise FileNotFoundError(f"{corpus}: no *.md transcripts (see ../shared/corpora/xinwenlianbo/README.md)")
    for path in files:
        text = normalize(path.read_text(encoding="utf-8"))
        for start, end in sentence_spans(text):
            for piece_start, piece_end in pieces(end - start, MAX_PIECE):
                piece = text[start + piece_start:start + piece_end].strip()
                if piece:
                    yield piece


def write_segmented(sentences: Iterator[str], out: Path, analyser: str) -> int:
    """One line of space-separated words per sentence; returns the number of characters."""
    segment = load_analyser(analyser)
    chars = 0
    with out.open("w", encoding="utf-8") as f:
        for chunk in minibatch(sentences, CHUNK):
            for text, words in zip(chunk, segment(chunk)):
                f.write(" ".join(w for w in (text[a:b] for a, b, _ in words) if w.strip()) + "\n")
                chars += len(text)
    return chars


@app.command()
def main(
    corpus: Path = typer.Option(DEFAULT_CORPUS, help="Folder of the news transcripts (*.md)."),
    out: Path = typer.Option(Path("assets/word_vectors"), help="Directory to write (replaced whole)."),
    analyser: str = typer.Option("lac", help="Word segmenter: the word features' analyser."),
    dim: int = typer.Option(100, help="Vector width."),
    epochs: int = typer.Option(5, help="Passes over the text."),
    min_count: int = typer.Option(3, help="Words seen fewer times get no vector."),
    threads: int = typer.Option(1, help="floret threads (1 is deterministic)."),
) -> None:
    """Segment the news transcripts, train word vectors on them and write words.txt + vectors.npy."""
    import floret

    with tempfile.TemporaryDirectory(prefix="kaocha-word-vectors-") as tmp:
        text = Path(tmp) / "words.txt"
        try:
            chars = write_segmented(corpus_sentences(corpus), text, analyser)
        except (OSError, FileNotFoundError, ValueError) as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(1)
        print(f"{chars:,} characters segmented by {analyser}", file=sys.stderr)
        settings = {**FLORET, "dim": dim, "epoch": epochs, "minCount": min_count, "thread": threads}
        model = floret.train_unsupervised(str(text), **settings, verbose=0)
        words = model.get_words()
        vectors = np.asarray([model.get_word_vector(word) for word in words], dtype=np.float32)
        print(f"{len(words):,} words × {dim}", file=sys.stderr)
        out.parent.mkdir(parents=True, exist_ok=True)
        with cleanup_on_sigterm(), tempfile.TemporaryDirectory(prefix=".word-vectors-", dir=out.parent) as staging:
            new = Path(staging) / "new"
            new.mkdir()
            (new / "words.txt").write_text("".join(word + "\n" for word in words), encoding="utf-8")
            np.save(new / "vectors.npy", vectors, allow_pickle=False)
            meta = {"source": "../shared/corpora/xinwenlianbo/ (see its README)", "characters": chars,
                    "command": "python -m training.word_vectors " + " ".join(sys.argv[1:]), "analyser": analyser,
                    "floret": settings}
            (new / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            replace_directory(new, out, Path(staging) / "old")


if __name__ == "__main__":
    app()
