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

from itertools import islice
from typing import Callable, Iterable, Optional

import numpy as np
from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.language import Language
from spacy.pipeline.ner import ner_score
from spacy.pipeline.tagger import Tagger
from spacy.tokens import Doc
from spacy.training import Example, validate_examples
from thinc.api import Config, Model, SequenceCategoricalCrossentropy

from kaocha.components.viterbi import best_allowed_paths

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


#: Added to the score of a tag where a sequence may not start or end with it.
FORBIDDEN = -1e4


def gold_tag(biluo: Optional[str]) -> Optional[str]:
    """The training target of a gold BILUO tag; None where the gold is missing or misaligned."""
    return None if biluo in (None, "", "-") else biluo


def _move_and_kind(tag: str) -> tuple[str, str]:
    return (OUTSIDE, "") if tag == OUTSIDE else tuple(tag.split("-", 1))  # type: ignore[return-value]


def biluo_rules(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which tag may follow which (previous × next), which may start and which may end a sequence."""
    parts = [_move_and_kind(tag) for tag in labels]
    allowed = np.array([[next_move in ("I", "L") and next_kind == kind if move in ("B", "I")
                         else next_move in (OUTSIDE, "B", "U")
                         for next_move, next_kind in parts] for move, kind in parts])
    may_start = np.array([move in (OUTSIDE, "B", "U") for move, _ in parts])
    may_end = np.array([move in (OUTSIDE, "L", "U") for move, _ in parts])
    return allowed, may_start, may_end


def entity_columns(labels: tuple[str, ...], strings) -> np.ndarray:
    """Per tag id, its token's ``ENT_IOB`` (3 begins, 1 continues, 2 outside) and ``ENT_TYPE``.

    A valid BILUO sequence written through these columns with
    `Doc.from_array` gives the same entities as ``doc.set_ents``, without a
    Span per entity.
    """
    columns = np.zeros((len(labels), 2), dtype=np.uint64)
    for i, tag in enumerate(labels):
        move, kind = _move_and_kind(tag)
        columns[i] = (2, 0) if move == OUTSIDE else (3 if move in "BU" else 1, strings.add(kind))
    return columns


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
                 scorer: Callable = ner_score):
        super().__init__(vocab, model, name, overwrite=False, scorer=scorer, label_smoothing=label_smoothing)

    def predict(self, docs: list[Doc]) -> list[np.ndarray]:
        """The best valid BILUO tag ids of each Doc."""
        docs = list(docs)
        lengths = np.array([len(doc) for doc in docs])
        if not lengths.sum():
            return [np.zeros(0, dtype=np.int64) for _ in docs]
        scores = self.model.predict(docs)
        allowed, may_start, may_end = biluo_rules(self.labels)
        emissions = np.zeros((len(docs), lengths.max(), len(self.labels)), dtype=np.float32)
        for row, doc_scores in enumerate(scores):
            emissions[row, :len(doc_scores)] = self.model.ops.to_numpy(doc_scores)
        rows = np.flatnonzero(lengths)
        emissions[rows, 0] += np.where(may_start, 0.0, FORBIDDEN)
        emissions[rows, lengths[rows] - 1] += np.where(may_end, 0.0, FORBIDDEN)
        paths = best_allowed_paths(emissions, np.maximum(lengths, 1), allowed)
        return [paths[row, :length] for row, length in enumerate(lengths)]

    def set_annotations(self, docs: Iterable[Doc], batch_tag_ids) -> None:
        if isinstance(docs, Doc):
            docs = [docs]
        columns = entity_columns(self.labels, self.vocab.strings)
        for doc, tag_ids in zip(docs, batch_tag_ids):
            doc.from_array([ENT_IOB, ENT_TYPE], columns[tag_ids])

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
        for eg in islice(get_examples(), 10):
            doc_sample.append(eg.predicted)
            gold = [gold_tag(tag) for tag in eg.get_aligned_ner()]
            label_sample.append(self.model.ops.asarray(
                [[1.0 if label == tag else 0.0 for label in self.labels] for tag in gold], dtype="float32"))
        self.model.initialize(X=doc_sample, Y=label_sample)
