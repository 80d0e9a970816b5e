"""`python -m training.vectors`: static character vectors from unlabelled news text.

The model sees only the annotated characters; vectors trained on ~9.7M
characters of official evening-news transcripts (`../shared/corpora/xinwenlianbo/`,
the register of the reports; see its README) bring what those characters
share with others they occur beside. The transcripts are normalized as
reports are (spec §1), split into characters (the pipeline's tokens), and
given to floret in plain fastText mode (skipgram; no subwords: a character
has none). The vectors are then converted with ``spacy init vectors`` into
the directory ``[initialize] vectors`` of a config names.

The text never enters the repository; the vectors directory (derived data)
may be committed with this command. Deterministic for a given floret
version with ``--threads 1``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import typer

from kaocha.files import cleanup_on_sigterm, replace_directory
from kaocha.normalize import normalize

app = typer.Typer(add_completion=False)

DEFAULT_CORPUS = Path("../shared/corpora/xinwenlianbo/news")


def character_lines(corpus: Path):
    """One line of space-separated characters per paragraph of each normalized transcript."""
    files = sorted(corpus.glob("*.md"))
    if not files:
        raise FileNotFoundError(f"{corpus}: no *.md transcripts (see ../shared/corpora/xinwenlianbo/README.md)")
    for path in files:
        for paragraph in normalize(path.read_text(encoding="utf-8")).split("\n"):
            chars = [c for c in paragraph if not c.isspace()]
            if chars:
                yield " ".join(chars)


@app.command()
def main(
    corpus: Path = typer.Option(DEFAULT_CORPUS, help="Folder of the news transcripts (*.md)."),
    out: Path = typer.Option(Path("assets/vectors"), help="spaCy vectors directory to write."),
    dim: int = typer.Option(64, help="Vector width."),
    epochs: int = typer.Option(5, help="Passes over the text."),
    min_count: int = typer.Option(5, help="Characters seen fewer times get no vector."),
    threads: int = typer.Option(1, help="floret threads (1 is deterministic)."),
) -> None:
    """Train character vectors on the news transcripts and write them as a spaCy vectors directory."""
    import floret

    try:
        lines = list(character_lines(corpus))
    except (OSError, FileNotFoundError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    with tempfile.TemporaryDirectory(prefix="kaocha-vectors-") as tmp:
        text = Path(tmp) / "chars.txt"
        text.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{sum((len(line) + 1) // 2 for line in lines):,} characters in {len(lines):,} paragraphs", file=sys.stderr)
        model = floret.train_unsupervised(str(text), model="skipgram", mode="fasttext", dim=dim, epoch=epochs,
                                          minCount=min_count, minn=0, maxn=0, thread=threads, verbose=0)
        vec = Path(tmp) / "chars.vec"
        words = model.get_words()
        with open(vec, "w", encoding="utf-8") as f:
            f.write(f"{len(words)} {dim}\n")
            for word in words:
                f.write(word + " " + " ".join(f"{x:.5f}" for x in model.get_word_vector(word)) + "\n")
        out.parent.mkdir(parents=True, exist_ok=True)
        with cleanup_on_sigterm(), tempfile.TemporaryDirectory(prefix=".vectors-", dir=out.parent) as staging:
            new = Path(staging) / "new"
            subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "zh", str(vec), str(new)],
                           check=True, stdout=subprocess.DEVNULL)
            replace_directory(new, out, Path(staging) / "old")  # whole or untouched; the old one is removed with staging
    print(f"wrote {out} ({len(words):,} characters × {dim})")


if __name__ == "__main__":
    app()
