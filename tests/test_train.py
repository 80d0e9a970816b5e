"""Training end to end on a few reports with a tiny schedule (seconds, not minutes)."""

import json
import subprocess
import sys

import pytest
import spacy

from kaocha.annotations.validate import load_gold
from training.convert import sentence_docs, split_train_dev
from training.train import build_nlp, train_model

from conftest import ROOT

TINY = {"training.max_steps": 20, "training.eval_frequency": 10, "components.tok2vec.model.encode.width": 32}


def test_split_is_by_report_and_deterministic():
    ids = [f"r{i:03d}" for i in range(20)]
    train, dev = split_train_dev(ids)
    assert set(train).isdisjoint(dev) and sorted(train + dev) == ids
    assert split_train_dev(ids) == (train, dev) and len(dev) == 3


def test_one_doc_per_sentence_with_entities_and_cats():
    reports = load_gold()
    nlp = build_nlp(ROOT / "configs" / "ner.cfg", {})
    docs = sentence_docs(nlp, reports[0])
    assert len(docs) == len(reports[0].sentences)
    assert sum(len(d.ents) for d in docs) == len(reports[0].spans)
    assert all(set(d.cats) and all(v in (0.0, 1.0) for v in d.cats.values()) for d in docs)


def test_train_tiny_model_loads_in_fresh_process_and_existing_output_is_refused(tmp_path):
    reports = load_gold()[:6]
    best = train_model(ROOT / "configs" / "ner.cfg", tmp_path, dict(TINY), reports=reports, quiet=True)
    meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
    assert meta["kaocha"]["dev_reports"] and set(meta["kaocha"]["dev_reports"]).isdisjoint(meta["kaocha"]["train_reports"])
    assert meta["kaocha"]["annotations"]
    code = ("import spacy; nlp = spacy.load(r'%s'); doc = nlp('甲乙省委书记张某某参观某某纪念馆。\\n');"
            "print(nlp.pipe_names, len(doc._.sentence_cats))" % best)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "kaocha_sentence_cats" in result.stdout and result.stdout.strip().endswith("1")
    with pytest.raises(FileExistsError, match="already holds a model"):
        train_model(ROOT / "configs" / "ner.cfg", tmp_path, dict(TINY), reports=reports, quiet=True)


def test_config_typo_is_reported(tmp_path):
    bad = tmp_path / "bad.cfg"
    bad.write_text((ROOT / "configs" / "ner.cfg").read_text().replace("[components.ner]\nfactory = \"ner\"", "[components.ner]\nfactory = \"nerr\""))
    result = subprocess.run([sys.executable, "-m", "training.train", str(bad), "--output", str(tmp_path / "m")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    assert "nerr" in (result.stderr + result.stdout)


def test_convert_writes_train_and_dev_docbins_split_by_report(tmp_path):
    from spacy.tokens import DocBin

    from training.convert import write_corpora

    reports = load_gold()[:5]
    nlp = spacy.blank("zh")
    stats = write_corpora(nlp, reports, [r.id for r in reports[:4]], [reports[4].id], tmp_path)
    train = list(DocBin().from_disk(tmp_path / "train.spacy").get_docs(nlp.vocab))
    dev = list(DocBin().from_disk(tmp_path / "dev.spacy").get_docs(nlp.vocab))
    assert len(train) == stats["train_docs"] == sum(len(r.sentences) for r in reports[:4])
    assert len(dev) == len(reports[4].sentences)
    assert {d.user_data["report"] for d in dev} == {reports[4].id}
    assert sum(len(d.ents) for d in train + dev) == sum(len(r.spans) for r in reports) - stats["misaligned"]


def test_training_refuses_an_unknown_override_argument(tmp_path):
    result = subprocess.run([sys.executable, "-m", "training.train", str(ROOT / "configs" / "ner.cfg"), "--output",
                             str(tmp_path / "m"), "stray"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and "unexpected argument 'stray'" in result.stderr
    assert not (tmp_path / "m").exists()
