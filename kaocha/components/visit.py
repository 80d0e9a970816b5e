"""``kaocha_visit``: the spec §5 visit record of a whole-report Doc, in ``doc._.visit``.

Reads the Doc's OFFICIAL and POST entities (set by the ner before it) and
sets ``doc._.visit`` to the record as a JSON-ready dict (visitor, host,
start, end, leaders, sides; see `kaocha.visit_predict`). Metadata for the
year (`{"date": ..., "title": ...}`) may be passed in
``doc.user_data[REPORT_META]``. A training Doc (one sentence carrying its
report in ``doc.user_data[REPORT_CONTEXT]``) gets None: a visit is a report's.

Fitted in ``initialize`` from the training examples' reports: the sentence
Docs of one report carry its id (``user_data["report"]``), text and offset
(``REPORT_CONTEXT``) and gold visit (``REPORT_VISIT``, written by
`training.convert`), from which the component rebuilds each report's text and
OFFICIAL/POST spans and fits the side model (`kaocha.visit_predict.VisitModel`).
Without training reports that have a visit, it keeps the rule baseline.
Saved as data only (JSON + ``.npy``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from kaocha.annotations.visit import parse_visit
from kaocha.components import REPORT_CONTEXT, REPORT_META, REPORT_VISIT
from kaocha.visit_predict import VisitModel, predict_visit

if not Doc.has_extension("visit"):
    Doc.set_extension("visit", default=None)

log = logging.getLogger(__name__)


class TrainingReport:
    """A report rebuilt from its sentence Docs: text, spans, visit."""

    def __init__(self, report_id: str, text: str):
        self.id = report_id
        self.text = text
        self.spans: list[tuple[int, int, str]] = []
        self.visit = None
        self.meta: dict = {}


def reports_from_examples(examples: Iterable[Example]) -> list[TrainingReport]:
    """The reports behind sentence examples (those without report context or visit are skipped)."""
    reports: dict[str, TrainingReport] = {}
    for example in examples:
        doc = example.reference
        context = doc.user_data.get(REPORT_CONTEXT)
        report_id = doc.user_data.get("report")
        if context is None or report_id is None:
            continue
        report = reports.setdefault(report_id, TrainingReport(report_id, context["text"]))
        offset = context["offset"]
        report.spans.extend((e.start_char + offset, e.end_char + offset, e.label_) for e in doc.ents)
        if report.visit is None and doc.user_data.get(REPORT_VISIT) is not None:
            report.visit = parse_visit(doc.user_data[REPORT_VISIT])
    for report in reports.values():
        report.spans = sorted(set(report.spans))
    return [r for r in reports.values() if r.visit is not None]


class VisitComponent:
    def __init__(self, nlp: Language, name: str, c: float, fallback: str, parties: str):
        if fallback not in ("visiting", "host", "other"):
            raise ValueError(f"[{name}] fallback must be visiting, host or other, got {fallback!r}")
        if parties not in ("rules", "learned"):
            raise ValueError(f"[{name}] parties must be rules or learned, got {parties!r}")
        self.name = name
        self.model = VisitModel(None, {"c": c, "fallback": fallback, "parties": parties})

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        reports = reports_from_examples(get_examples())
        if not reports:
            log.warning("[%s] no training report carries a visit record: sides come from the rule baseline", self.name)
            return
        self.model.fit(reports)

    def __call__(self, doc: Doc) -> Doc:
        if doc.user_data.get(REPORT_CONTEXT) is not None:
            doc._.visit = None
            return doc
        meta = doc.user_data.get(REPORT_META)
        doc._.visit = predict_visit(doc.text, doc.ents, meta, self.model).to_dict()
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return {}

    def to_disk(self, path, *, exclude=tuple()) -> None:
        self.model.to_disk(Path(path))

    def from_disk(self, path, *, exclude=tuple()) -> "VisitComponent":
        self.model = VisitModel.from_disk(Path(path))
        return self

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        import srsly

        def pack(model):
            if model is None or not model.fitted:
                return None
            return {"state": model.state(), "arrays": {name: {"shape": list(a.shape), "data": a.astype("<f8").tobytes()}
                                                         for name, a in model.arrays().items()}}

        return srsly.msgpack_dumps({"config": self.model.config, "side": pack(self.model.side),
                                    "party": pack(self.model.party)})

    def from_bytes(self, data: bytes, *, exclude=tuple()) -> "VisitComponent":
        import numpy as np
        import srsly

        from kaocha.visit_sides import SideModel

        def unpack(packed):
            if packed is None:
                return None
            arrays = {name: np.frombuffer(a["data"], dtype="<f8").reshape(a["shape"]).copy()
                      for name, a in packed["arrays"].items()}
            return SideModel.from_state(packed["state"], arrays)

        loaded = srsly.msgpack_loads(data)
        self.model = VisitModel(unpack(loaded["side"]), loaded["config"], unpack(loaded.get("party")))
        return self


@Language.factory("kaocha_visit", assigns=["doc._.visit"],
                  default_config={"c": 0.3, "fallback": "host", "parties": "rules"})
def make_visit(nlp: Language, name: str, c: float, fallback: str, parties: str) -> VisitComponent:
    return VisitComponent(nlp, name, c, fallback, parties)
