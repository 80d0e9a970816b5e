"""Rule knowledge shipped as data files in `kaocha/data/`.

Title words, organs, surnames, place suffixes and area keywords are generic
knowledge of the genre. The regex baseline, the annotation lint and the
model's rule features all read them from here, so there is one copy.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


def _words(name: str) -> list[str]:
    text = resources.files("kaocha.data").joinpath(name).read_text(encoding="utf-8")
    words: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        words.extend(line.split())
    return list(dict.fromkeys(words))


@lru_cache(maxsize=None)
def surnames() -> tuple[str, ...]:
    return tuple(_words("surnames.txt"))


@lru_cache(maxsize=None)
def title_words() -> tuple[str, ...]:
    return tuple(sorted(_words("titles.txt"), key=len, reverse=True))


@lru_cache(maxsize=None)
def organs() -> tuple[str, ...]:
    return tuple(sorted(_words("organs.txt"), key=len, reverse=True))


@lru_cache(maxsize=None)
def place_suffixes() -> tuple[str, ...]:
    return tuple(sorted(_words("place_suffixes.txt"), key=len, reverse=True))


@lru_cache(maxsize=None)
def area_keywords() -> dict[str, tuple[str, ...]]:
    text = resources.files("kaocha.data").joinpath("area_keywords.tsv").read_text(encoding="utf-8")
    keywords: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, word = line.split("\t")
        keywords.setdefault(label.strip(), []).append(word.strip())
    return {label: tuple(words) for label, words in keywords.items()}


@lru_cache(maxsize=None)
def cue_words() -> dict[str, tuple[str, ...]]:
    """Cue words by kind (see `kaocha/data/cue_words.tsv`), longest first."""
    text = resources.files("kaocha.data").joinpath("cue_words.tsv").read_text(encoding="utf-8")
    cues: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, word = line.split("\t", 1)
        cues.setdefault(kind.strip(), []).append(word)
    return {kind: tuple(sorted(dict.fromkeys(words), key=len, reverse=True)) for kind, words in cues.items()}
