"""The library API in a fresh process, and the tables."""

import json
import subprocess
import sys

import pytest

import kaocha
from kaocha.api import ModelNotFound, load

from conftest import ROOT


def test_extract_in_a_fresh_process_returns_officials_with_posts(small_model, seeds_dir):
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    code = ("import json, kaocha; r = kaocha.extract(open(%r, encoding='utf-8').read(), kaocha.load(%r)); "
            "print(json.dumps([[o.name, [p.text for p in o.posts]] for o in r.officials], ensure_ascii=False))"
            % (str(seed), str(small_model)))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    officials = json.loads(run.stdout)
    assert any(posts for _, posts in officials), officials


def test_to_dataframes_has_one_row_per_official_and_post(small_model, seeds_dir):
    nlp = load(small_model)
    reports = [kaocha.extract(p.read_text(encoding="utf-8"), nlp, report_id=p.stem) for p in sorted(seeds_dir.glob("*.txt"))[:2]]
    tables = kaocha.to_dataframes(reports)
    assert set(tables) == {"entities", "officials", "venues", "areas"}
    assert len(tables["entities"]) == sum(len(r.entities) for r in reports)
    assert len(tables["officials"]) == sum(max(1, len(o.posts)) for r in reports for o in r.officials)
    assert set(tables["entities"]["report"]) <= {r.id for r in reports}


def test_missing_model_says_how_to_train_one(tmp_path):
    with pytest.raises(ModelNotFound, match="python -m training.train"):
        load(tmp_path / "nothing-here")
