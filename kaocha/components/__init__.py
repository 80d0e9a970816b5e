"""Custom spaCy components of the kaocha pipeline, one module each.

Registered as factories through the ``spacy_factories`` entry point
(pyproject.toml), so ``spacy.load(model_dir)`` finds them in a fresh process
once the package is installed. Each serializes data only (JSON and ``.npy``):
loading a model runs no stored code.
"""

#: user_data key of a sentence Doc's report: {"text": report text, "offset": sentence start}.
REPORT_CONTEXT = "kaocha_report_context"
