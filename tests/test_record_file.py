"""The growing JSONL output: what --resume reads back."""

import json

import pytest

from kaocha.record_file import RecordFileError, RecordWriter, read_existing


def test_writer_creates_the_file_only_with_the_first_record(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    writer = RecordWriter(out, fresh=True)
    writer.close()
    assert out.read_text(encoding="utf-8") == "old\n"
    writer = RecordWriter(out, fresh=True)
    writer.write({"id": "a", "sha256": "1", "text": "北" * 20_000})
    writer.write({"id": "b", "sha256": "2"})
    writer.close()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b"]


def test_a_cut_off_last_line_is_dropped_and_reported(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a", "sha256": "1"}\n{"id": "b", "sha', encoding="utf-8")
    existing = read_existing(out)
    assert existing.keys == [("a", "1")] and existing.cut_tail
    out.write_text('{"id": "a", "sha256": "1"}\n{"id": "b", "sha256": "2"}', encoding="utf-8")  # no final newline
    assert read_existing(out).cut_tail


def test_a_bad_line_inside_is_an_error_naming_it(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a"}\nnot json\n{"id": "c"}\n', encoding="utf-8")
    with pytest.raises(RecordFileError, match=r"out.jsonl:2: not a kaocha record"):
        read_existing(out)
