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

import bisect
import pickle
import random
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
from spacy.language import Language
from spacy.util import registry
from spacy.scorer import Scorer
from spacy.attrs import LEMMA, TAG
from spacy.tokens import Doc, Span
from spacy.training import Example

from kaocha import lexicon, rules
from kaocha.labels import CATEGORY_LABELS, ENTITY_LABELS
from kaocha.sentences import sentence_spans

#: user_data key of a sentence Doc's report: {"text": report text, "offset": sentence start}.
REPORT_CONTEXT = "kaocha_report_context"
#: user_data key marking a training Doc made from an augmented copy (training/augment.py).
AUGMENTED = "kaocha_augmented"

if not Doc.has_extension("sentence_cats"):
    Doc.set_extension("sentence_cats", default=None)


# -- rule features ----------------------------------------------------------

@lru_cache(maxsize=64)
def _report_entities(text: str) -> tuple:
    """The rules' entities of a report (cached: a report's sentences share it)."""
    return tuple(rules.find_entities(text))


class RuleFeatures:
    """Write the rules' entity matches into ``token.tag_`` as B-/I-LABEL or O.

    ``match_dropout``: while training (``update``), each rule match is left out
    with this probability, so the network also learns to find entities from
    the characters and context where the rules are silent, instead of only
    copying them. Prediction always writes every match.
    """

    def __init__(self, nlp: Language, name: str, match_dropout: float = 0.0, lexicon_features: bool = False):
        self.name = name
        self.match_dropout = match_dropout
        self.lexicon_features = lexicon_features
        self.strings = strings = nlp.vocab.strings
        self.outside = strings.add("O")
        self.begin = {label: strings.add(f"B-{label}") for label in ENTITY_LABELS}
        self.inside = {label: strings.add(f"I-{label}") for label in ENTITY_LABELS}

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate(doc, dropout=0.0)

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd=None, losses=None) -> dict:
        """Called by spaCy's training loop before tok2vec and ner learn from the
        examples: annotate their predicted Docs, leaving matches out at random.
        (Not an ``annotating_components`` entry: that would overwrite these.)"""
        for example in examples:
            self._annotate(example.predicted, dropout=self.match_dropout)
        return losses if losses is not None else {}

    def _annotate(self, doc: Doc, dropout: float) -> Doc:
        doc_text = doc.text  # built from the tokens on every access: read it once
        context = doc.user_data.get(REPORT_CONTEXT)
        text, offset = (context["text"], context["offset"]) if context else (doc_text, 0)
        if text[offset:offset + len(doc_text)] != doc_text:
            raise ValueError(f"[{self.name}] the Doc's report context does not contain its text at offset {offset}")
        token_starts = doc.to_array("IDX")
        tags = np.full((len(doc), 1), self.outside, dtype=np.uint64)
        for match in _report_entities(text):
            if dropout and random.random() < dropout:
                continue
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
        if self.lexicon_features:
            flags = lexicon_flags(doc_text)
            marks = [""] * len(doc)
            token_of_char = np.searchsorted(token_starts, np.arange(len(doc_text)), side="right") - 1
            for i, flag in enumerate(flags):
                if flag and token_of_char[i] >= 0 and flag not in marks[token_of_char[i]]:
                    marks[token_of_char[i]] += flag
            lemmas = np.asarray([[self.strings.add(m or "_")] for m in marks], dtype=np.uint64).reshape(-1, 1)
            doc.from_array([TAG, LEMMA], np.hstack([tags, lemmas]))
        else:
            doc.from_array([TAG], tags)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory("kaocha_rule_features", default_config={"match_dropout": 0.0, "lexicon_features": False})
def make_rule_features(nlp: Language, name: str, match_dropout: float, lexicon_features: bool) -> RuleFeatures:
    return RuleFeatures(nlp, name, match_dropout, lexicon_features)


#: Lexicon flags of a character (``lexicon_features``), from `kaocha/data/`.
LEXICON_FLAGS = {
    "S": "place_suffix_end",   # a place suffix (纪念馆, 产业园, 村 …) ends here
    "V": "after_visit",        # the first character after a visit verb (来到, 考察 …)
    "C": "cut",                # a clause-end or venue-cut word starts here
    "T": "title_end",          # a title word (书记, 市长 …) ends here
    "O": "organ",              # inside an organ (省委, 人大常委会 …)
    "N": "surname",            # a surname character
    "A": "name_after",         # a word that follows names starts here
}


