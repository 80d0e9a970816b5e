"""``kaocha_sentence_cats``: each sentence's scores for the nine cooperation areas.

Splits the Doc into sentences (spec §1) and scores each with one logistic
regression per area over character n-gram TF-IDF plus the rules' keyword
categories (the rule version the config names). With ``mask_entities`` the
keyword votes are taken on the sentence with the rules' entity matches in the
whole report masked out: a keyword inside a name (`科技局局长`,
`城市规划展示馆`, `生态旅游景区` among the sites visited) is not the subject
of the sentence (issue 15). With ``vector_weight`` > 0 the features also hold
the sentence's mean word vector (static vectors trained on news transcripts,
`python -m training.word_vectors`), over the words the ``words_from``
component (`kaocha_word_features`, earlier in the pipeline) cut: the
vectors bring what millions of characters say about words the annotated
sentences never show (issue 15). Fitted in ``initialize`` from
the training examples (each a sentence with its gold ``cats``). Scores go to
``doc._.sentence_cats``; ``doc.cats`` holds the report-level maximum.

Saved as data only: the n-gram vocabulary, the vector words and settings as
JSON, the IDF weights, word vectors and regression coefficients as ``.npy`` (read with
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
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.util import minibatch
from spacy.training import Example

from kaocha.components import REPORT_CONTEXT
from kaocha.components.rule_features import _report_entities
from kaocha.components.word_features import OUTSIDE
from kaocha.labels import CATEGORY_LABELS
from kaocha.sentences import sentence_spans

if not Doc.has_extension("sentence_cats"):
    Doc.set_extension("sentence_cats", default=None)

ARRAYS = ("idf", "coef", "intercept", "word_vectors")
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


def words_in(text: str, features: list[str], start: int, end: int) -> list[str]:
    """The words of ``text[start:end]`` from per-character ``<tag>-<B|I|E|S>`` features
    (`kaocha.components.word_features`); characters outside every word are skipped."""
    words: list[str] = []
    current: list[str] = []
    for i in range(start, end):
        feature = features[i]
        if not feature or feature == OUTSIDE:
            if current:
                words.append("".join(current))
                current = []
            continue
        place = feature[-1]
        if current and place in "BS":
            words.append("".join(current))
            current = []
        current.append(text[i])
        if place in "ES":
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return [word for word in words if not word.isspace()]


def load_word_vectors(path: str | Path) -> tuple[list[str], np.ndarray]:
    """``words.txt`` and ``vectors.npy`` of a directory written by `python -m training.word_vectors`."""
    path = Path(path)
    try:
        words = (path / "words.txt").read_text(encoding="utf-8").splitlines()
        vectors = np.load(path / "vectors.npy", allow_pickle=False)
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: cannot read the word vectors ({err}); build them with "
                         f"`python -m training.word_vectors --out {path}`") from err
    if vectors.ndim != 2 or vectors.shape[0] != len(words) or len(set(words)) != len(words):
        raise ValueError(f"{path}: {len(words)} words in words.txt (distinct: {len(set(words))}) "
                         f"but vectors.npy has shape {vectors.shape}")
    return words, vectors.astype(np.float32)


class SentenceCategorizer:
    """Per-sentence multi-label scores for the nine areas (see module docstring)."""

    def __init__(self, nlp: Language, name: str, rules: Any, threshold: float, c: float, ngram_max: int,
                 rule_weight: float, mask_entities: bool = False, vector_weight: float = 0.0,
                 words_from: str | None = None):
        if vector_weight and not words_from:
            raise ValueError(f"[{name}] vector_weight needs words_from: the word features component that cuts the words")
        self.name = name
        self.rules = rules
        self.nlp = nlp
        self.labels = list(CATEGORY_LABELS)
        self.cfg = {"threshold": threshold, "c": c, "ngram_max": ngram_max, "rule_weight": rule_weight,
                    "mask_entities": mask_entities, "vector_weight": vector_weight, "words_from": words_from}
        self.fitted_labels: list[str] = []
        self.vocab: list[str] = []
        self.vector_words: list[str] = []
        self.arrays: dict[str, np.ndarray] = {}
        self._counter = None
        self._rows: dict[str, int] | None = None

    # -- features ----------------------------------------------------------

    def _count_vectorizer(self, vocabulary=None):
        from sklearn.feature_extraction.text import CountVectorizer

        return CountVectorizer(analyzer="char", ngram_range=(1, self.cfg["ngram_max"]), vocabulary=vocabulary)

    def uses_vectors(self) -> bool:
        return bool(self.cfg.get("vector_weight"))

    def mean_vectors(self, words_of: list[list[str]]) -> np.ndarray:
        """Each sentence's mean word vector (words without a vector skipped), scaled to unit length."""
        if self._rows is None:
            self._rows = {word: i for i, word in enumerate(self.vector_words)}
        table = self.arrays["word_vectors"]
        out = np.zeros((len(words_of), table.shape[1]), dtype=np.float64)
        for i, words in enumerate(words_of):
            rows = [self._rows[w] for w in words if w in self._rows]
            if rows:
                mean = table[rows].mean(axis=0, dtype=np.float64)
                norm = np.linalg.norm(mean)
                out[i] = mean / norm if norm else mean
        return out

    def _features(self, texts: list[str], vote_texts: list[str] | None = None,
                  words_of: list[list[str]] | None = None):
        """TF-IDF (sublinear tf, l2 norm, as scikit-learn's TfidfVectorizer) beside the weighted rule votes
        (taken on ``vote_texts``, the masked sentences, when given) and, with vectors, the weighted
        mean word vectors of ``words_of``."""
        from scipy import sparse
        from sklearn.preprocessing import normalize

        if self._counter is None:
            self._counter = self._count_vectorizer({gram: i for i, gram in enumerate(self.vocab)})
        counts = self._counter.transform(texts).astype(np.float64)
        counts.data = np.log(counts.data) + 1.0
        tfidf = normalize(counts @ sparse.diags(self.arrays["idf"]), norm="l2")
        votes = rule_category_matrix(self.rules, vote_texts if vote_texts is not None else texts) * self.cfg["rule_weight"]
        blocks = [tfidf, sparse.csr_matrix(votes)]
        if self.uses_vectors():
            if words_of is None or len(words_of) != len(texts):
                raise ValueError(f"[{self.name}] the word-vector features need the words of every sentence")
            blocks.append(sparse.csr_matrix(self.mean_vectors(words_of) * self.cfg["vector_weight"]))
        return sparse.hstack(blocks).tocsr()

    def _words_component(self, nlp: Language | None):
        """The pipeline's word features component named by ``words_from``, which must run before this one."""
        nlp = nlp or self.nlp
        name = self.cfg["words_from"]
        names = nlp.component_names  # disabled ones too: doc_features names a disabled one
        if name not in names:
            raise ValueError(f"[{self.name}] words_from names {name!r}, which is not in the pipeline "
                             f"({', '.join(names)})")
        if self.name in names and names.index(name) > names.index(self.name):
            raise ValueError(f"[{self.name}] words_from {name!r} must come before {self.name!r} in the pipeline")
        return nlp.get_pipe(name)

    def doc_features(self, doc: Doc, text: str | None = None) -> list[str]:
        """The word features (``<tag>-<B|I|E|S>``) of each character of ``doc`` (whose ``text`` may be
        given: spaCy rebuilds ``doc.text`` from the tokens at every access), from the token attribute
        the ``words_from`` component wrote."""
        component = self._words_component(None)
        strings = doc.vocab.strings
        text = doc.text if text is None else text
        features = [""] * len(text)
        names: dict[int, str] = {}
        for start, length, code in doc.to_array([IDX, LENGTH, component.attr_id]).tolist():
            feature = names.get(code)
            if feature is None:
                feature = names[code] = strings[code] if code else ""
            features[start:start + length] = [feature] * length
        if text.strip() and not any(features):
            raise ValueError(f"[{self.name}] the Doc has no word features: run {self.cfg['words_from']!r} before "
                             f"{self.name!r} (it is disabled or missing)")
        return features

    # -- training ----------------------------------------------------------

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None,
                   word_vectors: str | None = None) -> None:
        """Fit one logistic regression per area seen in the training sentences (spaCy calls this before training).

        ``word_vectors``: the directory of `python -m training.word_vectors`
        (``[initialize.components.<name>] word_vectors``), needed when ``vector_weight`` > 0.
        (Annotated ``str | None``: spaCy validates it with pydantic, which cannot resolve ``Path`` here.)
        """
        if self.uses_vectors():
            if word_vectors is None:
                raise ValueError(f"[{self.name}] vector_weight > 0 needs word vectors: set [initialize.components."
                                 f"{self.name}] word_vectors (build them with `python -m training.word_vectors`)")
            self.vector_words, self.arrays["word_vectors"] = load_word_vectors(word_vectors)
            self._rows = None
        texts, vote_texts, targets, docs = [], [], [], []
        for example in get_examples():
            doc = example.reference
            text = doc.text
            texts.append(text)
            context = doc.user_data.get(REPORT_CONTEXT)
            report, offset = (context["text"], context["offset"]) if context else (text, 0)
            vote_texts.append(self.vote_texts(report, [(offset, offset + len(text))])[0])
            targets.append([1 if doc.cats.get(label, 0.0) >= 0.5 else 0 for label in self.labels])
            docs.append(doc)
        if not texts:
            raise ValueError(f"[{self.name}] no training examples to fit the sentence categorizer")
        words_of = None
        if self.uses_vectors():
            # Sentence Docs carry their report (REPORT_CONTEXT): the words are cut in the whole report, as at prediction.
            fresh = []
            for doc, text in zip(docs, texts):
                copy = (nlp or self.nlp).make_doc(text)
                copy.user_data.update(doc.user_data)
                fresh.append(copy)
            annotated = self._words_component(nlp).pipe(fresh)
            words_of = [words_in(text, self.doc_features(doc, text), 0, len(text)) for doc, text in zip(annotated, texts)]
        self.fit(texts, np.asarray(targets), vote_texts, words_of)

    def vote_texts(self, report: str, spans: list[tuple[int, int]]) -> list[str]:
        """What the keyword votes read for each sentence span of ``report``: the masked sentence or the sentence."""
        if self.cfg.get("mask_entities"):
            return masked_sentences(self.rules, report, spans)
        return [report[start:end] for start, end in spans]

    def fit(self, texts: list[str], y: np.ndarray, vote_texts: list[str] | None = None,
            words_of: list[list[str]] | None = None) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        present = [i for i in range(len(self.labels)) if 0 < y[:, i].sum() < len(y)]
        self.fitted_labels = [self.labels[i] for i in present]
        tfidf = TfidfVectorizer(analyzer="char", ngram_range=(1, self.cfg["ngram_max"]), sublinear_tf=True, min_df=1)
        tfidf.fit(texts)
        self.vocab = sorted(tfidf.vocabulary_, key=tfidf.vocabulary_.get)
        self.arrays = {"idf": tfidf.idf_.astype(np.float64),
                       **({"word_vectors": self.arrays["word_vectors"]} if self.uses_vectors() else {})}
        self._counter = None
        features = self._features(texts, vote_texts, words_of)
        coefs, intercepts = [], []
        for i in present:
            model = LogisticRegression(C=self.cfg["c"], class_weight="balanced", max_iter=2000).fit(features, y[:, i])
            coefs.append(model.coef_[0])
            intercepts.append(model.intercept_[0])
        width = features.shape[1]
        self.arrays["coef"] = np.asarray(coefs, dtype=np.float64).reshape(len(present), width)
        self.arrays["intercept"] = np.asarray(intercepts, dtype=np.float64)

    # -- prediction --------------------------------------------------------

    def predict_texts(self, texts: list[str], vote_texts: list[str] | None = None,
                      words_of: list[list[str]] | None = None) -> np.ndarray:
        """Scores, one row per text, one column per label (0 for labels never seen in training)."""
        scores = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if not self.fitted_labels or not texts:
            return scores
        decision = self._features(texts, vote_texts, words_of) @ self.arrays["coef"].T + self.arrays["intercept"]
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
        words_of = None
        if self.uses_vectors():
            words_of = []
            for doc, text, doc_spans in zip(docs, doc_texts, spans):
                features = self.doc_features(doc, text)
                words_of.extend(words_in(text, features, s, e) for s, e in doc_spans)
        scores = self.predict_texts([text[s:e] for text, doc_spans in zip(doc_texts, spans) for s, e in doc_spans],
                                    votes, words_of)
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
        return {"cfg": self.cfg, "fitted_labels": self.fitted_labels, "vocab": self.vocab,
                "vector_words": self.vector_words}

    def _set_state(self, state: dict, arrays: dict[str, np.ndarray]) -> "SentenceCategorizer":
        self.cfg, self.fitted_labels, self.vocab = dict(state["cfg"]), list(state["fitted_labels"]), list(state["vocab"])
        self.cfg.setdefault("mask_entities", False)  # models saved before the option
        self.cfg.setdefault("vector_weight", 0.0)
        self.cfg.setdefault("words_from", None)
        self.vector_words = list(state.get("vector_words", []))
        self.arrays, self._counter, self._rows = arrays, None, None
        if self.uses_vectors() and self.arrays.get("word_vectors", np.zeros((0, 0))).shape[0] != len(self.vector_words):
            raise ValueError(f"[{self.name}] the saved word vectors do not match the saved vector words")
        return self

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        arrays = {name: {"shape": list(a.shape), "dtype": a.dtype.newbyteorder("<").str,
                         "data": a.astype(a.dtype.newbyteorder("<")).tobytes()} for name, a in self.arrays.items()}
        return srsly.msgpack_dumps({"state": self._state(), "arrays": arrays})

    def from_bytes(self, data: bytes, *, exclude=tuple()) -> "SentenceCategorizer":
        loaded = srsly.msgpack_loads(data)
        arrays = {name: np.frombuffer(a["data"], dtype=a.get("dtype", "<f8")).reshape(a["shape"]).copy()
                  for name, a in loaded["arrays"].items()}
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
                    "mask_entities": False, "vector_weight": 0.0, "words_from": None},
    default_score_weights={"cats_macro_f": 0.5},
)
def make_sentence_cats(nlp: Language, name: str, rules: Any, threshold: float, c: float, ngram_max: int,
                       rule_weight: float, mask_entities: bool, vector_weight: float,
                       words_from: str | None) -> SentenceCategorizer:
    return SentenceCategorizer(nlp, name, rules, threshold, c, ngram_max, rule_weight, mask_entities,
                               vector_weight, words_from)
