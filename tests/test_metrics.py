import pytest

from kaocha.metrics import PRF, category_scores, macro_f1, span_scores


def test_strict_counts_by_hand():
    gold = [("r", 0, 2, "OFFICIAL"), ("r", 5, 9, "POST"), ("r", 20, 25, "VENUE")]
    pred = [("r", 0, 2, "OFFICIAL"), ("r", 5, 8, "POST"), ("r", 30, 32, "VENUE")]
    s = span_scores(gold, pred)
    assert (s["OFFICIAL"].tp, s["OFFICIAL"].fp, s["OFFICIAL"].fn) == (1, 0, 0)
    assert (s["POST"].tp, s["POST"].fp, s["POST"].fn) == (0, 1, 1)
    assert s["micro"].precision == pytest.approx(1 / 3) and s["micro"].recall == pytest.approx(1 / 3)


def test_relaxed_matches_overlaps_once_and_needs_same_label():
    gold = [("r", 5, 9, "POST"), ("r", 10, 14, "VENUE")]
    pred = [("r", 5, 8, "POST"), ("r", 6, 9, "POST"), ("r", 10, 14, "POST")]
    s = span_scores(gold, pred, relaxed=True)
    assert (s["POST"].tp, s["POST"].fp, s["POST"].fn) == (1, 2, 0)
    assert (s["VENUE"].tp, s["VENUE"].fn) == (0, 1)


def test_empty_predictions_and_empty_gold():
    gold = [("r", 0, 2, "OFFICIAL")]
    assert span_scores(gold, [])["OFFICIAL"].f1 == 0.0
    assert span_scores([], [("r", 0, 2, "OFFICIAL")])["OFFICIAL"].precision == 0.0
    nothing = span_scores([], [])
    assert nothing["VENUE"].f1 == 1.0 and nothing["micro"].f1 == 1.0


def test_reports_are_kept_apart():
    s = span_scores([("a", 0, 2, "OFFICIAL")], [("b", 0, 2, "OFFICIAL")])
    assert s["OFFICIAL"].tp == 0


def test_categories_and_macro_by_hand():
    gold = {("r", 0, 5): ["SCI_TECH"], ("r", 6, 9): [], ("r", 10, 20): ["SCI_TECH", "URBAN"]}
    pred = {("r", 0, 5): ["SCI_TECH", "URBAN"], ("r", 10, 20): ["SCI_TECH"]}
    s = category_scores(gold, pred)
    assert (s["SCI_TECH"].tp, s["SCI_TECH"].fp, s["SCI_TECH"].fn) == (2, 0, 0)
    assert (s["URBAN"].tp, s["URBAN"].fp, s["URBAN"].fn) == (0, 1, 1)
    assert macro_f1(s) == pytest.approx((1.0 + 0.0) / 2)  # labels absent from both are left out


def test_prf_properties():
    assert PRF(2, 2, 0).precision == 0.5 and PRF(2, 2, 0).recall == 1.0
    assert PRF(2, 2, 0).f1 == pytest.approx(2 / 3)
