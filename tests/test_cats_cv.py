"""The categorizer-only cross-validation used for category trials."""

from evaluate.cv import report_folds
from experiments.cats_cv import out_of_fold, sentence_examples
from kaocha.annotations.validate import load_gold

import spacy


def test_out_of_fold_scores_every_sentence_of_held_out_reports_only():
    reports = load_gold()[:6]
    folds = report_folds([r.id for r in reports], 2)
    settings = {"threshold": 0.5, "c": 4.0, "ngram_max": 3, "rule_weight": 2.0}
    predictions = out_of_fold(reports, folds, settings)
    assert set(predictions) == {r.id for r in reports}
    for report in reports:
        sentences = predictions[report.id].sentences
        assert sentences and all(0 <= s < e <= len(report.text) for s, e, _ in sentences)
        assert all(0.0 <= v <= 1.0 for _, _, scores in sentences for v in scores.values())


def test_training_sentences_carry_their_gold_entities():
    report = load_gold()[0]
    examples = sentence_examples(spacy.blank("zh"), [report])
    assert len(examples) == len(report.sentences)
    assert sum(len(e.reference.ents) for e in examples) == len(report.spans)
