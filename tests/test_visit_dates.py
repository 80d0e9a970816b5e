"""Visit days from date expressions (kaocha.visit_dates)."""

import pytest

from kaocha.visit_dates import cn_number, date_mentions, visit_dates

LEAD = "代表团赴上海市学习考察。"


@pytest.mark.parametrize("text, meta, expected", [
    # ranges
    ("7月12日至13日,北京市党政代表团赴上海市学习考察。", None, ("--07-12", "--07-13")),
    ("2017年8月9日至10日,浙江省党政代表团到青海考察。", None, ("2017-08-09", "2017-08-10")),
    ("7月30日至8月2日," + LEAD, None, ("--07-30", "--08-02")),
    ("9月20号至22号,考察团来到鹤峰县考察。", None, ("--09-20", "--09-22")),
    ("4月26-28日,广西党政代表团赴贵州省开展学习考察。", None, ("--04-26", "--04-28")),
    ("12月28日至1月2日," + LEAD, {"date": "2024-01-05"}, ("2023-12-28", "2024-01-02")),
    # one day; later days alone extend the visit
    ("8月14日下午,考察团来我市参观考察。", None, ("--08-14", "--08-14")),
    ("7月12日," + LEAD + "12日下午参观。13日上午座谈。", None, ("--07-12", "--07-13")),
    # the year from the dateline, or from metadata; December visits published in January
    ("2023年12月26日15:02\n12月25日至26日,考察团来我市考察交流。", None, ("2023-12-25", "2023-12-26")),
    ("发布时间:2023-05-26\n525日,宜春市委考察组到玉山考察。", None, ("2023-05-25", "2023-05-25")),  # 525日 as meant
    ("8月14日下午,考察团来我市参观考察。", {"date": "2019-08-15"}, ("2019-08-14", "2019-08-14")),
    ("12月28日," + LEAD, {"date": "2024-01-03"}, ("2023-12-28", "2023-12-28")),
    ("七月十二日," + LEAD, None, ("--07-12", "--07-12")),
    # vague or open
    ("近日,某县党政代表团赴某市考察。", None, (None, None)),
    ("日前,代表团赴上海考察学习。", {"date": "2020-05-01"}, (None, None)),
    ("7月12日起,代表团赴新疆考察,为期一周。", None, ("--07-12", None)),
    ("代表团赴上海市学习考察。", None, (None, None)),
])
def test_visit_dates(text, meta, expected):
    assert visit_dates(text, meta) == expected


def test_a_publication_stamp_is_not_a_visit_day():
    mentions = date_mentions("2023年12月26日15:02 来源:某网\n12月25日,代表团来我市考察。")
    assert [m.stamp for m in mentions] == [True, False]


@pytest.mark.parametrize("text, value", [("12", 12), ("十二", 12), ("二十", 20), ("三十一", 31), ("七", 7), ("十", 10)])
def test_chinese_numbers(text, value):
    assert cn_number(text) == value
