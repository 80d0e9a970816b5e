"""Entity-substitution augmentation on a small hand-made report."""

import random

from kaocha.annotations.records import AnnotatedReport, Sentence, Span
from training.augment import augmented_copies, entity_pools, substitute

from conftest import span_at

TEXT = "北京市委书记尹力率团来到上海中心大厦。尹力表示,要学习上海中心大厦的经验。"


def report(rid="r1", text=TEXT):
    spans = [span_at(text, "北京市委书记", "POST"), span_at(text, "尹力", "OFFICIAL"),
             span_at(text, "上海中心大厦", "VENUE"), span_at(text, "尹力", "OFFICIAL", 1),
             span_at(text, "上海中心大厦", "VENUE", 1)]
    cut = text.index("。") + 1
    return AnnotatedReport(rid, text, sorted(spans), [Sentence(0, cut, []), Sentence(cut, len(text), ["URBAN"])])


def other():
    text = "天津市委书记陈敏尔参观国家会展中心。"
    return AnnotatedReport("r2", text, [Span(0, 6, "POST"), Span(6, 9, "OFFICIAL"), Span(11, 17, "VENUE")],
                           [Sentence(0, len(text), [])])


def test_substitution_is_consistent_and_offsets_stay_valid():
    pools = entity_pools([report(), other()])
    copy = substitute(report(), pools, random.Random(1), 1)
    texts = {}
    for span in copy.spans:
        texts.setdefault(span.label, []).append(copy.span_text(span))
    assert texts["OFFICIAL"][0] == texts["OFFICIAL"][1] != "尹力"
    assert texts["VENUE"] == ["国家会展中心", "国家会展中心"]  # the only other venue in the pools
    assert texts["POST"] == ["天津市委书记"]
    assert copy.id == "r1~aug1" and [s.cats for s in copy.sentences] == [[], ["URBAN"]]
    assert "".join(copy.text[s.start:s.end] for s in copy.sentences) == copy.text
    assert copy.text.endswith("的经验。") and "尹力" not in copy.text


def test_pools_come_from_the_given_reports_only_and_copies_are_deterministic():
    pools = entity_pools([report()])
    assert pools.venues == ["上海中心大厦"] and pools.jurisdictions == ["北京市"]
    assert [r.text for r in augmented_copies([report(), other()], 2, seed=3)] == \
           [r.text for r in augmented_copies([report(), other()], 2, seed=3)]
    assert augmented_copies([report()], 0) == []
