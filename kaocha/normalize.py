"""The normalizer of annotation-spec §1: raw report text -> the annotated text.

Each rule of the spec is one small function, applied in the spec's order by
:func:`normalize`. Deterministic and idempotent: ``normalize(normalize(x)) ==
normalize(x)`` for every report text (see the tests for the one contrived
input on which the spec's own hard-wrap rule is not idempotent).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from kaocha.reading import ReportReadError, read_report

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR = re.compile(f"[{CJK}]")

# Step 2: a pinyin gloss is one lowercase syllable in brackets right after a
# character: `區(qū)`, `當(dāng)`. After a Han character any syllable counts (also
# toneless `的(de)`); after anything else only a syllable with a tone mark
# (mojibake such as `F(tuán)`), so `(a)` after Latin text is left alone.
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
SYLLABLE = f"[a-z{TONED}ü]{{1,6}}"
GLOSS_AFTER_HAN = re.compile(f"(?<=[{CJK}])[(（]{SYLLABLE}[)）]")
GLOSS_TONED = re.compile(f"(?<=[^\\s(（])[(（][a-zü]*[{TONED}][a-z{TONED}ü]*[)）]")

# Step 5: characters that end a sentence at the end of a line.
SENTENCE_FINAL = set("。！？!?”\"’」』…:)")
HARD_WRAP_MIN_LINES = 8
HARD_WRAP_WIDTH_SHARE = 0.6
HARD_WRAP_WIDTH_TOLERANCE = 2

# Step 6.
HORIZONTAL_SPACE = re.compile("[ \t\u3000\u00a0]+")
SPACE_BETWEEN_CJK_AND_DIGIT = re.compile(f"(?<=[{CJK}]) (?=[0-9])|(?<=[0-9]) (?=[{CJK}])")


def unify_line_endings(text: str) -> str:
    """Step 1: strip a BOM; `\\r\\n` and `\\r` become `\\n`."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def remove_pinyin_glosses(text: str) -> str:
    """Step 2: `區(qū)域` -> `區域`, until none is left (removing one can expose another)."""
    while True:
        cleaned = GLOSS_TONED.sub("", GLOSS_AFTER_HAN.sub("", text))
        if cleaned == text:
            return text
        text = cleaned


def apply_nfkc(text: str) -> str:
    """Step 3: Unicode NFKC (full-width ASCII becomes half-width)."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=1)
def _t2s_converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Step 4: Traditional -> Simplified with OpenCC `t2s`."""
    return _t2s_converter().convert(text)


def normalize_whitespace(paragraph: str) -> str:
    """Step 6, for one paragraph: strip, collapse spaces, drop spaces between CJK and digits."""
    paragraph = HORIZONTAL_SPACE.sub(" ", paragraph).strip()
    return SPACE_BETWEEN_CJK_AND_DIGIT.sub("", paragraph)


def ends_mid_sentence(line: str) -> bool:
    return bool(line) and line[-1] not in SENTENCE_FINAL


def is_hard_wrapped(lines: list[str]) -> bool:
    """Step 5's test, on the text's lines (whitespace-normalized here)."""
    widths = [len(line) for line in (normalize_whitespace(raw) for raw in lines) if line]
    if len(widths) < HARD_WRAP_MIN_LINES:
        return False
    largest_band = max(
        sum(low <= width <= low + HARD_WRAP_WIDTH_TOLERANCE for width in widths) for low in set(widths)
    )
    if largest_band < HARD_WRAP_WIDTH_SHARE * len(widths):
        return False
    mid_sentence = sum(ends_mid_sentence(normalize_whitespace(raw)) for raw in lines if normalize_whitespace(raw))
    return mid_sentence > len(widths) / 2


def unwrap_hard_lines(lines: list[str]) -> list[str]:
    """Step 5's joining: a line ending in whitespace ends a paragraph; others run on."""
    paragraphs: list[str] = []
    current = ""
    for raw in lines:
        if not raw.strip():
            continue  # blank lines are ignored inside hard-wrapped text
        current += raw.strip()
        if raw != raw.rstrip():
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def split_paragraphs(text: str) -> list[str]:
    """Step 5: paragraphs of the text, undoing PDF hard wraps where the file has them."""
    lines = text.split("\n")
    if is_hard_wrapped(lines):
        return unwrap_hard_lines(lines)
    return lines


def join_paragraphs(paragraphs: list[str]) -> str:
    """Steps 6-7: whitespace rules per paragraph, non-empty ones joined by `\\n`, one final `\\n`."""
    kept = [p for p in (normalize_whitespace(p) for p in paragraphs) if p]
    return "\n".join(kept) + "\n"


def normalize(text: str) -> str:
    """Turn decoded report text into the normalized text that annotations point into."""
    text = unify_line_endings(text)
    text = remove_pinyin_glosses(text)
    text = apply_nfkc(text)
    text = to_simplified(text)
    # A gloss can first become visible after NFKC (`⼀(a)` -> `一(a)`) or after
    # unwrapping joins `區` and `(qū)`; removing it again keeps normalize idempotent.
    return join_paragraphs(split_paragraphs(remove_pinyin_glosses(text)))


def has_text(normalized: str) -> bool:
    """False for a text that normalization left empty (whitespace only, U+3000 included)."""
    return bool(normalized.strip())


def normalize_file(path: str | Path, encoding: str | None = None) -> str:
    """Read a raw report (detecting or using ``encoding``) and normalize it.

    The one reading path of the corpus and the annotation tools: a file with
    no text left after normalization (only spaces, ideographic spaces, line
    breaks) is refused here, with the same words `kaocha score` uses."""
    text = normalize(read_report(path, encoding))
    if not has_text(text):
        raise ReportReadError(path, "no text left after normalization")
    return text
