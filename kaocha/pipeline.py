"""Custom spaCy components of the kaocha pipeline, registered as factories.

They are exposed through the ``spacy_factories`` entry point (pyproject.toml),
so ``spacy.load(model_dir)`` finds them in a fresh process once the package is
installed.

* ``kaocha_rule_features``: runs the generic rules (`kaocha.rules`) on the
  whole report and writes their entity matches as BIO tags into
  ``token.tag_``. The tok2vec embeds ``TAG``, so the model sees the rules as
  input and learns when they are right instead of the rules fixing its
  output. The rules need the whole report (a name seen once after a title is
  found again where it stands alone), so a training Doc, which holds one
  sentence, carries its report's text and offset in
  ``doc.user_data[REPORT_CONTEXT]`` (`kaocha.readers` keeps it on the Doc the
  model predicts on); a Doc without it is taken to be a whole report.
* ``kaocha_sentence_cats``: splits the Doc into sentences (spec §1) and scores
  each sentence for the nine cooperation areas with a scikit-learn model
  (character n-gram TF-IDF plus the rules' keyword categories, one logistic
  regression per label). It is fitted in ``initialize`` from the training
  examples (each a sentence with its gold ``cats``). Scores go to
  ``doc._.sentence_cats``; ``doc.cats`` holds the report-level maximum.
"""

from __future__ import annotations

import pickle
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.attrs import TAG
from spacy.tokens import Doc
from spacy.training import Example

from kaocha import rules
from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS
from kaocha.sentences import sentence_spans

#: user_data key of a sentence Doc's report: {"text": report text, "offset": sentence start}.
REPORT_CONTEXT = "kaocha_report_context"

if not Doc.has_extension("sentence_cats"):
    Doc.set_extension("sentence_cats", default=None)


# -- rule features ----------------------------------------------------------

@lru_cache(maxsize=64)
def _report_entities(text: str) -> tuple:
    """The rules' entities of a report (cached: a report's sentences share it)."""
    return tuple(rules.find_entities(text))