@lru_cache(maxsize=1)
def _lexicon_regexes() -> dict[str, "re.Pattern"]:
    import re

    def alternation(words) -> "re.Pattern":
        return re.compile(rules._alternation(w for w in words if w.strip()))  # rules.py is frozen: reuse, do not change

    cues = lexicon.cue_words()
    return {"S": alternation(lexicon.place_suffixes()),
            "V": alternation(cues.get("visit", ()) + cues.get("visit_strong", ())),
            "C": alternation(cues.get("clause_end", ()) + cues.get("venue_cut", ())),
            "T": alternation(lexicon.title_words()),
            "O": alternation(lexicon.organs()),
            "A": alternation(cues.get("name_after", ()))}


def lexicon_flags(text: str) -> list[str]:
    """Per character, the letters of `LEXICON_FLAGS` that hold there (generic
    knowledge only; the model learns what they are worth)."""
    flags = [""] * len(text)
    for flag, regex in _lexicon_regexes().items():
        for match in regex.finditer(text):
            if flag in "ST":
                at = [match.end() - 1]
            elif flag == "V":
                at = [match.end()] if match.end() < len(text) else []
            elif flag == "O":
                at = range(match.start(), match.end())
            else:
                at = [match.start()]
            for i in at:
                if flag not in flags[i]:
                    flags[i] += flag
    surnames = {s for s in lexicon.surnames() if len(s) == 1}
    for i, char in enumerate(text):
        if char in surnames:
            flags[i] += "N"
    return flags


# -- venues from a span categorizer -----------------------------------------

#: ``doc.spans`` key of the gold VENUE spans (training data) and of spancat's predictions.
VENUE_SPANS_KEY = "venues"


class VenueSpans:
    """Replace the ner's VENUE entities with the span categorizer's venues.

    Used by configs/ner_spancat.cfg, where a ``spancat`` (key ``venues``)
    scores candidate spans and may find long names a transition-based ner
    cuts short. Highest-scoring spans win; a venue that overlaps an OFFICIAL
    or POST entity is dropped.
    """

    def __init__(self, nlp: Language, name: str, spans_key: str):
        self.name = name
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans.get(self.spans_key)
        if group is None:
            return doc
        kept = [e for e in doc.ents if e.label_ != "VENUE"]
        taken = np.zeros(len(doc), dtype=bool)
        for ent in kept:
            taken[ent.start:ent.end] = True
        scores = group.attrs.get("scores")
        order = np.argsort(-np.asarray(scores).ravel()) if scores is not None and len(scores) == len(group) else range(len(group))
        for i in order:
            span = group[int(i)]
            if span.label_ == "VENUE" and not taken[span.start:span.end].any():
                kept.append(Span(doc, span.start, span.end, label="VENUE"))
                taken[span.start:span.end] = True
        doc.ents = sorted(kept, key=lambda e: e.start)
        return doc


_BOUNDARY = set(",。、;:!?()“”《》\n ,.;:()·—|")
_HARD_BREAKS = set(",。、;:!?\n,;: ")


