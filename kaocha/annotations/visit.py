"""The visit record of spec §5: who visited whom, when, led by whom, and each official's side.

One ``visit`` object per report::

    {"visitor": ["北京市"], "host": ["上海市"], "start": "2023-07-12", "end": "2023-07-13",
     "leaders": ["尹力"], "sides": {"尹力": "visiting", "陈吉宁": "host"}}

:func:`parse_visit` turns the JSON of a standoff or interchange record into a
:class:`Visit` (raising :class:`ValueError` naming the field);
:func:`visit_problems` checks a visit against the report's OFFICIAL names.
In a sheet the record is a block of ``@field<TAB>value`` lines (:func:`visit_sheet_lines`,
:func:`parse_visit_lines`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

SIDES = ("visiting", "host", "other")
VISIT_FIELDS = ("visitor", "host", "start", "end", "leaders", "sides")
LIST_SEPARATOR = "、"
EMPTY = "-"
UNFILLED = "?"
FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEARLESS_DATE = re.compile(r"^--(\d{2})-(\d{2})$")


@dataclass
class Visit:
    visitor: list[str] = field(default_factory=list)
    host: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    leaders: list[str] = field(default_factory=list)
    sides: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"visitor": list(self.visitor), "host": list(self.host), "start": self.start, "end": self.end,
                "leaders": list(self.leaders), "sides": dict(self.sides)}


def date_problem(value: str | None) -> str | None:
    """Why ``value`` is not ``YYYY-MM-DD``, ``--MM-DD`` or null; None when it is fine."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{value!r} is not a string or null"
    try:
        if FULL_DATE.match(value):
            dt.date.fromisoformat(value)
            return None
        yearless = YEARLESS_DATE.match(value)
        if yearless:
            dt.date(2000, int(yearless.group(1)), int(yearless.group(2)))  # a leap year admits --02-29
            return None
    except ValueError:
        return f"{value!r} is not a real day"
    return f"{value!r} is not YYYY-MM-DD, --MM-DD or null"


def _string_list(raw, name: str) -> list[str]:
    # a tuple too: spaCy's DocBin gives user_data lists back as tuples
    if not isinstance(raw, (list, tuple)) or not all(isinstance(item, str) and item.strip() for item in raw):
        raise ValueError(f"visit field {name!r} must be a list of non-empty strings, got {raw!r}")
    return list(raw)


def parse_visit(raw) -> Visit:
    """A :class:`Visit` from its JSON object; structure only (dates and names are :func:`visit_problems`' job)."""
    if not isinstance(raw, dict):
        raise ValueError(f"'visit' must be a JSON object, got {type(raw).__name__}")
    missing = [name for name in VISIT_FIELDS if name not in raw]
    unknown = sorted(set(raw) - set(VISIT_FIELDS))
    if missing or unknown:
        raise ValueError("'visit' " + "; ".join(
            ([f"lacks field(s) {', '.join(missing)}"] if missing else []) + ([f"has unknown field(s) {', '.join(unknown)}"] if unknown else [])))
    sides = raw["sides"]
    if not isinstance(sides, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in sides.items()):
        raise ValueError(f"visit field 'sides' must map names to sides, got {sides!r}")
    for name in ("start", "end"):
        if raw[name] is not None and not isinstance(raw[name], str):
            raise ValueError(f"visit field {name!r} must be a string or null, got {raw[name]!r}")
    return Visit(_string_list(raw["visitor"], "visitor"), _string_list(raw["host"], "host"), raw["start"], raw["end"],
                 _string_list(raw["leaders"], "leaders"), dict(sides))


