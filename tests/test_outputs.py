"""CSV for spreadsheets and aligned text tables."""

import io

import pandas as pd

from kaocha.outputs import clip, csv_text, display_width, escape_formula, text_table


def test_formula_cells_are_escaped_and_numbers_kept():
    for value in ("=SUM(A1)", "+1", "-x", "@cmd", "\tx"):
        assert escape_formula(value) == "'" + value
    assert escape_formula("北京市") == "北京市" and escape_formula(-3) == -3


def test_csv_reads_back_in_pandas_with_the_bom_and_escaped_cells():
    frame = pd.DataFrame({"report": ["=1+1", "r2"], "count": [-1, 2]})
    text = csv_text(frame)
    assert text.startswith("\ufeffreport,count\n")
    back = pd.read_csv(io.StringIO(text[1:]))
    assert list(back["report"]) == ["'=1+1", "r2"] and list(back["count"]) == [-1, 2]


def test_text_table_aligns_wide_characters_and_clips_long_cells():
    frame = pd.DataFrame({"official": ["尹力", "A"], "post": ["北京市委书记" * 10, "x"], "mentions": [4, 12]})
    lines = text_table(frame, max_width=20).splitlines()
    widths = {display_width(line) for line in lines[2:]}
    assert len(widths) == 1  # every row ends at the same column
    assert lines[2].endswith(" 4") and lines[3].endswith("12")
    assert "…" in lines[2] and display_width(clip("北京市委书记" * 10, 20)) <= 20
    assert text_table(frame.iloc[0:0]).splitlines()[-1] == "(no rows)"
