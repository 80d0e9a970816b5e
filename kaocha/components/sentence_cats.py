"""``kaocha_sentence_cats``: each sentence's scores for the nine cooperation areas.

Splits the Doc into sentences (spec §1) and scores each with one logistic
regression per area over character n-gram TF-IDF plus the rules' keyword
categories (the rule version the config names). With ``mask_entities`` the
keyword votes are taken on the sentence with the rules' entity matches in the
whole report masked out: a keyword inside a name (`科技局局长`,
`城市规划展示馆`, `生态旅游景区` among the sites visited) is not the subject
of the sentence (issue 15). Fitted in ``initialize`` from
the training examples (each a sentence with its gold ``cats``). Scores go to
``doc._.sentence_cats``; ``doc.cats`` holds the report-level maximum.

Saved as data only: the n-gram vocabulary and settings as JSON, the IDF
weights and regression coefficients as ``.npy`` (read with
``allow_pickle=False``). Prediction recomputes TF-IDF and the logistic
function from them, equal to scikit-learn's (tests/components check).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import srsly
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.util import minibatch
from spacy.training import Example

from kaocha.components import REPORT_CONTEXT
from kaocha.components.rule_features import _report_entities
from kaocha.labels import CATEGORY_LABELS
from kaocha.sentences import sentence_spans

if not Doc.has_extension("sentence_cats"):
    Doc.set_extension("sentence_cats", default=None)

ARRAYS = ("idf", "coef", "intercept")
#: What an entity's characters become before the keyword votes (``mask_entities``).
MASK = "\u25a1"


@lru_cache(maxsize=64)
def masked_report(rules, report: str) -> str:
    """``report`` with every character of the rules' entity matches in it replaced by ``MASK``."""
    chars = list(report)
    for match in _report_entities(rules, report):
        chars[match.start:match.end] = MASK * (match.end - match.start)
    return "".join(chars)


def masked_sentences(rules, report: str, spans: list[tuple[int, int]]) -> list[str]:
    """The sentences ``report[start:end]`` of the masked report."""
    masked = masked_report(rules, report)
    return [masked[start:end] for start, end in spans]


def rule_category_matrix(rules, texts: Iterable[str]) -> np.ndarray:
    """One 0/1 column per area: does the rules' keyword list match the sentence?"""
    rows = []
    for text in texts:
        cats = set(rules.sentence_categories(text))
        rows.append([1.0 if label in cats else 0.0 for label in CATEGORY_LABELS])
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(CATEGORY_LABELS))


