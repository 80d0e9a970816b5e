"""``kaocha_tag_ner``: entities from one softmax per character (BILUO tags).

spaCy's transition-based ``ner`` predicts one action at a time, each from
the state the previous one left; on Chinese text, where every character is
a token, that loop is most of the fast pipeline's time. This component is
spaCy's ``Tagger`` (a softmax over the shared tok2vec, all characters of a
batch at once) trained on the gold entities as BILUO tags, and it writes
``doc.ents`` instead of ``token.tag_`` (which holds the rules' features).

The tags are BILUO (as spaCy's ``ner`` moves); decoding is a Viterbi pass
that allows only valid BILUO sequences (``I-X`` only after ``B-X`` or
``I-X``, no open entity at the end), so every prediction reads as entities. The
component serializes what the tagger does (labels as JSON, weights as
msgpack): loading it runs no stored code.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

import numpy as np
from spacy.language import Language
from spacy.pipeline.tagger import Tagger
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.training import Example, validate_examples
from thinc.api import Config, Model, SequenceCategoricalCrossentropy

from kaocha.components.viterbi import best_paths

OUTSIDE = "O"

DEFAULT_MODEL = Config().from_str(
    """
    [model]
    @architectures = "spacy.Tagger.v2"
    nO = null
    normalize = false

    [model.tok2vec]
    @architectures = "spacy.Tok2VecListener.v1"
    width = 96
    upstream = "*"
    """
)["model"]


#: Score of a forbidden BILUO transition (allowed ones score 0).
FORBIDDEN = -1e4


def gold_tag(biluo: Optional[str]) -> Optional[str]:
    """The training target of a gold BILUO tag; None where the gold is missing or misaligned."""
    return None if biluo in (None, "", "-") else biluo


def constraints(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Transition scores (previous × next) and start and end scores that allow only valid BILUO."""
    move = [tag.split("-", 1)[0] if tag != OUTSIDE else OUTSIDE for tag in labels]
    kind = [tag.split("-", 1)[1] if tag != OUTSIDE else "" for tag in labels]
    n = len(labels)
    transitions = np.full((n, n), FORBIDDEN, dtype=np.float32)
    for i in range(n):
        for j in range(n):
            if move[i] in ("B", "I"):  # an open entity continues with I or L of its kind
                allowed = move[j] in ("I", "L") and kind[j] == kind[i]
            else:
                allowed = move[j] in (OUTSIDE, "B", "U")
            if allowed:
                transitions[i, j] = 0.0
    start = np.array([0.0 if m in (OUTSIDE, "B", "U") else FORBIDDEN for m in move], dtype=np.float32)
    end = np.array([0.0 if m in (OUTSIDE, "L", "U") else FORBIDDEN for m in move], dtype=np.float32)
    return transitions, start, end


def spans_of(tag_ids: np.ndarray, labels: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(start, end, label) of each entity in a valid BILUO sequence of tag ids."""
    tags = [labels[i] for i in tag_ids.tolist()]
    spans, start = [], 0
    for position, tag in enumerate(tags):
        if tag[0] in "BU":
            start = position
        if tag[0] in "LU":
            spans.append((start, position + 1, tag[2:]))
    return spans


def score_entities(examples: Iterable[Example], **kwargs) -> dict:
    """spaCy's entity scores (ents_p, ents_r, ents_f, ents_per_type), as ``ner`` reports them."""
    return get_ner_prf(examples, **kwargs)


@Language.factory(
    "kaocha_tag_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={"model": DEFAULT_MODEL, "label_smoothing": 0.0},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_tag_ner(nlp: Language, name: str, model: Model, label_smoothing: float) -> "TagNER":
    return TagNER(nlp.vocab, model, name, label_smoothing=label_smoothing)


class TagNER(Tagger):
    """spaCy's tagger, trained on and writing entities (BILUO tags) instead of ``token.tag_``."""

    def __init__(self, vocab, model: Model, name: str = "kaocha_tag_ner", *, label_smoothing: float = 0.0,
                 scorer: Callable = score_entities):
        super().__init__(vocab, model, name, overwrite=False, scorer=scorer, label_smoothing=label_smoothing)

    def predict(self, docs: list[Doc]) -> list[np.ndarray]:
        """The best valid BILUO tag ids of each Doc."""
        docs = list(docs)
        lengths = np.array([len(doc) for doc in docs])
        if not lengths.sum():
            return [np.zeros(0, dtype=np.int64) for _ in docs]
        scores = self.model.predict(docs)
        transitions, start, end = constraints(self.labels)
        emissions = np.zeros((len(docs), lengths.max(), len(self.labels)), dtype=np.float32)
        for row, doc_scores in enumerate(scores):
            emissions[row, :len(doc_scores)] = self.model.ops.to_numpy(doc_scores)
        rows = np.flatnonzero(lengths)
        emissions[rows, 0] += start
        emissions[rows, lengths[rows] - 1] += end
        paths = best_paths(emissions, np.maximum(lengths, 1), transitions)
        return [paths[row, :length] for row, length in enumerate(lengths)]

    def set_annotations(self, docs: Iterable[Doc], batch_tag_ids) -> None:
        if isinstance(docs, Doc):
            docs = [docs]
        labels = self.labels
        for doc, tag_ids in zip(docs, batch_tag_ids):
            doc.set_ents([Span(doc, start, end, label) for start, end, label in spans_of(tag_ids, labels)],
                         default="outside")

    def get_loss(self, examples: Iterable[Example], scores) -> tuple[float, list]:
        validate_examples(examples, "TagNER.get_loss")
        loss_func = SequenceCategoricalCrossentropy(names=self.labels, normalize=False,
                                                    label_smoothing=self.cfg["label_smoothing"])
        truths = [[gold_tag(tag) for tag in eg.get_aligned_ner()] for eg in examples]
        d_scores, loss = loss_func(scores, truths)
        if self.model.ops.xp.isnan(loss):
            raise ValueError(f"[{self.name}] the loss is NaN")
        return float(loss), d_scores

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Optional[Language] = None,
                   labels: Optional[Iterable[str]] = None) -> None:
        """Labels: O and B-/I-/L-/U- of every entity label in the examples (or ``labels``, as saved)."""
        if labels is None:
            kinds = sorted({ent.label_ for eg in get_examples() for ent in eg.reference.ents})
            if not kinds:
                raise ValueError(f"[{self.name}] the training examples have no entities to learn")
            labels = [OUTSIDE] + [f"{move}-{kind}" for kind in kinds for move in "BILU"]
        for label in labels:
            self.add_label(label)
        doc_sample, label_sample = [], []
        for eg in list(get_examples())[:10]:
            doc_sample.append(eg.predicted)
            gold = [gold_tag(tag) for tag in eg.get_aligned_ner()]
            label_sample.append(self.model.ops.asarray(
                [[1.0 if label == tag else 0.0 for label in self.labels] for tag in gold], dtype="float32"))
        self.model.initialize(X=doc_sample, Y=label_sample)
