"""Training end to end on a few reports with a tiny schedule (seconds, not minutes)."""

import json
import signal
import subprocess
import sys

import pytest
import spacy

from kaocha.annotations.validate import load_gold
from training.convert import sentence_docs, split_train_dev
from training.train import build_nlp, train_model

from conftest import ROOT, TEST_VECTORS

TINY = {"training.max_steps": 20, "training.eval_frequency": 10, "components.tok2vec.model.encode.width": 32,
        **TEST_VECTORS}
#: The fast config has no word vectors.
TINY_FAST = {k: v for k, v in TINY.items() if k not in TEST_VECTORS}


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


@pytest.mark.parametrize("config", ["ner.cfg", "ner_fast.cfg"])
def test_train_tiny_model_loads_in_fresh_process_and_existing_output_is_refused(tmp_path, config):
    reports = load_gold()[:6]
    tiny = TINY if config == "ner.cfg" else TINY_FAST
    best = train_model(ROOT / "configs" / config, tmp_path, dict(tiny), reports=reports, quiet=True)
    meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
    assert meta["kaocha"]["dev_reports"] and set(meta["kaocha"]["dev_reports"]).isdisjoint(meta["kaocha"]["train_reports"])
    assert meta["kaocha"]["annotations"]
    code = ("import spacy; nlp = spacy.load(r'%s'); doc = nlp('甲乙省委书记张某某参观某某纪念馆。\\n');"
            "print(nlp.pipe_names, len(doc._.sentence_cats))" % best)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "kaocha_sentence_cats" in result.stdout and result.stdout.strip().endswith("1")
    with pytest.raises(FileExistsError, match="already holds a model"):
        train_model(ROOT / "configs" / config, tmp_path, dict(tiny), reports=reports, quiet=True)