def visit_problems(visit: Visit, official_names: list[str]) -> list[str]:
    """Problems of ``visit`` against the report's OFFICIAL names (each problem names its field)."""
    date_problems = [f"visit {name}: {problem}" for name in ("start", "end")
                     if (problem := date_problem(getattr(visit, name)))]
    problems = list(date_problems)
    if visit.start is None and visit.end is not None:
        problems.append("visit start: null while end is given (a text that dates the end dates the start)")
    elif not date_problems and visit.end and visit.start and visit.start[:2] != "--" and visit.end[:2] != "--" and visit.end < visit.start:
        problems.append(f"visit end: {visit.end} is before start {visit.start}")
    names = set(official_names)
    for side_name, side in visit.sides.items():
        if side not in SIDES:
            problems.append(f"visit sides: {side_name} has side {side!r}, not one of {', '.join(SIDES)}")
        if side_name not in names:
            problems.append(f"visit sides: {side_name} is not an OFFICIAL name of the report")
    for name in sorted(names - set(visit.sides)):
        problems.append(f"visit sides: OFFICIAL {name} has no side")
    for leader in visit.leaders:
        if leader not in names:
            problems.append(f"visit leaders: {leader} is not an OFFICIAL name of the report")
    if len(set(visit.leaders)) != len(visit.leaders):
        problems.append("visit leaders: a name is listed twice")
    return problems


SHEET_HELP = f"""# Visit record (spec §5): one '@field<TAB>value' line each; replace every {UNFILLED}.
# visitor, host, leaders: names joined by {LIST_SEPARATOR}, or {EMPTY} for none. start, end: YYYY-MM-DD, --MM-DD, or {EMPTY} for null.
# One '@side<TAB>NAME<TAB>visiting|host|other' line per distinct OFFICIAL name of the report."""


def visit_sheet_lines(visit: Visit | None, official_names: list[str] = ()) -> list[str]:
    """The sheet block for ``visit``; when None, a template with an unfilled @side line per known OFFICIAL name."""
    def join(values: list[str]) -> str:
        return LIST_SEPARATOR.join(values) or EMPTY

    if visit is None:
        return ([SHEET_HELP] + [f"@{name}\t{UNFILLED}" for name in VISIT_FIELDS[:-1]]
                + [f"@side\t{name}\t{UNFILLED}" for name in official_names])
    lines = [SHEET_HELP, f"@visitor\t{join(visit.visitor)}", f"@host\t{join(visit.host)}",
             f"@start\t{visit.start or EMPTY}", f"@end\t{visit.end or EMPTY}", f"@leaders\t{join(visit.leaders)}"]
    lines += [f"@side\t{name}\t{side}" for name, side in visit.sides.items()]
    return lines


def parse_visit_lines(rows: list[tuple[int, str]], source: str) -> Visit | None:
    """A :class:`Visit` from a sheet's ``(line number, '@…' line)`` rows; None when the sheet has none."""
    if not rows:
        return None
    values: dict[str, str] = {}
    sides: dict[str, str] = {}
    for number, line in rows:
        where = f"{source}:{number}"
        parts = [part.strip() for part in line[1:].split("\t")]
        name = parts[0]
        if name == "side":
            if len(parts) != 3 or not parts[1]:
                raise ValueError(f"{where}: expected '@side<TAB>NAME<TAB>visiting|host|other'")
            if parts[1] in sides:
                raise ValueError(f"{where}: {parts[1]} has two @side lines")
            sides[parts[1]] = parts[2]
            continue
        if name not in VISIT_FIELDS[:-1] or len(parts) != 2:
            raise ValueError(f"{where}: expected '@FIELD<TAB>value' with FIELD one of {', '.join(VISIT_FIELDS[:-1])}, or an @side line")
        if name in values:
            raise ValueError(f"{where}: @{name} given twice")
        if parts[1] in ("", UNFILLED):
            raise ValueError(f"{where}: @{name} is not filled in (write {EMPTY} for none)")
        values[name] = parts[1]
    missing = [name for name in VISIT_FIELDS[:-1] if name not in values]
    if missing:
        raise ValueError(f"{source}: visit record lacks @{', @'.join(missing)}")

    def split(value: str) -> list[str]:
        return [] if value == EMPTY else [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]

    def date(value: str) -> str | None:
        return None if value == EMPTY else value

    return Visit(split(values["visitor"]), split(values["host"]), date(values["start"]), date(values["end"]),
                 split(values["leaders"]), sides)
