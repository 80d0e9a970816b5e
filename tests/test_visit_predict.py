"""The visit-record predictor (kaocha.visit_predict, visit_parties, visit_leaders, visit_sides)."""

import numpy as np
import pytest

from kaocha.annotations.markup import parse_marked
from kaocha.visit_leaders import leader_candidates
from kaocha.visit_predict import VisitModel, analyse, entity_spans, predict_visit
from kaocha.visit_sides import SideModel, side_features

from visit_fixtures import FIXTURE_VISIT, fixture_report, synthetic_reports


def test_fixture_report_by_rules():
    """Checked by hand: what the jurisdictions settle is right; the rest falls back to host."""
    report = fixture_report()
    visit = predict_visit(report.text, report.spans)
    assert visit.visitor == ["河北省"] and visit.host == ["天津市"]
    assert (visit.start, visit.end) == ("--07-12", "--07-13")
    assert visit.leaders == ["王一"]
    assert {n: visit.sides[n] for n in ("王一", "李二", "赵三")} == {"王一": "visiting", "李二": "host", "赵三": "host"}
    assert set(visit.sides) == set(FIXTURE_VISIT.sides)


def test_fixture_report_by_the_learned_side_model():
    """Trained on other hand-made reports: the `河北省领导` list and the central leader come out right too."""
    model = VisitModel().fit(synthetic_reports(24))
    report = fixture_report({"date": "2023-07-20"})
    visit = predict_visit(report.text, report.spans, report.meta, model)
    assert visit.sides == FIXTURE_VISIT.sides
    assert (visit.start, visit.end) == ("2023-07-12", "2023-07-13")  # the year from metadata


def test_the_host_written_report_gets_the_host_from_its_own_place():
    report = synthetic_reports(2)[1]
    analysis = analyse(report.text, report.spans)
    assert analysis.visit.host == report.visit.host and analysis.visit.visitor == report.visit.visitor
    assert analysis.sides_report.home_is == "host"


@pytest.mark.parametrize("marked, leaders", [
    ("⟦北京市委书记|POST⟧⟦甲某|OFFICIAL⟧,⟦市委副书记|POST⟧、⟦市长|POST⟧⟦乙某|OFFICIAL⟧率北京市代表团赴上海考察。", ["甲某", "乙某"]),
    ("⟦丙某|OFFICIAL⟧带队赴天津考察。", ["丙某"]),
    ("在⟦丁某|OFFICIAL⟧的带领下,代表团考察了园区。", ["丁某"]),
    ("以⟦县委书记|POST⟧⟦戊某|OFFICIAL⟧为团长的代表团到访。", ["戊某"]),
    ("⟦己某|OFFICIAL⟧一行来我市考察。", []),  # X一行 makes no leader
    ("代表团副团长⟦庚某|OFFICIAL⟧发言。", []),
    ("⟦辛某|OFFICIAL⟧率先发言。", []),
])
def test_leader_candidates(marked, leaders):
    text, spans = parse_marked(marked)
    assert [name for name, _ in leader_candidates(text, spans)] == leaders


def test_entities_in_any_form():
    class Ent:
        def __init__(self, start, end, label):
            self.start, self.end, self.label = start, end, label

    assert entity_spans([Ent(3, 5, "OFFICIAL"), (0, 2, "POST")]) == [(0, 2, "POST"), (3, 5, "OFFICIAL")]


def test_side_model_saves_as_data_and_predicts_the_same(tmp_path):
    reports = synthetic_reports(12)
    model = VisitModel().fit(reports)
    model.to_disk(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["side.json", "side_coef.npy", "side_intercept.npy", "visit.json"]
    loaded = VisitModel.from_disk(tmp_path)
    report = fixture_report()
    assert predict_visit(report.text, report.spans, None, loaded) == predict_visit(report.text, report.spans, None, model)


def test_side_model_probabilities_match_scikit_learn():
    from sklearn.linear_model import LogisticRegression

    rows = [{"a": 1.0}, {"b": 1.0}, {"c": 1.0}, {"a": 1.0, "c": 1.0}] * 3
    labels = ["visiting", "host", "other", "visiting"] * 3
    model = SideModel(c=1.0, min_count=1).fit(rows, labels)
    reference = LogisticRegression(C=1.0, max_iter=5000).fit(model._matrix(rows), labels)
    assert np.allclose(model.probabilities(rows), reference.predict_proba(model._matrix(rows)))
    assert model.predict(rows) == list(reference.predict(model._matrix(rows)))


def test_side_features_name_the_cues():
    report = fixture_report()
    analysis = analyse(report.text, report.spans)
    listed = side_features(analysis.sides_report, "张四")
    assert listed.get("list:visitor") == 1.0 and listed.get("no_post") == 1.0
    host = side_features(analysis.sides_report, "赵三")
    assert host.get("jur:host") == 1.0 and host.get("jur:host&res:sentence") == 1.0
    assert side_features(analysis.sides_report, "王一").get("leader") == 1.0


def test_fitting_without_visits_is_refused():
    report = fixture_report()
    report.visit = None
    with pytest.raises(ValueError, match="no officials with a gold side"):
        VisitModel().fit([report])
