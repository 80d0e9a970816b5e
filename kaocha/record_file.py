"""The JSONL output of `kaocha score` as a file that grows record by record.

Each record is one line, written with a single unbuffered ``write`` as soon
as its report is scored, so a run that is killed leaves every finished
record on disk, whole. ``--resume`` reads the file back: the records it
holds are keyed by report id and the sha256 of the raw file; a last line
cut off by a crash (no newline, or not JSON) is dropped, and so are records
of inputs whose file has changed since (same id, other bytes); the rest of
the file is kept as it is and the missing reports are appended.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from kaocha.files import write_text_atomically


class RecordFileError(ValueError):
    """The output file is not a JSONL file of records; the message names the line."""


@dataclass
class Existing:
    lines: list[str] = field(default_factory=list)
    keys: list[tuple[str | None, str | None]] = field(default_factory=list)
    cut_tail: bool = False


def read_existing(path: Path) -> Existing:
    """The records of an existing output file (see the module docstring)."""
    existing = Existing()
    if not path.exists():
        return existing
    text = path.read_bytes().decode("utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        last = number == len(lines)
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not line.endswith("\n"):
                raise ValueError("not a whole record")
        except ValueError:
            if last:
                existing.cut_tail = True
                continue
            raise RecordFileError(f"{path}:{number}: not a kaocha record (JSON object per line); "
                                  "refusing to resume onto it") from None
        existing.lines.append(line)
        existing.keys.append((record.get("id"), record.get("sha256")))
    return existing


class RecordWriter:
    """Appends records to ``path``; the file is created (or emptied, when
    ``fresh``) only when the first record arrives."""

    def __init__(self, path: Path, fresh: bool):
        self.path, self.fresh = path, fresh
        self.handle = None
        self.written = 0

    def write(self, record: dict) -> None:
        if self.handle is None:
            self.handle = open(self.path, "wb" if self.fresh else "ab", buffering=0)
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[self.handle.write(view):]
        self.written += 1

    def close(self) -> None:
        if self.handle is not None:
            os.fsync(self.handle.fileno())
            self.handle.close()
            self.handle = None


def keep_only(path: Path, lines: list[str]) -> None:
    """Rewrite the file with only ``lines`` (atomically: the old file stays whole until then)."""
    write_text_atomically("".join(lines), path)
