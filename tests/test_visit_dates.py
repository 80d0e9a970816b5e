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
    # datelines and days relative to them
    ("本报广州4月14日电 代表团今天中午抵达广州,开始学习考察。", None, ("--04-14", "--04-14")),
    ("发布时间:2019-08-27 12:14\n昨日,市委书记率队在沈阳学习考察。", None, ("2019-08-26", "2019-08-26")),
    ("2016-07-07 23:05\n上海市党政代表团今天(7日)来到果洛学习考察。", None, ("2016-07-07", "2016-07-07")),
    ("2015-10-26\n21日至24日,代表团赴云南考察。", None, ("2015-10-21", "2015-10-24")),
    ("10月31日,代表团赴某市考察。1日上午返回。", None, ("--10-31", "--11-01")),
    # the earliest day of the visit's sentences, and a range's end
    ("3月30日,记者获悉:3月28日至30日,代表团赴上海学习考察。", None, ("--03-28", "--03-30")),
    # a page date far from the visit gives no year
    ("2023年03月29日 星期三\n发布日期:2018-06-29\n6月28日,代表团来济考察。", None, ("2018-06-28", "2018-06-28")),
    ("2019-10-02\n12月13日,代表团赴某市考察。", None, ("--12-13", "--12-13")),
    # a year the body names in passing is not the visit's
    ("5月23日,代表团赴廊坊考察,落实2024年座谈会精神。", None, ("--05-23", "--05-23")),
    # vague or open
    ("近日,某县党政代表团赴某市考察。", None, (None, None)),
    ("日前,代表团赴上海考察学习。", {"date": "2020-05-01"}, (None, None)),
    ("7月12日起,代表团赴新疆考察,为期一周。", None, ("--07-12", None)),
    ("4月11日,代表团飞抵湖南,进行为期4天的学习考察。", None, ("--04-11", None)),
    ("中新网4月15日电 日前,县委常委率队到丽水考察交流。", None, (None, None)),
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
