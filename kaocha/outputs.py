"""The tabular outputs of `kaocha score`: CSV for spreadsheets, aligned text tables for a terminal.

CSV starts with a UTF-8 byte-order mark, without which spreadsheet programs
read UTF-8 Chinese as mojibake, and a text cell that begins with ``= + - @``
(or a tab or carriage return) gets a leading apostrophe, so that a file or
report named ``=HYPERLINK(…)`` is shown as text and never run as a formula.
"""

from __future__ import annotations

import json
import unicodedata

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def jsonl_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def escape_formula(value):
    """``'=1+1`` for ``=1+1``: spreadsheets show it as text (numbers are left alone)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(frame) -> str:
    """A pandas table as CSV with a BOM and formula-looking text cells escaped."""
    from pandas.api.types import is_numeric_dtype

    safe = frame.copy()
    for column in safe.columns:
        if not is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(escape_formula)
    return BOM + safe.to_csv(index=False)


def display_width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clip(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        w = display_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "…"


def text_table(frame, max_width: int = 40) -> str:
    """A pandas table as aligned columns (CJK counted as two columns wide),
    cells longer than ``max_width`` columns clipped with …"""
    def cell(value) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return ""
        if isinstance(value, float):
            return f"{value:.2f}"
        return clip(" ".join(str(value).split()), max_width)

    header = [str(c) for c in frame.columns]
    rows = [[cell(v) for v in row] for row in frame.itertuples(index=False)]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    numeric = [frame[c].dtype.kind in "iuf" for c in frame.columns]

    def line(cells):
        padded = []
        for text, width, right in zip(cells, widths, numeric):
            pad = " " * (width - display_width(text))
            padded.append(pad + text if right else text + pad)
        return "  ".join(padded).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths)]
    lines.extend(line(r) for r in rows)
    if not rows:
        lines.append("(no rows)")
    return "\n".join(lines) + "\n"
