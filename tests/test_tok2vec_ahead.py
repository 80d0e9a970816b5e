"""spaCy's tok2vec embedding one batch ahead (kaocha.components.tok2vec_ahead):
the vectors, and the entities read through a listener, equal those of spaCy's
own component with the same weights, however the stream is batched."""

import numpy as np
import pytest
import spacy
from spacy.training import Example

TOK2VEC = {"model": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 32,
                     "depth": 2, "embed_size": 500, "window_size": 1, "maxout_pieces": 2,
                     "subword_features": False}}
TEXTS = ["李强参观三一集团。", "代表团来到柘林镇考察。", "", "省长王伟讲话。", "参观" * 40]


def pipeline(factory: str):
    nlp = spacy.blank("zh")
    nlp.add_pipe(factory, name="tok2vec", config=TOK2VEC)
    nlp.add_pipe("kaocha_tag_ner", name="ner", config={"model": {"tok2vec": {"width": 32}}})
    return nlp


@pytest.fixture(scope="module")
def pair():
    ahead = pipeline("kaocha_tok2vec")
    examples = [Example.from_dict(ahead.make_doc("李强参观三一集团。"), {"entities": [(4, 8, "VENUE")]})]
    optimizer = ahead.initialize(lambda: examples)
    for _ in range(10):
        ahead.update(examples, sgd=optimizer)
    plain = pipeline("tok2vec")
    plain.initialize(lambda: examples)
    plain.from_bytes(ahead.to_bytes())
    return ahead, plain


def test_piped_vectors_and_entities_equal_spacys_own_tok2vec(pair):
    ahead, plain = pair
    got = list(ahead.pipe(TEXTS, batch_size=2))
    want = list(plain.pipe(TEXTS, batch_size=2))
    for a, b in zip(got, want):
        assert a.tensor.shape == (len(a), 32)
        np.testing.assert_array_equal(a.tensor, b.tensor)
        assert [(e.start, e.end, e.label_) for e in a.ents] == [(e.start, e.end, e.label_) for e in b.ents]
    assert [d.text for d in got] == TEXTS  # in order, none lost
    one_by_one = [ahead(t) for t in TEXTS]
    for a, b in zip(got, one_by_one):
        np.testing.assert_array_equal(a.tensor, b.tensor)


def test_an_error_while_embedding_ahead_reaches_the_caller(pair, monkeypatch):
    ahead, _ = pair
    tok2vec = ahead.get_pipe("tok2vec")

    def broken(docs):
        raise RuntimeError("embedding failed")

    monkeypatch.setattr(tok2vec, "predict", broken)
    with pytest.raises(RuntimeError, match="embedding failed"):
        list(ahead.pipe(TEXTS, batch_size=2))
