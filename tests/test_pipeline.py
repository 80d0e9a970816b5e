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
