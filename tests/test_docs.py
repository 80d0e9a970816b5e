"""The user documentation names every output field, table column and area code."""

import json
import re
from pathlib import Path

from kaocha.labels import CATEGORY_LABELS
from kaocha.report_page import AREA_MEANINGS

ROOT = Path(__file__).resolve().parent.parent
FIELDS = (ROOT / "docs" / "fields.md").read_text(encoding="utf-8")
SCHEMA = json.loads((ROOT / "kaocha" / "schema" / "report.schema.json").read_text(encoding="utf-8"))


def property_names(node) -> set[str]:
    names = set()
    if isinstance(node, dict):
        names |= set(node.get("properties", {}))
        for value in node.values():
            names |= property_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= property_names(value)
    return names


def test_every_record_field_is_defined():
    top = re.findall(r"^\| `(\w+)` \|", FIELDS.split("## JSONL")[1].split("## Tables")[0], re.M)
    assert set(SCHEMA["properties"]) <= set(top)
    missing = [name for name in property_names(SCHEMA) if f"`{name}`" not in FIELDS]
    assert missing == []


def test_every_table_column_is_defined(small_model, seeds_dir):
    import kaocha

    report = kaocha.extract_file(sorted(seeds_dir.glob("*.txt"))[0], nlp=kaocha.load(small_model))
    tables = FIELDS.split("## Tables")[1].split("## The report page")[0]
    for name, frame in kaocha.to_dataframes([report]).items():
        section = tables.split(f"`{name}`", 1)[1].split("\n\n`", 1)[0]
        documented = {c for cell in re.findall(r"^\| (`[^|]+`) \|", section, re.M) for c in re.findall(r"`(\w+)`", cell)}
        assert set(frame.columns) == documented, name


def test_the_nine_area_codes_are_listed_with_their_meaning():
    codes = re.findall(r"^\| `([A-Z_]+)` \|", FIELDS, re.M)
    assert codes == list(CATEGORY_LABELS)
    assert list(AREA_MEANINGS) == list(CATEGORY_LABELS)
