"""Entities from a per-character tagger (kaocha.components.tag_ner): the BILUO
constraints, the decoder against an exhaustive search, and a small pipeline that
learns, predicts and survives a save and load."""

import itertools

import numpy as np
import pytest
import spacy
from spacy.training import Example

from kaocha.components.tag_ner import FORBIDDEN, biluo_rules, gold_tag
from kaocha.components.viterbi import best_allowed_paths, best_paths

LABELS = ("O", "B-POST", "I-POST", "L-POST", "U-POST", "B-VENUE", "I-VENUE", "L-VENUE", "U-VENUE")


def valid(path: list[str]) -> bool:
    """BILUO validity, written out independently of `biluo_rules`."""
    open_kind = None
    for tag in path:
        move, kind = (tag, None) if tag == "O" else tag.split("-", 1)
        if open_kind is not None:
            if move not in ("I", "L") or kind != open_kind:
                return False
            open_kind = None if move == "L" else open_kind
        elif move in ("I", "L"):
            return False
        elif move == "B":
            open_kind = kind
    return open_kind is None


def test_biluo_rules_allow_exactly_the_valid_pairs():
    allowed, may_start, may_end = biluo_rules(LABELS)
    index = {tag: i for i, tag in enumerate(LABELS)}
    assert allowed[index["B-POST"], index["I-POST"]] and allowed[index["I-POST"], index["L-POST"]]
    assert allowed[index["L-POST"], index["B-VENUE"]] and allowed[index["U-POST"], index["O"]]
    assert not allowed[index["B-POST"], index["L-VENUE"]]
    assert not allowed[index["O"], index["I-POST"]] and not allowed[index["B-POST"], index["O"]]
    assert allowed.sum() == 5 * 5 + 4 * 2  # 5 closed tags before 5 openers; B-/I-X before I-/L-X
    assert may_start[index["U-VENUE"]] and not may_start[index["L-VENUE"]]
    assert may_end[index["L-POST"]] and not may_end[index["B-POST"]]


@pytest.mark.parametrize("decoder", ["allowed", "generic"])
def test_constrained_decoding_finds_the_best_valid_path(decoder):
    """Against an exhaustive search over every valid sequence (rows of different lengths)."""
    labels = LABELS[:5]
    allowed, may_start, may_end = biluo_rules(labels)
    rng = np.random.default_rng(7)
    lengths = np.array([4, 1, 3, 4, 2])
    emissions = rng.normal(size=(len(lengths), 4, len(labels))).astype(np.float32)
    emissions[:, :, 2] += 1.5  # I- likes to win greedily, so the constraints matter
    constrained = emissions.copy()
    for row, length in enumerate(lengths):
        constrained[row, 0] += np.where(may_start, 0, FORBIDDEN)
        constrained[row, length - 1] += np.where(may_end, 0, FORBIDDEN)
    if decoder == "allowed":
        paths = best_allowed_paths(constrained, lengths, allowed)
    else:
        paths = best_paths(constrained, lengths, np.where(allowed, 0, FORBIDDEN).astype(np.float32))
    changed = 0
    for row, length in enumerate(lengths):
        candidates = [p for p in itertools.product(range(len(labels)), repeat=length)
                      if valid([labels[i] for i in p])]
        best = max(candidates, key=lambda p: sum(emissions[row, t, i] for t, i in enumerate(p)))
        assert tuple(paths[row, :length]) == best
        changed += tuple(emissions[row, :length].argmax(1)) != best
    assert changed  # the greedy choice was invalid somewhere


def test_allowed_paths_need_disjoint_groups_of_previous_tags():
    overlapping = np.array([[True, True], [True, False]])  # tag 0 may follow both, tag 1 only tag 0
    with pytest.raises(ValueError, match="disjoint groups"):
        best_allowed_paths(np.zeros((1, 2, 2), dtype=np.float32), np.array([2]), overlapping)


def test_tag_ids_become_the_docs_entities():
    nlp = spacy.blank("zh")
    tagger = nlp.add_pipe("kaocha_tag_ner")
    for label in LABELS:
        tagger.add_label(label)
    doc = nlp.make_doc("甲乙丙丁戊己庚辛")
    tags = ["O", "B-POST", "I-POST", "L-POST", "U-VENUE", "O", "B-VENUE", "L-VENUE"]
    tagger.set_annotations([doc], [np.array([LABELS.index(t) for t in tags])])
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [(1, 4, "POST"), (4, 5, "VENUE"), (6, 8, "VENUE")]
    assert [t.ent_iob_ for t in doc] == ["O", "B", "I", "I", "B", "O", "B", "I"]


def test_gold_tags_keep_missing_tokens_out_of_the_loss():
    assert [gold_tag(t) for t in ["O", "U-POST", "-", None, ""]] == ["O", "U-POST", None, None, None]


TRAIN = [
    ("李强参观三一集团。", [(4, 8, "VENUE")]),
    ("代表团来到柘林镇考察。", [(5, 8, "VENUE")]),
    ("省长王伟讲话。", [(0, 2, "POST"), (2, 4, "OFFICIAL")]),
]


@pytest.fixture(scope="module")
def trained():
    nlp = spacy.blank("zh")
    nlp.add_pipe("tok2vec", config={"model": {
        "@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 32, "depth": 2,
        "embed_size": 500, "window_size": 1, "maxout_pieces": 2, "subword_features": False}})
    nlp.add_pipe("kaocha_tag_ner", name="ner", config={"model": {"tok2vec": {"width": 32}}})
    examples = []
    for text, spans in TRAIN:
        doc = nlp.make_doc(text)
        examples.append(Example.from_dict(doc, {"entities": spans}))
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(60):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    return nlp


def ents(doc):
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def test_the_tagger_learns_its_examples_and_writes_entities(trained):
    assert trained.get_pipe("ner").labels[0] == "O"
    assert set(trained.get_pipe("ner").labels) == {"O"} | {f"{m}-{k}" for m in "BILU"
                                                            for k in ("OFFICIAL", "POST", "VENUE")}
    for text, spans in TRAIN:
        assert ents(trained(text)) == spans
    scores = trained.evaluate([Example.from_dict(trained.make_doc(t), {"entities": s}) for t, s in TRAIN])
    assert scores["ents_f"] == 1.0


def test_tags_are_left_to_other_components_and_batches_agree(trained):
    texts = [t for t, _ in TRAIN] + ["", "参观"]
    docs = list(trained.pipe(texts, batch_size=2))
    assert all(not token.tag_ for doc in docs for token in doc)
    assert [ents(d) for d in docs] == [ents(trained(t)) for t in texts]


def test_a_saved_tagger_loads_from_data_only(trained, tmp_path):
    trained.to_disk(tmp_path / "model")
    files = [p.name for p in (tmp_path / "model" / "ner").iterdir()]
    assert sorted(files) == ["cfg", "model"]
    loaded = spacy.load(tmp_path / "model")
    for text, _ in TRAIN:
        assert ents(loaded(text)) == ents(trained(text))
