"""Gazetteer table and jurisdiction normalizer (kaocha.gazetteer, kaocha.jurisdictions)."""

import csv

import pytest

from kaocha.gazetteer.build import SourceError, build_divisions
from kaocha.jurisdictions import gazetteer, normalize_jurisdiction, short_forms, within

from conftest import SHARED


@pytest.mark.parametrize("written, name, code, level, province", [
    ("广西", "广西壮族自治区", "450000", "province", "广西壮族自治区"),
    ("内蒙古自治区", "内蒙古自治区", "150000", "province", "内蒙古自治区"),
    ("湘西州", "湘西土家族苗族自治州", "433100", "prefecture", "湖南省"),
    ("黔西南州", "黔西南布依族苗族自治州", "522300", "prefecture", "贵州省"),
    ("天津市", "天津市", "120000", "province", "天津市"),
    ("辽宁省朝阳市", "朝阳市", "211300", "prefecture", "辽宁省"),
    ("四川省甘孜藏族自治州乡城县", "乡城县", "513336", "county", "四川省"),
    ("内蒙古乌兰察布市", "乌兰察布市", "150900", "prefecture", "内蒙古自治区"),
    ("陜西省", "陕西省", "610000", "province", "陕西省"),  # variant character
    ("海南", "海南省", "460000", "province", "海南省"),  # a province's short form wins over 海南藏族自治州's
    ("吉林市", "吉林市", "220200", "prefecture", "吉林省"),
    ("浦东新区", "浦东新区", "310115", "county", "上海市"),
    ("代县", "代县", "140923", "county", "山西省"),
])
def test_names_and_short_forms_map_to_a_division(written, name, code, level, province):
    j = normalize_jurisdiction(written)
    assert (j.name, j.code, j.level, j.province, j.problem) == (name, code, level, province, None)
    assert j.written == written and j.known


@pytest.mark.parametrize("written, problem", [
    ("西咸新区", "not in the gazetteer"),
    ("副市", "not in the gazetteer"),
    ("自治区", "not in the gazetteer"),
    ("朝阳区", "ambiguous"),  # Beijing's and Changchun's
])
def test_unknown_or_ambiguous_names_stay_as_written_and_are_flagged(written, problem):
    j = normalize_jurisdiction(written)
    assert j.name == written and j.code is None and not j.known
    assert j.problem.startswith(problem)


def test_what_the_text_gives_of_an_unknown_name_is_kept():
    j = normalize_jurisdiction("江苏省南京经济技术开发区")
    assert j.code is None and j.province == "江苏省" and j.prefecture == "南京市"


def test_context_chooses_between_divisions_of_the_same_name():
    beijing = normalize_jurisdiction("北京市")
    changchun = normalize_jurisdiction("长春市")
    assert normalize_jurisdiction("朝阳区", [beijing]).code == "110105"
    assert normalize_jurisdiction("朝阳区", [changchun]).province == "吉林省"


def test_within_uses_codes():
    assert within(normalize_jurisdiction("河北省临城县"), normalize_jurisdiction("河北省"))
    assert not within(normalize_jurisdiction("河北省"), normalize_jurisdiction("河北省临城县"))
    assert not within(normalize_jurisdiction("天津市"), normalize_jurisdiction("河北省"))


def test_short_forms_drop_peoples_names():
    division = gazetteer().by_code["433100"]
    assert {"湘西州", "湘西"} <= set(short_forms(division))
    assert "广西" in short_forms(gazetteer().by_code["450000"])


def test_table_has_every_level_and_unique_codes():
    gaz = gazetteer()
    levels = {d.level for d in gaz.by_code.values()}
    assert levels == {"province", "prefecture", "county"}
    assert sum(d.level == "province" for d in gaz.by_code.values()) == 31
    for division in gaz.by_code.values():  # every parent exists and lies in the same province
        if division.parent:
            assert gaz.by_code[division.parent].province == division.province


def test_the_packaged_table_is_what_the_build_script_makes():
    source = SHARED / "gazetteers" / "admin-divisions"
    if not source.exists():
        pytest.fail(f"{source} is missing: the gazetteer source sits beside the checkout in ../shared")
    rows = build_divisions(source)
    packaged = gazetteer()
    assert len(rows) == len(packaged.by_code)
    assert all(packaged.by_code[code].name == name for code, name, *_ in rows)


def test_build_names_the_missing_or_malformed_file(tmp_path):
    with pytest.raises(SourceError, match="provinces.csv"):
        build_divisions(tmp_path)
    (tmp_path / "provinces.csv").write_text("code,name\nxx,北京市\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"provinces.csv:2"):
        build_divisions(tmp_path)
