"""Build ``kaocha/gazetteer/divisions.tsv`` from the admin-divisions gazetteer.

    python -m kaocha.gazetteer.build [--source ../shared/gazetteers/admin-divisions] [--out kaocha/gazetteer/divisions.tsv]

Reads ``provinces.csv``, ``cities.csv`` and ``areas.csv`` (NBS 2023 codes;
townships are left out: 41k rows the jurisdiction normalizer does not need)
and writes one row per division: ``code`` (6 digits, GB/T 2260 style),
``name``, ``level`` (province / prefecture / county), ``parent`` (the code of
the division it belongs to, empty for a province) and ``province``. The
placeholders ``市辖区`` (the districts of a municipality) and
``省直辖县级行政区划`` are not divisions: their counties hang from the
province directly. A prefecture without counties (东莞市) appears in
``areas.csv`` again under its own code; it is kept once, as a prefecture.
"""

from __future__ import annotations

import csv
from pathlib import Path

import typer

DEFAULT_SOURCE = Path("../shared/gazetteers/admin-divisions")
DEFAULT_OUT = Path(__file__).resolve().parent / "divisions.tsv"
PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
COLUMNS = ("code", "name", "level", "parent", "province")


class SourceError(ValueError):
    """The source gazetteer is missing a file or has a malformed row."""


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict]:
    if not path.exists():
        raise SourceError(f"{path}: missing (expected the admin-divisions gazetteer's {path.name})")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) [:len(columns)] != columns:
            raise SourceError(f"{path}: expected columns {','.join(columns)}, found {','.join(reader.fieldnames or [])}")
        rows = []
        for number, row in enumerate(reader, start=2):
            if not row["code"].isdigit() or not row["name"].strip():
                raise SourceError(f"{path}:{number}: malformed row {row}")
            rows.append(row)
        return rows


def build_divisions(source: Path) -> list[tuple[str, str, str, str, str]]:
    """The division rows (see module docstring), provinces first, then prefectures, then counties."""
    def six(code: str) -> str:
        return code.ljust(6, "0")

    provinces = _rows(source / "provinces.csv", ("code", "name"))
    cities = _rows(source / "cities.csv", ("code", "name", "provinceCode"))
    areas = _rows(source / "areas.csv", ("code", "name", "cityCode", "provinceCode"))
    out = [(six(p["code"]), p["name"], "province", "", six(p["code"])) for p in provinces]
    real_cities = set()
    for city in cities:
        if city["name"] in PLACEHOLDERS:
            continue
        real_cities.add(city["code"])
        out.append((six(city["code"]), city["name"], "prefecture", six(city["provinceCode"]), six(city["provinceCode"])))
    for area in areas:
        if six(area["code"]) == six(area["cityCode"]):
            continue  # 东莞市, 中山市, 儋州市: a prefecture without counties is listed again as its own area
        parent = area["cityCode"] if area["cityCode"] in real_cities else area["provinceCode"]
        out.append((six(area["code"]), area["name"], "county", six(parent), six(area["provinceCode"])))
    return out


def write_divisions(rows, out: Path) -> None:
    from kaocha.files import write_text_atomically

    lines = ["\t".join(COLUMNS)] + ["\t".join(row) for row in rows]
    write_text_atomically("\n".join(lines) + "\n", out)


def main(source: Path = typer.Option(DEFAULT_SOURCE, help="The admin-divisions gazetteer folder."),
         out: Path = typer.Option(DEFAULT_OUT, help="Where divisions.tsv goes.")) -> None:
    """Write the county-and-above division table the jurisdiction normalizer reads."""
    try:
        rows = build_divisions(source)
    except SourceError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    write_divisions(rows, out)
    typer.echo(f"wrote {out}: {len(rows)} divisions")


if __name__ == "__main__":
    typer.run(main)
