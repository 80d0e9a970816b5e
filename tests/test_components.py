"""The custom components: rule features with report context and a rules version
from the config, the sentence categorizer (equal to scikit-learn, saved as data
only), and agreement of spacy.load(model)(text) with kaocha.extract(text)."""

from pathlib import Path

import numpy as np
import pytest
import spacy

import kaocha
from kaocha.components import REPORT_CONTEXT
from kaocha.components.rule_features import RuleFeatures
from kaocha.components.sentence_cats import SentenceCategorizer, rule_category_matrix
from kaocha.knowledge import rules as rules_version
from kaocha.labels import CATEGORY_LABELS
from kaocha.normalize import normalize


def test_rule_features_use_the_whole_report_for_a_sentence_doc():
    nlp = spacy.blank("zh")
    features = RuleFeatures(nlp, "rule_features", rules_version("v2"))
    report = "北京市委书记尹力率团考察。尹力表示感谢。"
    alone = features(nlp.make_doc("尹力表示感谢。"))
    with_context = nlp.make_doc("尹力表示感谢。")
    with_context.user_data[REPORT_CONTEXT] = {"text": report, "offset": report.index("尹力表示")}
    tagged = features(with_context)
    assert [t.tag_ for t in tagged][:2] == ["B-OFFICIAL", "I-OFFICIAL"]
    assert [t.tag_ for t in alone][:2] == ["O", "O"]  # a bare name needs the report to be recognised
    whole = features(nlp.make_doc(report))
    assert [t.tag_ for t in whole][13:15] == ["B-OFFICIAL", "I-OFFICIAL"]


def test_rules_version_comes_from_the_config():
    nlp = spacy.blank("zh")
    pipe = nlp.add_pipe("kaocha_rule_features", config={"rules": {"@misc": "kaocha.rules.v1"}})
    assert pipe.rules is rules_version("v1")
    assert nlp.add_pipe("kaocha_rule_features", name="default").rules is rules_version("v2")
    with pytest.raises(ValueError, match="unknown rule knowledge version"):
        rules_version("v0")


SENTENCES = ["双方签署科技创新合作协议。", "参观了某某产业园。", "共同推进生态环境保护。", "座谈会上,双方交流了改革经验。",
             "推动文化旅游融合发展。", "加强产业协作和科技合作。", "一行还考察了某某纪念馆。", "深化生态保护合作。"]
TARGETS = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]])


def fitted_categorizer() -> SentenceCategorizer:
    categorizer = SentenceCategorizer(spacy.blank("zh"), "cats", rules_version("v2"), 0.5, 4.0, 3, 2.0)
    y = np.zeros((len(SENTENCES), 9), dtype=int)
    y[:, [0, 1, 5]] = TARGETS  # SCI_TECH, INDUSTRY, ECOLOGY
    categorizer.fit(SENTENCES, y)
    return categorizer


