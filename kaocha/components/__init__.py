"""Custom spaCy components of the kaocha pipeline, one module each.

Registered as factories through the ``spacy_factories`` entry point
(pyproject.toml), so ``spacy.load(model_dir)`` finds them in a fresh process
once the package is installed. Each serializes data only (JSON and ``.npy``):
loading a model runs no stored code.
"""

#: user_data key of a sentence Doc's report: {"text": report text, "offset": sentence start}.
REPORT_CONTEXT = "kaocha_report_context"
#: user_data key of a training sentence Doc's report visit record (spec §5, a JSON-ready dict).
REPORT_VISIT = "kaocha_report_visit"
#: user_data key of a whole-report Doc's metadata (``{"title": ..., "date": ...}``) for the visit component.
REPORT_META = "kaocha_report_meta"
