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


from kaocha.report_places import home_places, most_named  # noqa: E402
from kaocha.visit_parties import find_parties  # noqa: E402


@pytest.mark.parametrize("text, visitor, host", [
    ("北京市党政代表团赴上海市学习考察\n正文。", ["北京市"], ["上海市"]),
    ("黑河市委书记李某来珠海座谈对口合作\n正文。", ["黑河市"], ["珠海"]),
    ("天津市援甘前方指挥部来泾川县开展东西部协作调研\n正文。", ["天津市"], ["泾川县"]),
    ("济南市党政代表团先后到烟台、青岛、潍坊学习考察\n正文。", ["济南市"], ["烟台", "青岛", "潍坊"]),
    # a county named by its stem after a movement, but not a word that happens to be a county's stem
    ("莒县党政考察团来兰陵参观考察\n正文。", ["莒县"], ["兰陵"]),
    ("营口市考察团来访,对接深化对口合作事宜\n正文。", ["营口市"], []),
    # one-character names
    ("定远县人大常委会来舒考察\n参观了舒城规划馆,听取舒城发展介绍。", ["定远县"], ["舒城"]),
    ("广西壮族自治区党政代表团来津考察\n正文。", ["广西壮族自治区"], ["天津市"]),
    # list items take the written parent of the first item; the fullest form the text gives wins
    ("蕉岭县党政代表团赴福建省龙岩市武平县、上杭县学习考察\n正文。", ["蕉岭县"],
     ["福建省龙岩市武平县", "福建省龙岩市上杭县"]),
    ("贵州省黔西南州党政代表团来宁波考察\n黔西南州代表团到宁波市。", ["贵州省黔西南州"], ["宁波市"]),
])
def test_visitor_and_host_from_the_headline(text, visitor, host):
    parties = find_parties(text)
    assert [p.written for p in parties.visitor] == visitor
    assert [p.written for p in parties.host] == host


def test_the_host_of_lai_wo_xian_is_the_county_the_text_names_most():
    text = "齐河县党政考察团来我县参观考察\n考察团认为,庆云县发展迅速,庆云县经验值得学习。齐河县委书记讲话。"
    assert find_parties(text).host[0].written == "庆云县"


def test_home_places_from_the_outlet_and_from_wo_sheng():
    own = home_places("中国宁波网讯 代表团来宁波考察。")
    assert (own["市"], own["省"]) == ("宁波市", "浙江省")
    assert home_places("浙江省代表团到我省海西蒙古族藏族自治州考察。")["省"] == "青海省"
    assert home_places("代表团来访。") == {}


def test_most_named_skips_the_excluded_and_needs_a_stem_twice():
    from kaocha.jurisdictions import gazetteer

    text = "庆云县经验,庆云县发展。齐河县委书记讲话。兰陵一词。"
    assert most_named(text, "县").name == "庆云县"
    qingyun = gazetteer().full["庆云县"][0]
    assert most_named(text, "县", [qingyun]).name == "齐河县"
    assert most_named("兰陵一词。", "县") is None  # a bare stem once is not enough