def venue_candidates(doc: Doc, min_size: int, max_size: int) -> np.ndarray:
    """Token spans (start, end) that may be a venue, by generic cues rather than
    every n-gram: a candidate starts at the text's start, after punctuation, a
    joining word, a visit verb, a cut word or a jurisdiction suffix, or where a
    rule venue starts; it ends before punctuation, a joining word, a cut word or
    a name-follower, after a place suffix, or where a rule venue ends. On the
    97 annotated reports this keeps 269 of 299 gold venues (90%) with 29,219
    candidates, 3% of the 1.0M spans of every 2-16 character n-gram. Reads
    the rule tags (``kaocha_rule_features`` runs first)."""
    text = doc.text
    n = len(text)
    flags = lexicon_flags(text)
    cut_ends = {m.end() for m in _lexicon_regexes()["C"].finditer(text)}
    rule_starts, rule_ends = set(), set()
    for token in doc:
        if token.tag_ == "B-VENUE":
            rule_starts.add(token.idx)
        if token.tag_ in ("B-VENUE", "I-VENUE") and (token.i + 1 == len(doc) or doc[token.i + 1].tag_ != "I-VENUE"):
            rule_ends.add(token.idx + len(token.text))

    def start_ok(at: int) -> bool:
        if at == 0:
            return True
        before = text[at - 1]
        return (before in _BOUNDARY or before in "和及与在到至赴县区市省州旗" or "V" in flags[at]
                or at in rule_starts or at in cut_ends)

    def end_ok(at: int) -> bool:
        if at >= n:
            return True
        after = text[at]
        return ("S" in flags[at - 1] or at in rule_ends or after in _BOUNDARY or after in "等和及与的项"
                or "C" in flags[at] or "A" in flags[at])

    # no candidate runs across a clause break
    breaks = [t.i for t in doc if t.text in _HARD_BREAKS]
    starts = [t.i for t in doc if start_ok(t.idx) and t.text not in _BOUNDARY]
    ends = {t.i + 1 for t in doc if end_ok(t.idx + len(t.text)) and t.text not in _BOUNDARY}
    pairs = []
    for s in starts:
        stop = min(s + max_size, len(doc))
        following = bisect.bisect_left(breaks, s)  # breaks are in token order
        if following < len(breaks):
            stop = min(stop, breaks[following])
        pairs.extend((s, e) for e in range(s + min_size, stop + 1) if e in ends)
    return np.asarray(pairs, dtype="i").reshape(-1, 2)


@registry.misc("kaocha.venue_suggester.v1")
def make_venue_suggester(min_size: int = 2, max_size: int = 16):
    """A spancat suggester that proposes `venue_candidates` only (see there)."""
    from thinc.api import get_current_ops
    from thinc.types import Ragged

    def suggest(docs: Iterable[Doc], *, ops=None) -> Ragged:
        ops = ops or get_current_ops()
        spans = [venue_candidates(doc, min_size, max_size) for doc in docs]
        lengths = ops.asarray1i([len(x) for x in spans])
        data = np.vstack(spans) if spans else np.zeros((0, 2), dtype="i")
        return Ragged(ops.asarray2i(data.reshape(-1, 2)), lengths)

    return suggest


@Language.factory("kaocha_venue_spans", default_config={"spans_key": VENUE_SPANS_KEY})
def make_venue_spans(nlp: Language, name: str, spans_key: str) -> VenueSpans:
    return VenueSpans(nlp, name, spans_key)


# -- sentence categories ----------------------------------------------------

def rule_category_matrix(texts: Iterable[str]) -> np.ndarray:
    """One 0/1 column per area: does the rule keyword list match the sentence?"""
    rows = []
    for text in texts:
        cats = set(rules.sentence_categories(text))
        rows.append([1.0 if label in cats else 0.0 for label in CATEGORY_LABELS])
    return np.asarray(rows, dtype=np.float32).reshape(-1, len(CATEGORY_LABELS))


@lru_cache(maxsize=1)
def _area_keywords() -> tuple[str, ...]:
    """Every area keyword once, in file order."""
    return tuple(dict.fromkeys(k for words in lexicon.area_keywords().values() for k in words))


def rule_keyword_matrix(texts: Iterable[str]) -> np.ndarray:
    """One 0/1 column per area keyword (all areas): is it in the sentence once the
    rules' slogans are removed? Lets the classifier weigh each keyword for each
    area, where `rule_category_matrix` gives one vote per area."""
    keywords = _area_keywords()
    slogans = rules._slogan_regex()  # rules.py is frozen with the baseline: reuse, do not change
    rows = [[1.0 if k in cleaned else 0.0 for k in keywords] for cleaned in (slogans.sub("", t) for t in texts)]
    return np.asarray(rows, dtype=np.float32).reshape(-1, len(keywords))