class SentenceCategorizer:
    """Per-sentence multi-label scores for the nine areas (see module docstring)."""

    def __init__(self, nlp: Language, name: str, rules: Any, threshold: float, c: float, ngram_max: int,
                 rule_weight: float, mask_entities: bool = False):
        self.name = name
        self.rules = rules
        self.labels = list(CATEGORY_LABELS)
        self.cfg = {"threshold": threshold, "c": c, "ngram_max": ngram_max, "rule_weight": rule_weight,
                    "mask_entities": mask_entities}
        self.fitted_labels: list[str] = []
        self.vocab: list[str] = []
        self.arrays: dict[str, np.ndarray] = {}
        self._counter = None

    # -- features ----------------------------------------------------------

    def _count_vectorizer(self, vocabulary=None):
        from sklearn.feature_extraction.text import CountVectorizer

        return CountVectorizer(analyzer="char", ngram_range=(1, self.cfg["ngram_max"]), vocabulary=vocabulary)

    def _features(self, texts: list[str], vote_texts: list[str] | None = None):
        """TF-IDF (sublinear tf, l2 norm, as scikit-learn's TfidfVectorizer) beside the weighted rule votes
        (taken on ``vote_texts``, the masked sentences, when given)."""
        from scipy import sparse
        from sklearn.preprocessing import normalize

        if self._counter is None:
            self._counter = self._count_vectorizer({gram: i for i, gram in enumerate(self.vocab)})
        counts = self._counter.transform(texts).astype(np.float64)
        counts.data = np.log(counts.data) + 1.0
        tfidf = normalize(counts @ sparse.diags(self.arrays["idf"]), norm="l2")
        votes = rule_category_matrix(self.rules, vote_texts if vote_texts is not None else texts) * self.cfg["rule_weight"]
        return sparse.hstack([tfidf, sparse.csr_matrix(votes)]).tocsr()

    # -- training ----------------------------------------------------------

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        """Fit one logistic regression per area seen in the training sentences (spaCy calls this before training)."""
        texts, vote_texts, targets = [], [], []
        for example in get_examples():
            doc = example.reference
            text = doc.text
            texts.append(text)
            context = doc.user_data.get(REPORT_CONTEXT)
            report, offset = (context["text"], context["offset"]) if context else (text, 0)
            vote_texts.append(self.vote_texts(report, [(offset, offset + len(text))])[0])
            targets.append([1 if doc.cats.get(label, 0.0) >= 0.5 else 0 for label in self.labels])
        if not texts:
            raise ValueError(f"[{self.name}] no training examples to fit the sentence categorizer")
        self.fit(texts, np.asarray(targets), vote_texts)

    def vote_texts(self, report: str, spans: list[tuple[int, int]]) -> list[str]:
        """What the keyword votes read for each sentence span of ``report``: the masked sentence or the sentence."""
        if self.cfg.get("mask_entities"):
            return masked_sentences(self.rules, report, spans)
        return [report[start:end] for start, end in spans]

    def fit(self, texts: list[str], y: np.ndarray, vote_texts: list[str] | None = None) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        present = [i for i in range(len(self.labels)) if 0 < y[:, i].sum() < len(y)]
        self.fitted_labels = [self.labels[i] for i in present]
        tfidf = TfidfVectorizer(analyzer="char", ngram_range=(1, self.cfg["ngram_max"]), sublinear_tf=True, min_df=1)
        tfidf.fit(texts)
        self.vocab = sorted(tfidf.vocabulary_, key=tfidf.vocabulary_.get)
        self.arrays = {"idf": tfidf.idf_.astype(np.float64)}
        self._counter = None
        features = self._features(texts, vote_texts)
        coefs, intercepts = [], []
        for i in present:
            model = LogisticRegression(C=self.cfg["c"], class_weight="balanced", max_iter=2000).fit(features, y[:, i])
            coefs.append(model.coef_[0])
            intercepts.append(model.intercept_[0])
        width = features.shape[1]
        self.arrays["coef"] = np.asarray(coefs, dtype=np.float64).reshape(len(present), width)
        self.arrays["intercept"] = np.asarray(intercepts, dtype=np.float64)

    # -- prediction --------------------------------------------------------

    def predict_texts(self, texts: list[str], vote_texts: list[str] | None = None) -> np.ndarray:
        """Scores, one row per text, one column per label (0 for labels never seen in training)."""
        scores = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if not self.fitted_labels or not texts:
            return scores
        decision = self._features(texts, vote_texts) @ self.arrays["coef"].T + self.arrays["intercept"]
        probabilities = 1.0 / (1.0 + np.exp(-decision))
        for j, label in enumerate(self.fitted_labels):
            scores[:, self.labels.index(label)] = probabilities[:, j]
        return scores

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            yield from self._annotate(list(batch))

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        doc_texts = [doc.text for doc in docs]  # doc.text is rebuilt on each access
        spans = [sentence_spans(text) for text in doc_texts]
        votes = [v for text, doc_spans in zip(doc_texts, spans) for v in self.vote_texts(text, doc_spans)]
        scores = self.predict_texts([text[s:e] for text, doc_spans in zip(doc_texts, spans) for s, e in doc_spans], votes)
        row = 0
        for doc, doc_spans in zip(docs, spans):
            sentences = []
            for start, end in doc_spans:
                sentences.append({"start": start, "end": end,
                                  "cats": {label: float(scores[row, i]) for i, label in enumerate(self.labels)}})
                row += 1
            doc._.sentence_cats = sentences
            doc.cats = {label: max((s["cats"][label] for s in sentences), default=0.0) for label in self.labels}
        return docs

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return Scorer.score_cats(examples, "cats", labels=self.labels, multi_label=True,
                                 threshold=self.cfg["threshold"])

    # -- serialization: data only ------------------------------------------

    def _state(self) -> dict:
        return {"cfg": self.cfg, "fitted_labels": self.fitted_labels, "vocab": self.vocab}

    def _set_state(self, state: dict, arrays: dict[str, np.ndarray]) -> "SentenceCategorizer":
        self.cfg, self.fitted_labels, self.vocab = dict(state["cfg"]), list(state["fitted_labels"]), list(state["vocab"])
        self.cfg.setdefault("mask_entities", False)  # models saved before the option
        self.arrays, self._counter = arrays, None
        return self

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        arrays = {name: {"shape": list(a.shape), "data": a.astype("<f8").tobytes()} for name, a in self.arrays.items()}
        return srsly.msgpack_dumps({"state": self._state(), "arrays": arrays})

    def from_bytes(self, data: bytes, *, exclude=tuple()) -> "SentenceCategorizer":
        loaded = srsly.msgpack_loads(data)
        arrays = {name: np.frombuffer(a["data"], dtype="<f8").reshape(a["shape"]).copy() for name, a in loaded["arrays"].items()}
        return self._set_state(loaded["state"], arrays)

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "model.json").write_text(json.dumps(self._state(), ensure_ascii=False), encoding="utf-8")
        for name, array in self.arrays.items():
            np.save(path / f"{name}.npy", array, allow_pickle=False)

    def from_disk(self, path, *, exclude=tuple()) -> "SentenceCategorizer":
        path = Path(path)
        state = json.loads((path / "model.json").read_text(encoding="utf-8"))
        arrays = {name: np.load(path / f"{name}.npy", allow_pickle=False) for name in ARRAYS if (path / f"{name}.npy").exists()}
        return self._set_state(state, arrays)


@Language.factory(
    "kaocha_sentence_cats",
    assigns=["doc.cats", "doc._.sentence_cats"],
    default_config={"rules": {"@misc": "kaocha.rules.v2"}, "threshold": 0.5, "c": 4.0, "ngram_max": 3, "rule_weight": 2.0,
                    "mask_entities": False},
    default_score_weights={"cats_macro_f": 0.5},
)
def make_sentence_cats(nlp: Language, name: str, rules: Any, threshold: float, c: float, ngram_max: int,
                       rule_weight: float, mask_entities: bool) -> SentenceCategorizer:
    return SentenceCategorizer(nlp, name, rules, threshold, c, ngram_max, rule_weight, mask_entities)
