"""Sentence splitting of spec §1: the unit of text categorization.

A sentence ends after a run of `。！？!?` plus at most one closing quote, and at
every newline. Whitespace at a sentence's edges belongs to no sentence, and a
span of only whitespace is no sentence. `;` does not split.
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile("[。！？!?]+[”’」』\"]?")


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character offsets ``(start, end)`` of every sentence of ``text``, in order."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        piece_start = line_start
        for match in SENTENCE_END.finditer(line):
            span = _strip_span(text, piece_start, line_start + match.end())
            if span:
                spans.append(span)
            piece_start = line_start + match.end()
        span = _strip_span(text, piece_start, line_end)
        if span:
            spans.append(span)
        line_start = line_end + 1
    return spans
