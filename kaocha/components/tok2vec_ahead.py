"""``kaocha_tok2vec``: spaCy's ``tok2vec`` that embeds the next batch in a thread.

The same component as spaCy's (same model, same training updates, same
vectors in ``doc.tensor``); only `pipe` differs: it embeds the next batch in
a worker thread (`kaocha.components.ahead.pipe_ahead`) while the components
after it work on the current one. The embedding's matrix products run
outside the GIL, so on two cores they overlap with the rules, categorizer
and visit record, which are Python. Listeners read ``doc.tensor`` at
prediction time (spaCy's `Tok2VecListener`), so batches computed ahead
reach the NER unchanged.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from spacy.language import Language
from spacy.pipeline.tok2vec import DEFAULT_TOK2VEC_MODEL, Tok2Vec
from spacy.tokens import Doc
from thinc.api import Model

from kaocha.components.ahead import pipe_ahead


class AheadTok2Vec(Tok2Vec):
    """spaCy's `Tok2Vec`, one batch ahead in a thread when piped."""

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        return pipe_ahead(stream, batch_size, self._annotate, self.name)

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        self.set_annotations(docs, self.predict(docs))
        return docs


@Language.factory("kaocha_tok2vec", assigns=["doc.tensor"], default_config={"model": DEFAULT_TOK2VEC_MODEL})
def make_tok2vec_ahead(nlp: Language, name: str, model: Model) -> AheadTok2Vec:
    return AheadTok2Vec(nlp.vocab, model, name)
