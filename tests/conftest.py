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
