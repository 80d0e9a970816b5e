"""The generic rules (the regex baseline and the model's rule features)."""

import re
from pathlib import Path

from kaocha.knowledge import VERSIONS, rules as rules_version

rules = rules_version("v1")  # the frozen baseline's rules

ROOT = Path(__file__).resolve().parent.parent


def ents(text):
    return [(text[s.start:s.end], s.label) for s in rules.find_entities(text)]


def test_coordinated_titles_are_split_and_names_follow_posts():
    text = "甲乙省委副书记、省长张某某,与丙丁市委书记王五出席。\n"
    assert ents(text) == [("甲乙省委副书记", "POST"), ("省长", "POST"), ("张某某", "OFFICIAL"),
                          ("丙丁市委书记", "POST"), ("王五", "OFFICIAL")]


def test_cue_words_stay_outside_posts_and_long_term_is_not_a_title():
    assert ents("由甲乙省委书记赵六带队。\n")[:1] == [("甲乙省委书记", "POST")]
    assert ents("感谢甲乙市长期以来的支持。\n") == []


def test_leader_lists_and_name_before_title():
    found = ents("甲省领导钱一、孙二、周三参加。吴四总书记指出。\n")
    assert ("钱一", "OFFICIAL") in found and ("周三", "OFFICIAL") in found
    assert ("吴四", "OFFICIAL") in found and ("总书记", "POST") in found


def test_venue_after_visit_verb_with_longest_suffix_and_locator_dropped():
    found = ents("代表团来到某某科技馆,了解情况;走进甲乙县丙丁村,察看产业。\n")
    assert ("某某科技馆", "VENUE") in found
    assert ("丙丁村", "VENUE") in found


def test_named_zone_anywhere_but_not_inside_event_or_slogan():
    found = ents("甲乙自贸区成立以来成效明显。甲乙论坛举行。深入建设“五个中心”。\n")
    assert ("甲乙自贸区", "VENUE") in found
    assert not any(label == "VENUE" and "中心" in t for t, label in found)


def test_sentence_categories_skip_slogans_and_thanks():
    assert rules.sentence_categories("共同推进科技创新和产业协作。") == ["SCI_TECH", "INDUSTRY"]
    assert rules.sentence_categories("坚持当好改革开放排头兵。") == []
    assert rules.sentence_categories("对甲省给予的支持帮助表示感谢,共同推动改革。") == []


def test_rules_hold_no_annotated_official_or_venue():
    """Neither the baseline nor the model's rule features may memorise the
    annotations: no annotated OFFICIAL or VENUE string appears in the rule code
    or knowledge files of any version."""
    from kaocha.annotations.records import load_standoff
    from kaocha.corpus import Corpus

    gold = load_standoff(ROOT / "annotations" / "gold.jsonl", Corpus(ROOT / "corpus" / "manifest.csv"))
    strings = {r.span_text(s) for r in gold for s in r.spans if s.label in ("OFFICIAL", "VENUE")}
    knowledge = ROOT / "kaocha" / "knowledge"
    sources = [ROOT / "evaluate" / "baseline.py"] + [
        path for version in VERSIONS for path in [knowledge / version / "rules.py", *sorted((knowledge / version / "data").glob("*.t*"))]]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    leaked = sorted(s for s in strings if len(s) >= 2 and s in text)
    assert leaked == []
