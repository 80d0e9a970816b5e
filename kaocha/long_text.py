"""Long reports in pieces the pipeline can take.

spaCy refuses a Doc longer than ``nlp.max_length`` (1,000,000 characters,
error E088), and its memory grows with the length of a Doc (about 5 KB per
character for this pipeline). A report longer than `CHUNK_CHARS` is
therefore cut into contiguous pieces: after a line break where there is one
in the window, else after a sentence end (spec §1), else, for a run of text
without either, at the window's edge (the only case where a sentence is
split). Pieces cut at line breaks or sentence ends give the same sentences
as the whole text; the rule features still see the whole report (each piece
carries it as its report context), and the results are joined with offsets
into the whole text (`kaocha.batch`, one batch of at most `CHUNK_CHARS`
characters in memory at a time).
"""

from __future__ import annotations

from kaocha.sentences import SENTENCE_END

#: Longest piece given to the pipeline at once. Reports are rarely longer
#: than a few thousand characters, so ordinary reports are never cut.
CHUNK_CHARS = 50_000


def chunk_spans(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Contiguous ``(start, end)`` pieces covering ``text``, none longer than ``limit``."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window_end = start + limit
        cut = text.rfind("\n", start, window_end) + 1
        if cut <= start:
            ends = [m.end() for m in SENTENCE_END.finditer(text, start, window_end) if m.end() < window_end]
            cut = ends[-1] if ends else window_end
        spans.append((start, cut))
        start = cut
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans
