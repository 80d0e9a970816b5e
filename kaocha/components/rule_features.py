"""``kaocha_rule_features``: the rules' entity matches as model input.

Runs a version of the generic rules (``rules = {"@misc": "kaocha.rules.v2"}``
in the config) on the whole report and writes their matches as BIO tags into
``token.tag_``. The tok2vec embeds ``TAG``, so the model sees the rules as
input and learns when they are right instead of the rules fixing its output.
The rules need the whole report (a name seen once after a title is found
again where it stands alone), so a training Doc, which holds one sentence,
carries its report's text and offset in ``doc.user_data[REPORT_CONTEXT]``
(`kaocha.sentence_corpus` keeps it on the Doc the model predicts on); a Doc
without it is taken to be a whole report. Listed in the config's
``annotating_components`` so the training loop sets the tags before the
tok2vec learns from a batch.
"""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType
from typing import Any, Iterable, Iterator

import numpy as np
from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc

from kaocha.components import REPORT_CONTEXT
from kaocha.labels import ENTITY_LABELS


@lru_cache(maxsize=64)
def _report_entities(rules: ModuleType, text: str) -> tuple:
    """The rules' entities of a report (cached: a report's sentences share it)."""
    return tuple(rules.find_entities(text))


class RuleFeatures:
    """Write the rules' entity matches into ``token.tag_`` as B-/I-LABEL or O."""

    def __init__(self, nlp: Language, name: str, rules: ModuleType):
        self.name = name
        self.rules = rules
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
        for match in _report_entities(self.rules, text):
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


@Language.factory("kaocha_rule_features", assigns=["token.tag"],
                  default_config={"rules": {"@misc": "kaocha.rules.v2"}})
def make_rule_features(nlp: Language, name: str, rules: Any) -> RuleFeatures:
    return RuleFeatures(nlp, name, rules)
