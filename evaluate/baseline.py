"""The regex baseline: the generic rules of `kaocha.rules` as a competitor.

Same output as the model: entity spans and per-sentence categories. It holds
no name or venue of the annotated reports (tests/test_rules.py checks).
"""

from __future__ import annotations

from kaocha import rules
from evaluate.systems import Prediction, Timed


class RegexBaseline(Timed):
    name = "regex baseline"

    def predict(self, texts: dict[str, str]) -> dict[str, Prediction]:
        return self.timed(texts, lambda: self._predict(texts))

    def _predict(self, texts: dict[str, str]) -> dict[str, Prediction]:
        out = {}
        for report_id, text in texts.items():
            spans = [(s.start, s.end, s.label) for s in rules.find_entities(text)]
            sentences = [(start, end, {c: 1.0 for c in cats}) for start, end, cats in rules.categorize(text)]
            out[report_id] = Prediction(spans, sentences)
        return out
