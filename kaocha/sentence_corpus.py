"""A training corpus reader that keeps each sentence's report context.

spaCy's ``spacy.Corpus.v1`` builds the Doc the model predicts on afresh from
the reference text, dropping ``user_data``; the rule features need the
sentence's report (see `kaocha.components.rule_features`), so this reader copies
that one entry across. Registered through the ``spacy_readers`` entry point.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Optional, Union

from spacy.language import Language
from spacy.training import Corpus, Example

from kaocha.components import REPORT_CONTEXT


def sentence_corpus(path: Optional[Union[str, Path]], max_length: int = 0, limit: int = 0) -> Callable[[Language], Iterable[Example]]:
    corpus = Corpus(path, max_length=max_length, limit=limit)

    def read(nlp: Language) -> Iterable[Example]:
        for example in corpus(nlp):
            context = example.reference.user_data.get(REPORT_CONTEXT)
            if context is not None:
                example.predicted.user_data[REPORT_CONTEXT] = context
            yield example

    return read