def build_sentence_model(c: float, ngram_max: int, rule_weight: float, keyword_weight: float = 0.0):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    blocks = [("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, ngram_max), sublinear_tf=True, min_df=1)),
              ("rules", FunctionTransformer(rule_category_matrix))]
    weights = {"chars": 1.0, "rules": rule_weight}
    if keyword_weight:
        blocks.append(("keywords", FunctionTransformer(rule_keyword_matrix)))
        weights["keywords"] = keyword_weight
    features = FeatureUnion(blocks, transformer_weights=weights)
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


#: One placeholder character per entity label for ``mask_entities``.
ENTITY_MASKS = {"OFFICIAL": "\u24c4", "POST": "\u24c5", "VENUE": "\u24cb"}  # Ⓞ Ⓟ Ⓥ


def masked_text(text: str, entities: Iterable[tuple[int, int, str]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` with each entity inside it replaced by one placeholder
    character: an area keyword inside a name (`科技` in a company, `创新` in a
    reporter's name) is a word in passing, not the sentence's subject."""
    end = len(text) if end is None else end
    pieces, at = [], start
    for s, e, label in sorted(entities):
        if s < at or e > end:
            continue
        pieces += [text[at:s], ENTITY_MASKS.get(label, "")]
        at = e
    pieces.append(text[at:end])
    return "".join(pieces)


class SentenceCategorizer:
    """Per-sentence multi-label scores for the nine areas (see module docstring)."""

    def __init__(self, nlp: Language, name: str, threshold: float, c: float, ngram_max: int, rule_weight: float,
                 tune_thresholds: bool = False, keyword_weight: float = 0.0, mask_entities: bool = False):
        self.name = name
        self.labels = list(CATEGORY_LABELS)
        self.cfg = {"threshold": threshold, "c": c, "ngram_max": ngram_max, "rule_weight": rule_weight,
                    "keyword_weight": keyword_weight, "tune_thresholds": tune_thresholds,
                    "mask_entities": mask_entities, "cutoffs": {}}
        self.model = None
        self.fitted_labels: list[str] = []

    # spaCy calls this with the training examples before training starts.
    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        texts, targets, groups = [], [], []
        for i, example in enumerate(get_examples()):
            doc = example.reference
            if doc.user_data.get(AUGMENTED):  # substituted copies (training/augment.py) repeat the originals' sentences
                continue
            texts.append(self._sentence_texts(doc, [(0, len(doc.text))])[0])
            targets.append([1 if doc.cats.get(label, 0.0) >= 0.5 else 0 for label in self.labels])
            groups.append(doc.user_data.get("report", i))  # the sentence's report, for grouped folds
        if not texts:
            raise ValueError(f"[{self.name}] no training examples to fit the sentence categorizer")
        y = np.asarray(targets)
        present = [i for i in range(len(self.labels)) if 0 < y[:, i].sum() < len(y)]
        self.fitted_labels = [self.labels[i] for i in present]
        self.model = self._new_model()
        self.cfg["cutoffs"] = {}
        if present:
            if self.cfg["tune_thresholds"]:
                self.cfg["cutoffs"] = self._tuned_cutoffs(texts, y[:, present], groups)
            self.model.fit(texts, y[:, present])

    def _new_model(self):
        return build_sentence_model(self.cfg["c"], self.cfg["ngram_max"], self.cfg["rule_weight"],
                                    self.cfg.get("keyword_weight", 0.0))

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
            self._new_model(),
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

    def _sentence_texts(self, doc: Doc, spans: list[tuple[int, int]], text: str | None = None) -> list[str]:
        """What the classifier reads of each sentence: its text, entities masked when so configured
        (gold entities while fitting, the ner's when predicting)."""
        text = doc.text if text is None else text
        if not self.cfg.get("mask_entities"):
            return [text[s:e] for s, e in spans]
        entities = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        return [masked_text(text, entities, s, e) for s, e in spans]

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
        texts = [t for doc, text, doc_spans in zip(docs, doc_texts, spans) for t in self._sentence_texts(doc, doc_spans, text)]
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
    default_config={"threshold": 0.5, "c": 4.0, "ngram_max": 3, "rule_weight": 2.0, "tune_thresholds": False,
                    "keyword_weight": 0.0, "mask_entities": False},
    default_score_weights={"cats_macro_f": 0.5},
)
def make_sentence_cats(nlp: Language, name: str, threshold: float, c: float, ngram_max: int,
                       rule_weight: float, tune_thresholds: bool, keyword_weight: float,
                       mask_entities: bool) -> SentenceCategorizer:
    return SentenceCategorizer(nlp, name, threshold, c, ngram_max, rule_weight, tune_thresholds, keyword_weight,
                               mask_entities)