def test_training_without_the_word_vectors_stops_before_any_work(tmp_path):
    """The default config's categorizer needs assets/word_vectors: a missing directory is named, with the
    command that builds it, before corpora are converted or the output is created."""
    missing = tmp_path / "no-vectors"
    result = subprocess.run([sys.executable, "-m", "training.train", "configs/ner.cfg", "--output", str(tmp_path / "m"),
                             "--paths.word_vectors", str(missing)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert f"{missing}: no word vectors there" in result.stderr and "python -m training.word_vectors" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "m").exists()


@pytest.mark.slow
def test_real_training_with_replace_swaps_in_a_loadable_pair(tmp_path):
    """--replace with spaCy's real output: the new pair in place, loadable, nothing else left."""
    reports = load_gold()[:4]
    train_model(ROOT / "configs" / "ner.cfg", tmp_path, dict(TINY), reports=reports[:3], quiet=True)
    train_model(ROOT / "configs" / "ner.cfg", tmp_path, dict(TINY), reports=reports[1:], replace=True, quiet=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model-best", "model-last"]
    for name in ("model-best", "model-last"):
        meta = json.loads((tmp_path / name / "meta.json").read_text(encoding="utf-8"))
        assert reports[3].id in meta["kaocha"]["train_reports"] + meta["kaocha"]["dev_reports"]
        result = subprocess.run([sys.executable, "-c", f"import spacy; spacy.load(r'{tmp_path / name}')('北京市委书记。')"],
                                capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 0, result.stderr


def test_model_directory_holds_only_what_spacy_writes(small_model):
    """docs/guarantees.md lists what a model directory may contain; the session's trained model has exactly that."""
    assert sorted(p.name for p in small_model.iterdir()) == [
        "config.cfg", "kaocha_sentence_cats", "kaocha_visit", "meta.json", "ner", "tok2vec", "tokenizer", "vocab"]
    assert sorted(p.name for p in small_model.parent.iterdir()) == ["model-best", "model-last"]


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


# -- faults: model replacement, SIGTERM, empty gold --------------------------------

FAKE_TRAINING = r"""
import json, pathlib, sys
import training.train as train
from kaocha.annotations.validate import load_gold

def fake_spacy_train(config, output, use_gpu, overrides):
    # spaCy's train, replaced for speed: two complete model directories of 14 files
    for name in ("model-best", "model-last"):
        directory = pathlib.Path(output) / name
        directory.mkdir(parents=True)
        (directory / "meta.json").write_text(json.dumps({"name": "new"}))
        for i in range(13):
            (directory / f"part{i}").write_text("new")

train.spacy_train = fake_spacy_train
train.train_model(pathlib.Path("configs/ner.cfg"), pathlib.Path(sys.argv[1]),
                  {"paths.word_vectors": "tests/fixtures/word_vectors"}, reports=load_gold()[:4],
                  replace=True, quiet=True)
"""


def old_model(directory):
    for name in ("model-best", "model-last"):
        (directory / name).mkdir(parents=True)
        (directory / name / "meta.json").write_text(json.dumps({"name": "old"}))
        for i in range(13):
            (directory / name / f"part{i}").write_text("old")


def model_state(directory):
    """'old' or 'new' when the model directory is whole (14 files of one training), else what is there."""
    files = sorted(directory.iterdir()) if directory.is_dir() else []
    markers = {f.read_text() for f in files if f.name != "meta.json"}
    if len(files) == 14 and len(markers) == 1 and json.loads((directory / "meta.json").read_text()):
        return markers.pop()
    return f"broken: {len(files)} files"


@pytest.mark.parametrize("pause_at, nth, expected", [
    ("training.train.record_provenance", 2, "old"),   # models complete, final move not begun
    ("shutil.rmtree", 1, "new"),                      # old code: model-best just deleted; new: cleanup after the swap
    ("training.train.replace_directory", 1, "new"),   # between the swaps of model-best and model-last
])
def test_sigterm_during_training_leaves_whole_models_and_no_temporary_directory(tmp_path, pause_at, nth, expected):
    """A real training process (spaCy's train replaced by a fast fake) pauses at
    a controlled point and gets SIGTERM: model-best and model-last are each
    either the old or the new model, whole and consistent; no `.training-*`."""
    from processes import start_paused, wait_for

    output = tmp_path / "models"
    old_model(output)
    ready = tmp_path / "ready"
    # 3 s: long enough for the signal to arrive during the pause; where SIGTERM is held back, it acts after it
    child = start_paused(pause_at, nth, "after", ready, None, 3, FAKE_TRAINING, [str(output)], ROOT)
    wait_for(ready, child)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    states = {name: model_state(output / name) for name in ("model-best", "model-last")}
    assert states["model-best"] == states["model-last"] and states["model-best"] in ("old", "new"), states
    if expected:
        assert states["model-best"] == expected
    assert sorted(p.name for p in output.iterdir()) == ["model-best", "model-last"]


def test_replace_puts_the_new_models_in_place_and_removes_the_old(tmp_path):
    output = tmp_path / "models"
    old_model(output)
    done = subprocess.run([sys.executable, "-c", FAKE_TRAINING, str(output)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert model_state(output / "model-best") == model_state(output / "model-last") == "new"
    assert sorted(p.name for p in output.iterdir()) == ["model-best", "model-last"]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"  \n"])
def test_empty_gold_is_refused_before_any_output_directory_exists(tmp_path, content):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(content)
    output = tmp_path / "new" / "models"
    from typer.testing import CliRunner

    from training.train import app

    result = CliRunner().invoke(app, ["configs/ner.cfg", "--gold", str(gold), "--output", str(output)])
    assert result.exit_code == 1
    assert f"{gold}: no annotated reports" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert not (tmp_path / "new").exists()


def test_invalid_utf8_gold_is_refused_with_file_and_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    lines = (ROOT / "annotations" / "gold.jsonl").read_bytes().split(b"\n")[:3]
    lines[2] = lines[2][:40] + b"\xff" + lines[2][41:]
    gold.write_bytes(b"\n".join(lines) + b"\n")
    result = subprocess.run([sys.executable, "-m", "training.train", "configs/ner.cfg", "--gold", str(gold),
                             "--output", str(tmp_path / "models")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert f"{gold}:3: not valid UTF-8" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "models").exists()
