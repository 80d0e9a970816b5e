"""The kaocha_visit spaCy component: fitted in initialize, doc._.visit, data-only serialization."""

import spacy
from spacy.training import Example

from kaocha.components import REPORT_CONTEXT, REPORT_META, REPORT_VISIT
from kaocha.components.visit import reports_from_examples
from training.convert import sentence_docs

from visit_fixtures import FIXTURE_VISIT, fixture_report, synthetic_reports


def examples(nlp, reports):
    return [Example(nlp.make_doc(doc.text), doc) for r in reports for doc in sentence_docs(nlp, r)]


def report_doc(nlp, report, meta=None):
    doc = nlp.make_doc(report.text)
    doc.ents = [doc.char_span(s.start, s.end, label=s.label) for s in report.spans]
    if meta:
        doc.user_data[REPORT_META] = meta
    return doc


def test_training_docs_carry_the_visit_and_rebuild_their_reports():
    nlp = spacy.blank("zh")
    reports = synthetic_reports(4)
    docs = sentence_docs(nlp, reports[0])
    assert all(d.user_data[REPORT_VISIT] == reports[0].visit.to_dict() for d in docs)
    rebuilt = {r.id: r for r in reports_from_examples(examples(nlp, reports))}
    assert set(rebuilt) == {r.id for r in reports}
    original = reports[0]
    assert rebuilt[original.id].spans == sorted((s.start, s.end, s.label) for s in original.spans)
    assert rebuilt[original.id].text == original.text and rebuilt[original.id].visit == original.visit


def test_component_fits_in_initialize_predicts_and_survives_disk(tmp_path):
    nlp = spacy.blank("zh")
    nlp.add_pipe("kaocha_visit")
    nlp.initialize(lambda: examples(nlp, synthetic_reports(24)))
    pipe = nlp.get_pipe("kaocha_visit")
    assert pipe.model.fitted
    report = fixture_report()
    doc = pipe(report_doc(nlp, report, {"date": "2023-07-20"}))
    assert doc._.visit["sides"] == FIXTURE_VISIT.sides
    assert doc._.visit["start"] == "2023-07-12"
    nlp.to_disk(tmp_path / "model")
    assert not list((tmp_path / "model" / "kaocha_visit").glob("*.pkl"))
    loaded = spacy.load(tmp_path / "model")
    again = loaded.get_pipe("kaocha_visit")(report_doc(loaded, report, {"date": "2023-07-20"}))
    assert again._.visit == doc._.visit
    restored = spacy.blank("zh").add_pipe("kaocha_visit").from_bytes(pipe.to_bytes())
    assert restored(report_doc(nlp, report, {"date": "2023-07-20"}))._.visit == doc._.visit


def test_sentence_docs_get_no_visit_and_unfitted_component_uses_rules():
    nlp = spacy.blank("zh")
    pipe = nlp.add_pipe("kaocha_visit")
    nlp.initialize(lambda: [])
    assert not pipe.model.fitted
    sentence = nlp.make_doc("代表团赴上海考察。")
    sentence.user_data[REPORT_CONTEXT] = {"text": "代表团赴上海考察。", "offset": 0}
    assert pipe(sentence)._.visit is None
    report = fixture_report()
    visit = pipe(report_doc(nlp, report))._.visit
    assert visit["visitor"] == ["河北省"] and visit["sides"]["李二"] == "host"


def test_a_bad_fallback_is_refused():
    import pytest

    with pytest.raises(ValueError, match="fallback must be"):
        spacy.blank("zh").add_pipe("kaocha_visit", config={"fallback": "guest"})


def test_learned_parties_survive_bytes_and_disk(tmp_path):
    nlp = spacy.blank("zh")
    pipe = nlp.add_pipe("kaocha_visit", config={"parties": "learned"})
    nlp.initialize(lambda: examples(nlp, synthetic_reports(24)))
    assert pipe.model.uses_party_model
    report = fixture_report()
    visit = pipe(report_doc(nlp, report))._.visit
    assert visit["visitor"] == ["河北省"] and visit["host"] == ["天津市"]
    restored = spacy.blank("zh").add_pipe("kaocha_visit", config={"parties": "learned"}).from_bytes(pipe.to_bytes())
    assert restored.model.uses_party_model and restored(report_doc(nlp, report))._.visit == visit
    pipe.to_disk(tmp_path / "visit")
    assert {p.name for p in (tmp_path / "visit").iterdir()} >= {"party.json", "party_coef.npy", "side.json"}