class RuleFeatures:
    """Write the rules' entity matches into ``token.tag_`` as B-/I-LABEL or O."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        strings = nlp.vocab.strings
        self.outside = strings.add("O")
        self.begin = {label: strings.add(f"B-{label}") for label in ENTITY_LABELS}
        self.inside = {label: strings.add(f"I-{label}") for label in ENTITY_LABELS}

    def __call__(self, doc: Doc) -> Doc:
        doc_text = doc.text  # built from the tokens on every access: read it once
        context = doc.user_data.get(REPORT_CONTEXT)
        text, offset = (context["text"], context["offset"]) if context else (doc_text, 0)
        if text[offset:offset + len(doc_text)] != doc_text:
            raise ValueError(f"[{self.name}] the Doc's report context does not contain its text at offset {offset}")
        token_starts = doc.to_array("IDX")
        tags = np.full((len(doc), 1), self.outside, dtype=np.uint64)
        for match in _report_entities(text):
            start, end = max(match.start - offset, 0), min(match.end - offset, len(doc_text))
            if start >= end:
                continue
            # the tokens that overlap [start, end) (spaCy's alignment_mode="expand")
            first = int(np.searchsorted(token_starts, start, side="right")) - 1
            stop = int(np.searchsorted(token_starts, end, side="left"))
            if first < 0 or stop <= first:
                continue
            tags[first, 0] = self.begin[match.label]
            tags[first + 1:stop, 0] = self.inside[match.label]
        doc.from_array([TAG], tags)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory("kaocha_rule_features")
def make_rule_features(nlp: Language, name: str) -> RuleFeatures:
    return RuleFeatures(nlp, name)


# -- sentence categories ----------------------------------------------------

def rule_category_matrix(texts: Iterable[str]) -> np.ndarray:
    """One 0/1 column per area: does the rule keyword list match the sentence?"""
    rows = []
    for text in texts:
        cats = set(rules.sentence_categories(text))
        rows.append([1.0 if label in cats else 0.0 for label in CATEGORY_LABELS])
    return np.asarray(rows, dtype=np.float32).reshape(-1, len(CATEGORY_LABELS))


def build_sentence_model(c: float, ngram_max: int, rule_weight: float):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    features = FeatureUnion(
        [("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, ngram_max), sublinear_tf=True, min_df=1)),
         ("rules", FunctionTransformer(rule_category_matrix))],
        transformer_weights={"chars": 1.0, "rules": rule_weight},
    )
    classifier = OneVsRestClassifier(LogisticRegression(C=c, class_weight="balanced", max_iter=2000))
    return make_pipeline(features, classifier)


CUTOFF_GRID = np.round(np.arange(0.15, 0.86, 0.05), 2)


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    truth = truth.astype(bool)
    tp = float(np.sum(truth & predicted))
    return 2 * tp / (float(truth.sum()) + float(predicted.sum())) if tp else 0.0


def _rescale(scores: np.ndarray, cutoff: float, threshold: float) -> np.ndarray:
    """Monotone piecewise-linear map of [0, 1] onto itself that sends ``cutoff``
    to ``threshold``: every consumer keeps one decision threshold, rankings
    (and so ROC-AUC) are unchanged."""
    low = scores * (threshold / cutoff)
    high = threshold + (scores - cutoff) * ((1 - threshold) / (1 - cutoff))
    return np.where(scores < cutoff, low, high)


class SentenceCategorizer:
    """Per-sentence multi-label scores for the nine areas (see module docstring)."""

    def __init__(self, nlp: Language, name: str, threshold: float, c: float, ngram_max: int, rule_weight: float,
                 tune_thresholds: bool = False):
        self.name = name
        self.labels = list(CATEGORY_LABELS)
        self.cfg = {"threshold": threshold, "c": c, "ngram_max": ngram_max, "rule_weight": rule_weight,
                    "tune_thresholds": tune_thresholds, "cutoffs": {}}
        self.model = None
        self.fitted_labels: list[str] = []

    # spaCy calls this with the training examples before training starts.
    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        texts, targets, groups = [], [], []
        for i, example in enumerate(get_examples()):
            doc = example.reference
            texts.append(doc.text)
            targets.append([1 if doc.cats.get(label, 0.0) >= 0.5 else 0 for label in self.labels])
            groups.append(doc.user_data.get("report", i))  # the sentence's report, for grouped folds
        if not texts:
            raise ValueError(f"[{self.name}] no training examples to fit the sentence categorizer")
        y = np.asarray(targets)
        present = [i for i in range(len(self.labels)) if 0 < y[:, i].sum() < len(y)]
        self.fitted_labels = [self.labels[i] for i in present]
        self.model = build_sentence_model(self.cfg["c"], self.cfg["ngram_max"], self.cfg["rule_weight"])
        self.cfg["cutoffs"] = {}
        if present:
            if self.cfg["tune_thresholds"]:
                self.cfg["cutoffs"] = self._tuned_cutoffs(texts, y[:, present], groups)
            self.model.fit(texts, y[:, present])

    def _tuned_cutoffs(self, texts: list[str], y: np.ndarray, groups: list) -> dict[str, float]:
        """Per-label score cutoffs that maximise F1 on out-of-fold predictions.

        Folds are grouped by report, within the training examples only, so a
        cutoff never sees the reports it will be judged on.
        """
        from sklearn.model_selection import GroupKFold, cross_val_predict

        n_folds = min(5, len(set(groups)))
        if n_folds < 2:
            return {}
        scores = cross_val_predict(
            build_sentence_model(self.cfg["c"], self.cfg["ngram_max"], self.cfg["rule_weight"]),
            texts, y, groups=groups, cv=GroupKFold(n_folds), method="predict_proba")
        cutoffs = {}
        for j, label in enumerate(self.fitted_labels):
            if y[:, j].sum() < 5:  # too few positives to tune on: keep the default
                continue
            best = max(CUTOFF_GRID, key=lambda t: (_f1(y[:, j], scores[:, j] >= t), -abs(t - self.cfg["threshold"])))
            cutoffs[label] = float(best)
        return cutoffs

    def predict_texts(self, texts: list[str]) -> np.ndarray:
        """Scores, one row per text, one column per label (0 for labels never seen in training)."""
        scores = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if self.model is None or not self.fitted_labels or not texts:
            return scores
        probabilities = self.model.predict_proba(texts)
        for j, label in enumerate(self.fitted_labels):
            cutoff = self.cfg.get("cutoffs", {}).get(label)
            column = probabilities[:, j]
            scores[:, self.labels.index(label)] = column if cutoff is None else _rescale(column, cutoff, self.cfg["threshold"])
        return scores

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._annotate(batch)
                batch = []
        if batch:
            yield from self._annotate(batch)

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        doc_texts = [doc.text for doc in docs]  # doc.text is rebuilt on each access
        spans = [sentence_spans(text) for text in doc_texts]
        texts = [text[s:e] for text, doc_spans in zip(doc_texts, spans) for s, e in doc_spans]
        scores = self.predict_texts(texts)
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

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        return pickle.dumps({"cfg": self.cfg, "model": self.model, "fitted_labels": self.fitted_labels})

    def from_bytes(self, data: bytes, *, exclude=tuple()) -> "SentenceCategorizer":
        state = pickle.loads(data)
        self.cfg, self.model, self.fitted_labels = state["cfg"], state["model"], state["fitted_labels"]
        return self

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "model.pkl").write_bytes(self.to_bytes())

    def from_disk(self, path, *, exclude=tuple()) -> "SentenceCategorizer":
        return self.from_bytes((Path(path) / "model.pkl").read_bytes())


@Language.factory(
    "kaocha_sentence_cats",
    default_config={"threshold": 0.5, "c": 4.0, "ngram_max": 3, "rule_weight": 2.0, "tune_thresholds": False},
    default_score_weights={"cats_macro_f": 0.5},
)
def make_sentence_cats(nlp: Language, name: str, threshold: float, c: float, ngram_max: int,
                       rule_weight: float, tune_thresholds: bool) -> SentenceCategorizer:
    return SentenceCategorizer(nlp, name, threshold, c, ngram_max, rule_weight, tune_thresholds)