def test_categorizer_scores_equal_scikit_learns_pipeline():
    """The hand-written TF-IDF + logistic function reproduces scikit-learn's own transform and predict_proba."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    categorizer = fitted_categorizer()
    tfidf = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1).fit(SENTENCES)
    votes = rule_category_matrix(rules_version("v2"), SENTENCES) * 2.0
    features = sparse.hstack([tfidf.transform(SENTENCES), sparse.csr_matrix(votes)]).tocsr()
    expected = np.column_stack([LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
                                .fit(features, TARGETS[:, j]).predict_proba(features)[:, 1] for j in range(3)])
    got = categorizer.predict_texts(SENTENCES)
    assert np.allclose(got[:, [0, 1, 5]], expected, atol=1e-6)
    assert np.all(got[:, [2, 3, 4, 6, 7, 8]] == 0)  # labels never seen in training score 0


def test_categorizer_saves_data_only_and_reloads_identically(tmp_path):
    categorizer = fitted_categorizer()
    categorizer.to_disk(tmp_path / "cats")
    saved = sorted(p.name for p in (tmp_path / "cats").iterdir())
    assert saved == ["coef.npy", "idf.npy", "intercept.npy", "model.json"]
    for path in (tmp_path / "cats").glob("*.npy"):
        np.load(path, allow_pickle=False)  # plain arrays: loading runs no code
    fresh = SentenceCategorizer(spacy.blank("zh"), "cats", rules_version("v2"), 0.5, 4.0, 3, 2.0)
    assert np.array_equal(fresh.from_disk(tmp_path / "cats").predict_texts(SENTENCES), categorizer.predict_texts(SENTENCES))
    again = SentenceCategorizer(spacy.blank("zh"), "cats", rules_version("v2"), 0.5, 4.0, 3, 2.0)
    assert np.array_equal(again.from_bytes(categorizer.to_bytes()).predict_texts(SENTENCES), categorizer.predict_texts(SENTENCES))


def test_a_saved_model_holds_no_pickle(small_model):
    suspicious = [p for p in Path(small_model).rglob("*") if p.is_file() and (p.suffix in (".pkl", ".pickle")
                  or p.read_bytes()[:2] in (b"\x80\x04", b"\x80\x05"))]
    assert suspicious == []


def test_spacy_load_needs_only_the_installed_packages(small_model, tmp_path):
    """A fresh process, in an unrelated directory, with the network shut: the saved model (LAC word
    features included) loads and annotates from what is installed, and stores no analyser model."""
    import subprocess
    import sys

    assert "kaocha_word_features" in spacy.load(small_model).pipe_names
    assert not [p for p in Path(small_model).rglob("*") if p.suffix == ".onnx"]
    script = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used at load time')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse\n"
        "import spacy, sys\n"
        "doc = spacy.load(sys.argv[1])('湖北省党政代表团来到柘林镇考察。')\n"
        "print(doc[0].lemma_, len(doc.ents) >= 0, doc._.sentence_cats is not None)\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(small_model)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["LOC-B", "True", "True"]


def test_spacy_load_and_extract_give_the_same_entities_and_sentence_categories(small_model, seeds_dir):
    raw = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
    nlp = spacy.load(small_model)
    doc = nlp(normalize(raw))
    report = kaocha.extract(raw, nlp)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(e.start, e.end, e.label) for e in report.entities]
    assert [(s["start"], s["end"], s["cats"]) for s in doc._.sentence_cats] == [(s.start, s.end, s.cats) for s in report.sentences]
    assert report.entities, "the small model should find entities in a seed report"


def test_masked_keyword_votes_ignore_keywords_inside_the_rules_entities():
    """`城市规划展示馆` is a venue the rules find: its `城市规划` is not the sentence's subject when masked."""
    from kaocha.components.sentence_cats import MASK, masked_sentences
    from kaocha.sentences import sentence_spans

    rules = rules_version("v2")
    report = "参观了城市规划展示馆。双方将深化城市规划合作。"
    spans = sentence_spans(report)
    masked = masked_sentences(rules, report, spans)
    assert masked == ["参观了" + MASK * 7 + "。", "双方将深化城市规划合作。"]
    urban = list(CATEGORY_LABELS).index("URBAN")
    assert rule_category_matrix(rules, [report[s:e] for s, e in spans])[:, urban].tolist() == [1.0, 1.0]
    assert rule_category_matrix(rules, masked)[:, urban].tolist() == [0.0, 1.0]
    categorizer = SentenceCategorizer(spacy.blank("zh"), "cats", rules, 0.5, 4.0, 3, 2.0, mask_entities=True)
    assert categorizer.vote_texts(report, spans) == masked


# -- word vectors in the sentence categorizer (issue 15) -----------------------------

from conftest import ROOT  # noqa: E402

FIXTURE_VECTORS = ROOT / "tests" / "fixtures" / "word_vectors"


def test_words_are_read_back_from_the_per_character_features():
    from kaocha.components.sentence_cats import words_in

    text = "参观柘林镇,签署协议。"
    features = ["v-B", "v-E", "LOC-B", "LOC-I", "LOC-E", "w-S", "v-B", "v-E", "n-B", "n-E", "w-S"]
    assert words_in(text, features, 0, len(text)) == ["参观", "柘林镇", ",", "签署", "协议", "。"]
    assert words_in(text, features, 2, 5) == ["柘林镇"]
    # a span cutting a word keeps its part; characters outside every sentence (`_`) are no word
    assert words_in(text, features, 3, 7) == ["林镇", ",", "签"]
    assert words_in("甲 乙", ["n-S", "_", "n-S"], 0, 3) == ["甲", "乙"]


def test_mean_vector_is_the_unit_mean_of_the_known_words():
    words, vectors = load_word_vectors_fixture()
    categorizer = SentenceCategorizer(spacy.blank("zh"), "cats", rules_version("v2"), 0.5, 4.0, 3, 2.0,
                                      vector_weight=2.0, words_from="kaocha_word_features")
    categorizer.vector_words, categorizer.arrays["word_vectors"] = words, vectors
    got = categorizer.mean_vectors([["科技", "没有这个词", "创新"], ["没有这个词"], []])
    mean = (vectors[words.index("科技")] + vectors[words.index("创新")]) / 2
    assert np.allclose(got[0], mean / np.linalg.norm(mean), atol=1e-6)
    assert np.all(got[1:] == 0)  # no known word: no vector


