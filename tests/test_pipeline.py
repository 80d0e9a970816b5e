"""The custom components: rule features with report context, category cutoffs,
and agreement of spacy.load(model)(text) with kaocha.extract(text)."""

import numpy as np
import spacy

import kaocha
from kaocha.normalize import normalize
from kaocha.pipeline import REPORT_CONTEXT, RuleFeatures, _rescale


def test_rule_features_use_the_whole_report_for_a_sentence_doc():
    nlp = spacy.blank("zh")
    features = RuleFeatures(nlp, "rule_features")
    report = "北京市委书记尹力率团考察。尹力表示感谢。"
    alone = features(nlp.make_doc("尹力表示感谢。"))
    with_context = nlp.make_doc("尹力表示感谢。")
    with_context.user_data[REPORT_CONTEXT] = {"text": report, "offset": report.index("尹力表示")}
    tagged = features(with_context)
    assert [t.tag_ for t in tagged][:2] == ["B-OFFICIAL", "I-OFFICIAL"]
    assert [t.tag_ for t in alone][:2] == ["O", "O"]  # a bare name needs the report to be recognised
    whole = features(nlp.make_doc(report))
    assert [t.tag_ for t in whole][13:15] == ["B-OFFICIAL", "I-OFFICIAL"]


def test_match_dropout_applies_to_training_updates_only():
    from spacy.training import Example

    nlp = spacy.blank("zh")
    text = "北京市委书记尹力率团考察。"
    dropping = RuleFeatures(nlp, "rule_features", match_dropout=1.0)
    assert {t.tag_ for t in dropping(nlp.make_doc(text))} > {"O"}  # prediction: every match
    example = Example(nlp.make_doc(text), nlp.make_doc(text))
    dropping.update([example])
    assert {t.tag_ for t in example.predicted} == {"O"}  # training: all left out at 1.0
    keeping = RuleFeatures(nlp, "rule_features", match_dropout=0.0)
    keeping.update([example])
    assert [t.tag_ for t in example.predicted] == [t.tag_ for t in keeping(nlp.make_doc(text))]


def test_cutoff_rescaling_is_monotone_and_maps_cutoff_to_threshold():
    scores = np.linspace(0, 1, 101)
    rescaled = _rescale(scores, 0.3, 0.5)
    assert np.all(np.diff(rescaled) > 0) and rescaled[0] == 0 and abs(rescaled[-1] - 1) < 1e-9
    assert abs(_rescale(np.array([0.3]), 0.3, 0.5)[0] - 0.5) < 1e-9


def test_spacy_load_and_extract_give_the_same_entities_and_sentence_categories(small_model, seeds_dir):
    raw = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
    nlp = spacy.load(small_model)
    doc = nlp(normalize(raw))
    report = kaocha.extract(raw, nlp)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(e.start, e.end, e.label) for e in report.entities]
    assert [(s["start"], s["end"], s["cats"]) for s in doc._.sentence_cats] == [(s.start, s.end, s.cats) for s in report.sentences]
    assert report.entities, "the small model should find entities in a seed report"


def test_masked_text_replaces_each_entity_by_one_placeholder():
    from kaocha.pipeline import ENTITY_MASKS, masked_text

    text = "代表团来到上海科技有限公司,学习科技创新经验。"
    company = (text.index("上海"), text.index(","), "VENUE")
    masked = masked_text(text, [company])
    assert masked == "代表团来到" + ENTITY_MASKS["VENUE"] + ",学习科技创新经验。"
    assert masked_text(text, [company], 0, 5) == "代表团来到"  # an entity outside the range is left alone


def test_lexicon_flags_mark_suffix_ends_visit_cues_and_titles():
    from kaocha.pipeline import lexicon_flags

    text = "代表团来到上海中心大厦。市委书记尹力"
    flags = lexicon_flags(text)
    assert "V" in flags[text.index("上海")]  # first character after 来到
    assert "S" in flags[text.index("。") - 1]  # 大厦 ends here
    assert "T" in flags[text.index("尹") - 1] and "N" in flags[text.index("尹")]
    assert "V" not in flags[text.index("来")]


def test_venue_spans_replace_ner_venues_by_the_best_non_overlapping_spans():
    from spacy.tokens import Span

    from kaocha.pipeline import VenueSpans

    nlp = spacy.blank("zh")
    doc = nlp.make_doc("市长张三来到上海中心大厦")
    doc.ents = [Span(doc, 0, 2, "POST"), Span(doc, 2, 4, "OFFICIAL"), Span(doc, 6, 8, "VENUE")]
    doc.spans["venues"] = [Span(doc, 6, 12, "VENUE"), Span(doc, 6, 10, "VENUE"), Span(doc, 3, 8, "VENUE")]
    doc.spans["venues"].attrs["scores"] = np.asarray([0.9, 0.95, 0.99])
    VenueSpans(nlp, "venues", "venues")(doc)
    # 3-8 overlaps the OFFICIAL; 6-10 outscores 6-12; the ner's 6-8 is gone
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [(0, 2, "POST"), (2, 4, "OFFICIAL"), (6, 10, "VENUE")]


def test_venue_suggester_proposes_cue_bounded_spans_only():
    from spacy.util import registry

    nlp = spacy.blank("zh")
    doc = RuleFeatures(nlp, "rule_features")(nlp.make_doc("代表团来到上海中心大厦,察看陆家嘴金融城。"))
    suggest = registry.misc.get("kaocha.venue_suggester.v1")(min_size=2, max_size=16)
    spans = suggest([doc, nlp.make_doc("")])
    assert list(spans.lengths) == [len(spans.dataXd), 0]
    texts = {doc[int(s):int(e)].text for s, e in spans.dataXd}
    assert {"上海中心大厦", "陆家嘴金融城"} <= texts
    assert not any(set(t) & set(",。") for t in texts)  # never across or into punctuation
    assert len(texts) < 20  # every 2-16 n-gram would be over 200
