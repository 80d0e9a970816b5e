from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch):
    """Commands default to repo-relative paths (corpus/manifest.csv): run tests from the root."""
    monkeypatch.chdir(ROOT)


@pytest.fixture
def seeds_dir() -> Path:
    return ROOT / "corpus" / "seeds"


def require_shared():
    if not (SHARED / "reports").exists():
        pytest.fail(f"{SHARED}/reports is missing: the corpus manifest references it (clone beside ../shared)")


def span_at(text: str, string: str, label: str, nth: int = 0):
    """The ``nth`` occurrence of ``string`` in ``text`` as a gold Span (test fixtures)."""
    from kaocha.annotations.records import Span

    start = -1
    for _ in range(nth + 1):
        start = text.index(string, start + 1)
    return Span(start, start + len(string), label)


#: Stand-in word vectors for the default config (tests/fixtures/word_vectors/README.md).
TEST_VECTORS = {"paths.word_vectors": str(ROOT / "tests" / "fixtures" / "word_vectors")}
SMALL = {"training.max_steps": 150, "training.eval_frequency": 50, **TEST_VECTORS}


@pytest.fixture(scope="session")
def small_model(tmp_path_factory) -> Path:
    """A model trained briefly on a dozen reports: enough to find entities in a
    seed report (rule features do most of the work), in about 15 seconds."""
    import os

    from kaocha.annotations.validate import load_gold
    from training.train import train_model

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        reports = load_gold()[:12]
        out = tmp_path_factory.mktemp("small-model")
        return train_model(ROOT / "configs" / "ner.cfg", out, dict(SMALL), reports=reports, quiet=True)
    finally:
        os.chdir(cwd)
