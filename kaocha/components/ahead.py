"""Annotate a stream of Docs batch by batch, one batch ahead in a thread.

``pipe_ahead(docs, batch_size, annotate)`` yields ``annotate(batch)`` for each
batch of ``docs`` while the next batch is already being annotated in a worker
thread. Between the two, the caller's side of the pipeline runs: the
components before this one produce the next batch and the ones after it
consume this one. Whatever of that releases the GIL (ONNX Runtime, numpy,
the NER's transition loop, the tok2vec's matrix products) overlaps with the
worker, so on two cores a component's cost partly hides behind the others'.

Each Doc is annotated exactly as it would be without the thread: only the
timing changes. An error in the worker reaches the caller; leaving the loop
early waits for the batch in flight and stops.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Iterator

from spacy.tokens import Doc
from spacy.util import minibatch


def pipe_ahead(docs: Iterable[Doc], batch_size: int, annotate: Callable[[list[Doc]], list[Doc]],
               name: str = "kaocha") -> Iterator[Doc]:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=name) as worker:
        running = None
        for batch in minibatch(docs, size=batch_size):
            started = worker.submit(annotate, list(batch))
            if running is not None:
                yield from running.result()
            running = started
        if running is not None:
            yield from running.result()
