"""Systems under evaluation share one output: spans and scored sentences per report."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Prediction:
    spans: list[tuple[int, int, str]]
    # (start, end, {label: score}); a label counts as predicted when score >= threshold
    sentences: list[tuple[int, int, dict[str, float]]] = field(default_factory=list)


class Timed:
    """Accumulates characters processed and seconds spent, for characters per second."""

    chars = 0
    seconds = 0.0

    def timed(self, texts: dict[str, str], run) -> dict:
        started = time.perf_counter()
        out = run()
        self.seconds += time.perf_counter() - started
        self.chars += sum(len(t) for t in texts.values())
        return out

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0


class ModelSystem(Timed):
    """A trained kaocha pipeline (spacy.load-able directory or loaded Language)."""

    def __init__(self, nlp, name: str = "model"):
        self.nlp = nlp
        self.name = name

    def predict(self, texts: dict[str, str]) -> dict[str, Prediction]:
        return self.timed(texts, lambda: self._predict(texts))

    def _predict(self, texts: dict[str, str]) -> dict[str, Prediction]:
        ids = list(texts)
        out = {}
        for report_id, doc in zip(ids, self.nlp.pipe(texts[i] for i in ids)):
            spans = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            sentences = [(s["start"], s["end"], s["cats"]) for s in (doc._.sentence_cats or [])]
            out[report_id] = Prediction(spans, sentences)
        return out
