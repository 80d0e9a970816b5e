"""Raw text for tok2vec pretraining: the given reports' sentences only."""

import json

from kaocha.annotations.records import AnnotatedReport, Sentence
from training.pretrain import write_raw_text


def test_raw_text_is_one_json_line_per_non_empty_sentence(tmp_path):
    text = "第一句。\n第二句。"
    report = AnnotatedReport("r", text, [], [Sentence(0, 4), Sentence(4, 5), Sentence(5, len(text))])
    path = write_raw_text([report], tmp_path / "raw.jsonl")
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == \
           [{"text": "第一句。"}, {"text": "第二句。"}]
