"""Per-fold figures score each fold on its own reports' predictions."""

from kaocha.annotations.records import AnnotatedReport, Sentence, Span
from evaluate.scoring import fold_figures
from evaluate.systems import Prediction


def report(rid):
    text = "市长张三考察。"
    return AnnotatedReport(rid, text, [Span(0, 2, "POST"), Span(2, 4, "OFFICIAL")], [Sentence(0, len(text), [])])


def test_each_fold_is_scored_on_its_own_predictions_only():
    gold = [report("a"), report("b")]
    perfect = {r.id: Prediction([(s.start, s.end, s.label) for s in r.spans], []) for r in gold}
    per_fold = fold_figures(gold, perfect, [["a"], ["b"]])
    assert [f["micro_strict_f1"] for f in per_fold] == [1.0, 1.0]
    assert [f["links_f1"] for f in per_fold] == [1.0, 1.0]
