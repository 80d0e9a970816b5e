"""Rule knowledge shipped as data files in `data/` beside this module.

Title words, organs, surnames, place suffixes and area keywords are generic
knowledge of the genre, read by this version's rules (`rules.py` here).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

DATA = resources.files(__package__).joinpath("data")


def _words(name: str) -> list[str]:
    text = DATA.joinpath(name).read_text(encoding="utf-8")
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


def _grouped(name: str) -> dict[str, list[str]]:
    """Rows `KEY<TAB>word` of a data file, grouped by key (comments and blank lines skipped)."""
    text = DATA.joinpath(name).read_text(encoding="utf-8")
    groups: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, word = line.split("\t", 1)
        groups.setdefault(key.strip(), []).append(word)
    return groups


@lru_cache(maxsize=None)
def area_keywords() -> dict[str, tuple[str, ...]]:
    return {label: tuple(w.strip() for w in words) for label, words in _grouped("area_keywords.tsv").items()}


@lru_cache(maxsize=None)
def cue_words() -> dict[str, tuple[str, ...]]:
    """Cue words by kind (see `data/cue_words.tsv`), longest first. Words are
    not stripped: the space in `name_after1` is a cue."""
    return {kind: tuple(sorted(dict.fromkeys(words), key=len, reverse=True)) for kind, words in _grouped("cue_words.tsv").items()}