def load_word_vectors_fixture():
    from kaocha.components.sentence_cats import load_word_vectors

    return load_word_vectors(FIXTURE_VECTORS)


def test_broken_word_vectors_are_refused_with_the_directory_named(tmp_path):
    from kaocha.components.sentence_cats import load_word_vectors

    with pytest.raises(ValueError, match=f"{tmp_path}: cannot read the word vectors.*python -m training.word_vectors"):
        load_word_vectors(tmp_path)
    (tmp_path / "words.txt").write_text("甲\n乙\n", encoding="utf-8")
    np.save(tmp_path / "vectors.npy", np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="2 words in words.txt .* shape \\(3, 4\\)"):
        load_word_vectors(tmp_path)


def vector_pipeline():
    nlp = spacy.blank("zh")
    nlp.add_pipe("kaocha_word_features")
    nlp.add_pipe("kaocha_sentence_cats", config={"vector_weight": 2.0, "words_from": "kaocha_word_features"})
    return nlp


def sentence_examples_of(nlp, reports):
    from spacy.training import Example

    from training.convert import sentence_docs

    return [Example(doc, doc) for report in reports for doc in sentence_docs(nlp, report)]


def test_categorizer_with_vectors_learns_saves_and_reloads(tmp_path):
    """Fitted with the LAC words of each sentence cut in its whole report; the saved model holds the vectors
    as a float32 .npy and scores a report the same after loading."""
    from kaocha.annotations.validate import load_gold

    reports = load_gold()[:8]
    nlp = vector_pipeline()
    nlp.config["initialize"]["components"]["kaocha_sentence_cats"] = {"word_vectors": str(FIXTURE_VECTORS)}
    examples = sentence_examples_of(nlp, reports[:6])
    nlp.initialize(lambda: examples)
    cats = nlp.get_pipe("kaocha_sentence_cats")
    width = cats.arrays["coef"].shape[1]
    assert width == len(cats.vocab) + len(CATEGORY_LABELS) + 8  # n-grams, votes, 8 vector dimensions
    assert np.any(cats.arrays["coef"][:, -8:] != 0)

    held_out = [reports[6].text, reports[7].text]
    scores = [[s["cats"] for s in doc._.sentence_cats] for doc in nlp.pipe(held_out)]
    nlp.to_disk(tmp_path / "model")
    assert np.load(tmp_path / "model" / "kaocha_sentence_cats" / "word_vectors.npy", allow_pickle=False).dtype == np.float32
    loaded = spacy.load(tmp_path / "model")
    assert [[s["cats"] for s in doc._.sentence_cats] for doc in loaded.pipe(held_out)] == scores
    again = SentenceCategorizer(nlp, "kaocha_sentence_cats", rules_version("v2"), 0.5, 4.0, 3, 2.0).from_bytes(cats.to_bytes())
    assert np.array_equal(again.arrays["word_vectors"], cats.arrays["word_vectors"])

    # the vectors change the scores: the same fit without them scores otherwise
    plain = spacy.blank("zh")
    plain.add_pipe("kaocha_sentence_cats")
    plain.initialize(lambda: sentence_examples_of(plain, reports[:6]))
    assert [[s["cats"] for s in doc._.sentence_cats] for doc in plain.pipe(held_out)] != scores


def test_categorizer_with_vectors_needs_its_word_features():
    nlp = vector_pipeline()
    with pytest.raises(ValueError, match="vector_weight > 0 needs word vectors"):
        nlp.initialize(lambda: sentence_examples_of(nlp, []))
    nlp.config["initialize"]["components"]["kaocha_sentence_cats"] = {"word_vectors": str(FIXTURE_VECTORS)}
    from kaocha.annotations.validate import load_gold

    report = load_gold()[0]
    nlp.initialize(lambda: sentence_examples_of(nlp, [report]))
    with nlp.select_pipes(disable=["kaocha_word_features"]):
        with pytest.raises(ValueError, match="has no word features: run 'kaocha_word_features'"):
            nlp(report.text)
    with pytest.raises(ValueError, match="vector_weight needs words_from"):
        SentenceCategorizer(nlp, "cats", rules_version("v2"), 0.5, 4.0, 3, 2.0, vector_weight=1.0)
    late = spacy.blank("zh")
    late.add_pipe("kaocha_sentence_cats", config={"vector_weight": 2.0, "words_from": "kaocha_word_features"})
    late.add_pipe("kaocha_word_features")
    late.config["initialize"]["components"]["kaocha_sentence_cats"] = {"word_vectors": str(FIXTURE_VECTORS)}
    with pytest.raises(ValueError, match="must come before"):
        late.initialize(lambda: sentence_examples_of(late, [report]))
