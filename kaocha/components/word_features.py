"""``kaocha_word_features``: a lexical analyser's words as per-character model input.

Runs a lexical analyser trained on large data (`kaocha.components.analysers`:
Baidu LAC or jieba) over the whole report, sentence by sentence (spec §1
splitter), and writes for every character the class of the word that
contains it and the character's place in that word, ``<tag>-<B|I|E|S>``
(``LOC-B 柘``, ``LOC-I 林``, ``LOC-E 镇``; ``w-S`` for a comma), into the
token attribute the config names (``LEMMA`` by default; the tok2vec embeds
it as a third attribute next to ``NORM`` and the rules' ``TAG``).

The model sees 68k characters of annotated text; the analyser brings word
boundaries and place / organisation names learned from millions (issue 15).

Like `kaocha.components.rule_features`, a sentence training Doc carries its
report in ``doc.user_data[REPORT_CONTEXT]`` and is given the features its
characters have in the whole report, so training and prediction see the same
input. Reports analysed for sentence Docs are cached (a training run visits
each report's sentences many times); a whole-report Doc is analysed afresh.
``pipe`` analyses the sentences of a whole batch of Docs in one call, which
the batched analysers need to be fast. No state to save: the analyser's model
comes from its installed package.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Iterable, Iterator

import numpy as np
from spacy.attrs import IDS
from spacy.language import Language
from spacy.tokens import Doc

from kaocha.components import REPORT_CONTEXT
from kaocha.components.ahead import pipe_ahead
from kaocha.components.analysers import MAX_PIECE, analyser as load_analyser, pieces
from kaocha.sentences import sentence_spans

#: Feature of a character outside every sentence (whitespace between sentences).
OUTSIDE = "_"
#: Token attributes a feature may be written to (free strings in spaCy, embeddable by MultiHashEmbed).
ATTRIBUTES = ("LEMMA", "TAG")


def character_features(text: str, words_of_sentence) -> list[str]:
    """``<tag>-<B|I|E|S>`` for every character of ``text``.

    ``words_of_sentence`` is a list of ``(sentence_start, words)`` where words are
    ``(start, end, tag)`` relative to the sentence.
    """
    features = [OUTSIDE] * len(text)
    for offset, words in words_of_sentence:
        for start, end, tag in words:
            start, end = offset + start, offset + end
            if end - start == 1:
                features[start] = f"{tag}-S"
                continue
            features[start] = f"{tag}-B"
            for i in range(start + 1, end - 1):
                features[i] = f"{tag}-I"
            features[end - 1] = f"{tag}-E"
    return features


class WordFeatures:
    """Write a lexical analyser's per-character word features (see module docstring)."""

    def __init__(self, nlp: Language, name: str, analyser: str, attr: str, cache_size: int):
        if attr not in ATTRIBUTES:
            raise ValueError(f"[{name}] attr must be one of {', '.join(ATTRIBUTES)}, not {attr!r}")
        self.name = name
        self.analyser_name = analyser
        self.analyser = load_analyser(analyser)
        self.attr = attr
        self.attr_id = IDS[attr]
        self.strings = nlp.vocab.strings
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()  # pipe() annotates in a worker thread; two pipes may run at once
        self._hashes: dict[str, int] = {}

    # -- analysis ----------------------------------------------------------

    def _hash(self, feature: str) -> int:
        code = self._hashes.get(feature)
        if code is None:
            code = self._hashes[feature] = self.strings.add(feature)
        return code

    def analyse(self, texts: list[str]) -> list[np.ndarray]:
        """Feature hashes of every character of each text, the sentences of all texts in one analyser call."""
        jobs: list[tuple[int, int]] = []  # (text index, piece start)
        sentences: list[str] = []
        for t, text in enumerate(texts):
            for start, end in sentence_spans(text):
                for piece_start, piece_end in pieces(end - start, MAX_PIECE):
                    jobs.append((t, start + piece_start))
                    sentences.append(text[start + piece_start:start + piece_end])
        words = self.analyser(sentences)
        grouped: list[list] = [[] for _ in texts]
        for (t, offset), sentence_words in zip(jobs, words):
            grouped[t].append((offset, sentence_words))
        return [np.array([self._hash(f) for f in character_features(text, grouped[t])], dtype=np.uint64)
                for t, text in enumerate(texts)]

    def _report_features(self, reports: list[str]) -> list[np.ndarray]:
        """Cached features of the reports of sentence Docs."""
        with self._cache_lock:
            missing = list(dict.fromkeys(r for r in reports if r not in self._cache))
            for report, features in zip(missing, self.analyse(missing)):
                self._cache[report] = features
            out = []
            for report in reports:
                self._cache.move_to_end(report)
                out.append(self._cache[report])
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
            return out

    # -- annotation --------------------------------------------------------

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        texts = [doc.text for doc in docs]  # doc.text is rebuilt on each access: read it once
        contexts = [doc.user_data.get(REPORT_CONTEXT) for doc in docs]
        for doc, text, context in zip(docs, texts, contexts):
            if context and context["text"][context["offset"]:context["offset"] + len(text)] != text:
                raise ValueError(f"[{self.name}] the Doc's report context does not contain its text at offset {context['offset']}")
        with_context = [i for i, c in enumerate(contexts) if c]
        alone = [i for i, c in enumerate(contexts) if not c]
        features: dict[int, tuple[np.ndarray, int]] = {}
        for i, report in zip(with_context, self._report_features([contexts[i]["text"] for i in with_context])):
            features[i] = (report, contexts[i]["offset"])
        for i, report in zip(alone, self.analyse([texts[i] for i in alone])):
            features[i] = (report, 0)
        for i, doc in enumerate(docs):
            report, offset = features[i]
            starts = doc.to_array("IDX").astype(np.int64) + offset
            doc.from_array([self.attr_id], report[starts].reshape(-1, 1))
        return docs

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate([doc])[0]

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        # The analyser spends most of its time in ONNX Runtime and numpy, outside the GIL.
        return pipe_ahead(docs, batch_size, self._annotate, self.name)


@Language.factory("kaocha_word_features", assigns=["token.lemma"],
                  default_config={"analyser": "lac", "attr": "LEMMA", "cache_size": 1024})
def make_word_features(nlp: Language, name: str, analyser: str, attr: str, cache_size: int) -> WordFeatures:
    return WordFeatures(nlp, name, analyser, attr, cache_size)
