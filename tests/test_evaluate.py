"""`kaocha evaluate` (= `python -m evaluate`) in held-out mode on an
interchange file written by hand here, not by the project's exporter."""

import json

from typer.testing import CliRunner

from kaocha.cli import app
from kaocha.normalize import normalize
from kaocha.sentences import sentence_spans

# Spec §4: `text` is the normalized text; a foreign producer normalizes too.
TEXT = normalize("江苏省党政代表团赴浙江省学习考察\n浙江省委书记张三,省委副书记、省长李四陪同代表团参观了杭州未来科技城。\n双方就科技创新和产业协作进行了座谈。")


def write_gold(path, spans):
    sentences = [{"start": s, "end": e, "cats": []} for s, e in sentence_spans(TEXT)]
    sentences[-1]["cats"] = ["SCI_TECH", "INDUSTRY"]
    path.write_text(json.dumps({"id": "external-1", "text": TEXT, "spans": spans, "sentences": sentences,
                                "meta": {"source": "hand-written test fixture"}}, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def span(text, label, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    return {"start": start, "end": start + len(text), "label": label}


def test_held_out_mode_on_a_foreign_interchange_file(small_model, tmp_path):
    gold = tmp_path / "external.jsonl"
    write_gold(gold, [span("浙江省委书记", "POST"), span("张三", "OFFICIAL"), span("省委副书记", "POST"),
                      span("省长", "POST"), span("李四", "OFFICIAL"), span("杭州未来科技城", "VENUE")])
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--model", str(small_model),
                                      "--out", str(out), "--bootstrap-rounds", "20"])
    assert result.exit_code == 0, result.output
    assert "| OFFICIAL (strict F1) |" in result.output and "official–post links (F1)" in result.output
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]
    assert 0.0 <= figures["model"]["micro_strict_f1"] <= 1.0
    assert (out / "errors.csv").exists() and (out / "per_label_f1.png").stat().st_size > 0


def test_overlapping_spans_are_refused_with_location(small_model, tmp_path):
    gold = tmp_path / "bad.jsonl"
    write_gold(gold, [span("浙江省委书记", "POST"), span("省委书记张三", "OFFICIAL")])
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--model", str(small_model), "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "external-1" in result.output or "bad.jsonl" in result.output


def test_missing_model_says_how_to_train(tmp_path):
    gold = tmp_path / "g.jsonl"
    write_gold(gold, [])
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--model", str(tmp_path / "none")])
    assert result.exit_code != 0 and "python -m training.train" in result.output


def test_without_matplotlib_everything_but_the_chart_is_written(small_model, tmp_path, monkeypatch):
    import sys

    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now fails as if not installed
    gold = tmp_path / "external.jsonl"
    write_gold(gold, [span("张三", "OFFICIAL"), span("李四", "OFFICIAL")])
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--model", str(small_model),
                                      "--out", str(out), "--bootstrap-rounds", "5"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["comparison.csv", "errors.csv", "figures.json"]
    assert "matplotlib is not installed" in result.output and "per_label_f1.png" in result.output
