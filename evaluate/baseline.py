"""The regex baseline: the generic rules, frozen at knowledge version 1, as a competitor.

Same output as the model: entity spans and per-sentence categories. It holds
no name or venue of the annotated reports (tests/test_rules.py checks). It is
never retuned: `kaocha/knowledge/v1/` is pinned by hash and its outputs on
every corpus report are pinned too (tests/test_baseline.py).
"""

from __future__ import annotations

from evaluate.systems import Prediction, Timed
from kaocha.knowledge import rules as rules_version

RULES = rules_version("v1")


class RegexBaseline(Timed):
    name = "regex baseline"

    def predict(self, texts: dict[str, str]) -> dict[str, Prediction]:
        return self.timed(texts, lambda: self._predict(texts))

    def _predict(self, texts: dict[str, str]) -> dict[str, Prediction]:
        out = {}
        for report_id, text in texts.items():
            spans = [(s.start, s.end, s.label) for s in RULES.find_entities(text)]
            sentences = [(start, end, {c: 1.0 for c in cats}) for start, end, cats in RULES.categorize(text)]
            out[report_id] = Prediction(spans, sentences)
        return out
