"""Cutting long reports into pieces the pipeline can take."""

from hypothesis import given, strategies as st

from kaocha.long_text import chunk_spans
from kaocha.sentences import sentence_spans


def covers(text, spans, limit):
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(0 < end - start <= limit for start, end in spans) or text == ""


def test_short_text_is_one_piece():
    assert chunk_spans("北京。\n上海。\n", 100) == [(0, 8)]


def test_cuts_after_line_breaks_first():
    text = "甲" * 40 + "。\n" + "乙" * 40 + "。\n" + "丙" * 40 + "。\n"
    spans = chunk_spans(text, 90)
    covers(text, spans, 90)
    assert all(text[end - 1] == "\n" for _, end in spans[:-1])


def test_cuts_after_sentence_ends_inside_a_long_paragraph_with_the_same_sentences():
    text = "".join(f"第{i}句话说的是合作。" for i in range(300))
    spans = chunk_spans(text, 500)
    covers(text, spans, 500)
    assert len(spans) > 1 and all(text[end - 1] == "。" for _, end in spans[:-1])
    pieces = [(s + start, e + start) for start, end in spans for s, e in sentence_spans(text[start:end])]
    assert pieces == sentence_spans(text)


def test_text_without_breaks_is_cut_at_the_limit():
    text = "无" * 1050
    assert chunk_spans(text, 500) == [(0, 500), (500, 1000), (1000, 1050)]


@given(st.text(alphabet="甲乙。！\n ”a", max_size=400), st.integers(min_value=1, max_value=60))
def test_pieces_always_cover_the_text_within_the_limit(text, limit):
    spans = chunk_spans(text, limit)
    if text:
        covers(text, spans, limit)
    else:
        assert spans == [(0, 0)]
