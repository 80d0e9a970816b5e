"""Hand-made reports (not third-party text) with their gold visit records, for the visit tests.

Written with ⟦text|LABEL⟧ marks; :func:`synthetic_reports` varies places,
names, dates and the writer's side over two templates so the side model has
something to learn from, and :data:`FIXTURE` is the report checked by hand.
"""

from __future__ import annotations

import itertools

from kaocha.annotations.markup import parse_marked
from kaocha.annotations.records import AnnotatedReport, Sentence, Span
from kaocha.annotations.visit import Visit
from kaocha.sentences import sentence_spans

FIXTURE_MARKED = (
    "河北省党政代表团赴天津市学习考察\n"
    "7月12日至13日,⟦河北省委书记|POST⟧⟦王一|OFFICIAL⟧率河北省党政代表团赴天津市学习考察。"
    "⟦天津市委书记|POST⟧⟦李二|OFFICIAL⟧,⟦市委副书记|POST⟧、⟦市长|POST⟧⟦赵三|OFFICIAL⟧陪同考察。\n"
    "12日下午,代表团参观了天津港。13日上午,两地举行座谈会,⟦李二|OFFICIAL⟧主持会议,⟦王一|OFFICIAL⟧讲话。"
    "河北省领导⟦张四|OFFICIAL⟧、⟦刘五|OFFICIAL⟧参加考察。\n"
    "⟦王一|OFFICIAL⟧表示,要深入学习贯彻⟦习近平|OFFICIAL⟧⟦总书记|POST⟧重要讲话精神。\n")
FIXTURE_VISIT = Visit(["河北省"], ["天津市"], "--07-12", "--07-13", ["王一"],
                      {"王一": "visiting", "李二": "host", "赵三": "host", "张四": "visiting", "刘五": "visiting",
                       "习近平": "other"})

VISITOR_WRITES = (
    "{V}党政代表团赴{H}学习考察\n"
    "{m}月{d1}日至{d2}日,⟦{V}委书记|POST⟧⟦{a}|OFFICIAL⟧率{V}党政代表团赴{H}学习考察。"
    "⟦{H}委书记|POST⟧⟦{b}|OFFICIAL⟧,⟦{h}委副书记|POST⟧、⟦{h}长|POST⟧⟦{c}|OFFICIAL⟧陪同考察。\n"
    "{d1}日下午,代表团参观了产业园。两地举行座谈会,⟦{b}|OFFICIAL⟧主持会议,⟦{a}|OFFICIAL⟧讲话。"
    "{V}领导⟦{e}|OFFICIAL⟧、⟦{f}|OFFICIAL⟧参加考察。\n"
    "⟦{a}|OFFICIAL⟧表示,要深入学习贯彻⟦习近平|OFFICIAL⟧⟦总书记|POST⟧重要讲话精神。\n")
HOST_WRITES = (
    "{V}党政代表团来我{h}考察\n"
    "{m}月{d1}日,⟦{V}委书记|POST⟧⟦{a}|OFFICIAL⟧率{V}党政代表团来我{h}考察。"
    "⟦{h}委书记|POST⟧⟦{b}|OFFICIAL⟧陪同。⟦{b}|OFFICIAL⟧会见了代表团一行。\n"
    "{h}领导⟦{c}|OFFICIAL⟧、⟦{e}|OFFICIAL⟧陪同考察,{V}领导⟦{f}|OFFICIAL⟧随同考察。"
    "⟦{a}|OFFICIAL⟧说,要落实⟦习近平|OFFICIAL⟧⟦总书记|POST⟧重要指示精神。\n")
PLACES = ["河北省", "浙江省", "江苏省", "山东省", "四川省", "贵州省", "云南省", "北京市", "上海市", "重庆市", "湖南省", "福建省"]
SURNAMES = "陈林黄周吴徐孙马朱胡郭何高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国志强海军晓明国华立新文涛红梅春生永平卫东振华德胜家豪子涵"


def report_from_marked(rid: str, marked: str, visit: Visit, meta: dict | None = None) -> AnnotatedReport:
    text, spans = parse_marked(marked)
    return AnnotatedReport(rid, text, [Span(s, e, label) for s, e, label in spans],
                           [Sentence(s, e, []) for s, e in sentence_spans(text)], meta=dict(meta or {}), visit=visit)


def fixture_report(meta: dict | None = None) -> AnnotatedReport:
    return report_from_marked("fixture", FIXTURE_MARKED, FIXTURE_VISIT, meta)


def _names(n: int, start: int) -> list[str]:
    out = []
    for i in range(start, start + n):
        out.append(SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 2) % len(GIVEN)] + GIVEN[(i * 2 + 1) % len(GIVEN)])
    return out


def synthetic_reports(n: int = 24) -> list[AnnotatedReport]:
    """``n`` reports over the two templates, each with its gold visit record."""
    reports = []
    pairs = [(v, h) for v, h in itertools.permutations(PLACES, 2)]
    for i in range(n):
        visitor, host = pairs[(i * 7) % len(pairs)]
        a, b, c, e, f = _names(5, i * 5)
        m, d1 = 1 + i % 12, 3 + i % 20
        h = host[-1]
        if i % 2 == 0:
            marked = VISITOR_WRITES.format(V=visitor, H=host, h=h, a=a, b=b, c=c, e=e, f=f, m=m, d1=d1, d2=d1 + 1)
            visit = Visit([visitor], [host], f"--{m:02d}-{d1:02d}", f"--{m:02d}-{d1 + 1:02d}", [a],
                          {a: "visiting", b: "host", c: "host", e: "visiting", f: "visiting", "习近平": "other"})
        else:
            marked = HOST_WRITES.format(V=visitor, h=h, a=a, b=b, c=c, e=e, f=f, m=m, d1=d1)
            marked = f"中国{host[:-1]}网讯 " + marked
            # the text names the host only as 中国X网 and 我市/我省: the host is written as that name
            visit = Visit([visitor], [host[:-1]], f"--{m:02d}-{d1:02d}", f"--{m:02d}-{d1:02d}", [a],
                          {a: "visiting", b: "host", c: "host", e: "host", f: "visiting", "习近平": "other"})
        reports.append(report_from_marked(f"s{i:02d}", marked, visit))
    return reports
