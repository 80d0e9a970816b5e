"""Tables for analysis: visits, officials, people (kaocha.visit_tables)."""

from dataclasses import dataclass, field

import pandas as pd

from kaocha.annotations.visit import Visit
from kaocha.visit_tables import OFFICIAL_COLUMNS, PEOPLE_COLUMNS, VISIT_COLUMNS, officials, people, visits

from visit_fixtures import fixture_report, synthetic_reports


@dataclass
class Entity:
    label: str
    text: str
    start: int
    end: int


@dataclass
class ReportLike:
    """The shape of kaocha.Report: text, entities, id, extra."""
    text: str
    entities: list
    id: str | None = None
    extra: dict = field(default_factory=dict)
    visit: object = None


def as_report_like(report, **extra):
    return ReportLike(report.text, [Entity(s.label, report.text[s.start:s.end], s.start, s.end) for s in report.spans],
                      report.id, dict(extra))


def test_visits_table_one_row_per_report_with_codes():
    report = as_report_like(fixture_report(), title="河北省党政代表团赴天津市学习考察", date="2023-07-20", source="https://example.org/a")
    table = visits([report])
    assert list(table.columns) == VISIT_COLUMNS and len(table) == 1
    row = table.iloc[0]
    assert (row.visitor, row.visitor_code, row.host, row.host_code) == ("河北省", "130000", "天津市", "120000")
    assert (row.start, row.end, row.published, row.leaders) == ("2023-07-12", "2023-07-13", "2023-07-20", "王一")
    assert row.source == "https://example.org/a"


def test_a_given_visit_is_used_as_it_is():
    report = as_report_like(fixture_report())
    report.visit = Visit(["北京市"], ["上海市"], "2020-01-02", "2020-01-02", [], {}).to_dict()
    row = visits([report]).iloc[0]
    assert (row.visitor, row.host_code) == ("北京市", "310000")


def test_officials_table_codes_posts_and_sides():
    table = officials([as_report_like(fixture_report())])
    assert list(table.columns) == OFFICIAL_COLUMNS
    zhao = table[table.name == "赵三"].iloc[0]
    assert zhao.posts == "市委副书记、市长" and zhao.jurisdiction == "天津市" and zhao.jurisdiction_code == "120000"
    assert (zhao.post_type, zhao.post_level, zhao.side) == ("deputy_party_secretary", "provincial", "host")
    wang = table[table.name == "王一"].iloc[0]
    assert wang.leader and wang.side == "visiting" and wang.province == "河北省"
    assert len(table) == 6 and table.name.is_unique


def test_people_groups_the_same_official_across_reports():
    first = as_report_like(fixture_report(), date="2023-07-20")
    second = as_report_like(fixture_report(), date="2024-03-01")
    second.id = "fixture-2"
    second.visit = Visit(["河北省"], ["天津市"], "2024-02-27", "2024-02-28", ["王一"], {"王一": "visiting"}).to_dict()
    table = people([first, second])
    assert list(table.columns) == PEOPLE_COLUMNS
    wang = table[table.name == "王一"]
    assert len(wang) == 1
    row = wang.iloc[0]
    assert (row.province, row.n_reports, row.first_date, row.last_date) == ("河北省", 2, "2023-07-12", "2024-02-27")
    assert row.posts == "河北省委书记"
    assert pd.isna(table[table.name == "张四"].iloc[0].province)  # no post, no province: not guessed


def test_tables_from_many_reports():
    reports = [as_report_like(r) for r in synthetic_reports(6)]
    assert len(visits(reports)) == 6
    assert set(officials(reports).report) == {r.id for r in reports}
