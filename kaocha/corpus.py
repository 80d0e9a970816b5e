"""The corpus manifest: which raw report files make up the corpus, with metadata.

`corpus/manifest.csv` has one row per report. ``path`` is relative to the
repository root (the manifest's parent folder's parent), so reports outside
the repository (`../shared/reports/extra/r001.txt`) are referenced, not copied.
``sha256`` is of the raw bytes, which are never modified.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kaocha.files import LockTimeout, exclusive_lock, write_text_atomically
from kaocha.normalize import normalize_file
from kaocha.reading import ReportReadError, looks_binary, read_raw

DEFAULT_MANIFEST = Path("corpus/manifest.csv")
COLUMNS = [
    "id", "path", "sha256", "title", "source", "date",
    "visiting_region", "host_region", "script", "complete", "encoding",
]


class CorpusError(ValueError):
    """The manifest or a file it names is wrong; the message says which and how."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """Hash of a normalized text (UTF-8), used to join standoff annotations."""
    return sha256_bytes(text.encode("utf-8"))


@dataclass(frozen=True)
class ManifestEntry:
    """One manifest row, resolved against the repository root."""

    id: str
    path: Path
    sha256: str
    meta: dict

    def raw_bytes(self) -> bytes:
        try:
            return read_raw(self.path)
        except ReportReadError as err:
            raise CorpusError(f"{err} (report {self.id} of the manifest)") from None

    def text(self) -> str:
        """The normalized text (spec §1) after checking the raw file's hash."""
        data = self.raw_bytes()
        if sha256_bytes(data) != self.sha256:
            raise CorpusError(f"{self.path}: sha256 of the raw file does not match the manifest (report {self.id})")
        encoding = self.meta.get("encoding") or None
        try:
            return normalize_file(self.path, encoding)
        except ReportReadError as err:
            raise CorpusError(f"{err} (report {self.id} of the manifest)") from None


class Corpus:
    """The reports listed in a manifest, in manifest order."""

    def __init__(self, manifest: str | Path = DEFAULT_MANIFEST):
        self.manifest = Path(manifest)
        self.table = read_manifest(self.manifest)
        self.root = self.manifest.resolve().parent.parent

    def __len__(self) -> int:
        return len(self.table)

    def ids(self) -> list[str]:
        return list(self.table["id"])

    def __iter__(self):
        return (self[report_id] for report_id in self.ids())

    def __contains__(self, report_id: str) -> bool:
        return report_id in set(self.table["id"])

    def __getitem__(self, report_id: str) -> "ManifestEntry":
        rows = self.table[self.table["id"] == report_id]
        if rows.empty:
            raise KeyError(f"report {report_id!r} is not in {self.manifest}")
        row = rows.iloc[0].to_dict()
        meta = {k: v for k, v in row.items() if k not in ("id", "path", "sha256")}
        return ManifestEntry(row["id"], self.root / row["path"], row["sha256"], meta)

    def texts(self) -> dict[str, str]:
        """Normalized text of every report, by id."""
        return {report.id: report.text() for report in self}


def manifest_rows(path: Path) -> list[list[str]]:
    """The CSV rows of a manifest file; anything malformed is one CorpusError naming the file (and line)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{path}: no corpus manifest here (run from the repository root, the folder holding "
                          "corpus/manifest.csv, or pass --manifest PATH)") from None
    except IsADirectoryError:
        raise CorpusError(f"{path}: is a directory, not a manifest file (pass --manifest PATH/manifest.csv)") from None
    except OSError as err:
        raise CorpusError(f"{path}: the manifest cannot be read ({err.strerror or err})") from None
    if not data.strip():
        raise CorpusError(f"{path}: the manifest is empty (it needs a header line with id,path,sha256)")
    if looks_binary(data):
        raise CorpusError(f"{path}: the manifest looks binary (NUL or control bytes), not a CSV file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise CorpusError(f"{path}:{line}: the manifest is not valid UTF-8 (byte offset {err.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, start = [], 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as err:
        problem = "a quoted field is never closed" if "unexpected end of data" in str(err) else str(err)
        raise CorpusError(f"{path}:{start}: the manifest is not valid CSV ({problem})") from None
    rows = [(line, row) for line, row in rows if row]
    header = rows[0][1]
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise CorpusError(f"{path}:{line}: {len(row)} field(s) where the header has {len(header)}")
    return [header] + [row for _, row in rows[1:]]


def read_manifest(path: Path) -> pd.DataFrame:
    rows = manifest_rows(Path(path))
    table = pd.DataFrame(rows[1:], columns=rows[0], dtype=str)
    missing = [c for c in ("id", "path", "sha256") if c not in table.columns]
    if missing:
        raise CorpusError(f"{path}: manifest lacks column(s) {', '.join(missing)}")
    duplicated = table["id"][table["id"].duplicated()].tolist()
    if duplicated:
        raise CorpusError(f"{path}: duplicate report id(s) {', '.join(duplicated)}")
    for column in COLUMNS:
        if column not in table.columns:
            table[column] = ""
    return table[COLUMNS]


def write_table_atomically(table: pd.DataFrame, path: Path) -> None:
    """Write a CSV through a temporary file and a rename, so no reader sees half a file."""
    write_text_atomically(table.to_csv(index=False), path)


def read_index_tsv(directory: Path) -> dict[str, dict]:
    """Metadata from an `index.tsv` beside the reports (the format of ../shared/reports)."""
    index = directory / "index.tsv"
    if not index.exists():
        return {}
    try:
        table = pd.read_csv(index, sep="\t", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise CorpusError(f"{index}: not a valid tab-separated index ({str(err).strip()})") from None
    if "file" not in table.columns:
        raise CorpusError(f"{index}: needs a 'file' column naming each report file")
    rows = {}
    for row in table.to_dict("records"):
        complete = row.get("complete", "").strip().lower()
        rows[row["file"]] = {
            "title": row.get("title", ""),
            "source": row.get("url", row.get("source", "")),
            "date": row.get("date_if_known", row.get("date", "")),
            "visiting_region": row.get("visiting_region", ""),
            "host_region": row.get("host_region", ""),
            "script": row.get("script", ""),
            "complete": "complete" if complete in ("yes", "complete", "true") else ("partial" if complete else ""),
        }
    return rows


def add_directory(
    directory: str | Path,
    manifest: str | Path = DEFAULT_MANIFEST,
    encoding: str | None = None,
    pattern: str = "*.txt",
    on_wait=None,
) -> list[str]:
    """Add every report file of ``directory`` to the manifest, by reference.

    Every file is read and normalized first; if any fails (unreadable, a
    directory, a dangling or looping link, a link leading out of
    ``directory``, no text), nothing is written and the error lists each bad
    file. Ids are the file stems; an id already in the manifest with other
    bytes is refused, the same bytes are skipped. The manifest is read and
    rewritten under its lock, so two `corpus add` at once both keep their rows.
    """
    directory = Path(directory)
    manifest = Path(manifest)
    if not directory.is_dir():
        raise CorpusError(f"{directory}: not a directory")
    files = sorted(directory.glob(pattern))
    if not files:
        raise CorpusError(f"{directory}: no files matching {pattern}")
    inside = directory.resolve()
    metadata = read_index_tsv(directory)
    try:
        with exclusive_lock(manifest, on_wait=on_wait):
            table = read_manifest(manifest) if os.path.lexists(manifest) else pd.DataFrame(columns=COLUMNS)
            root = manifest.resolve().parent.parent
            known = dict(zip(table["id"], table["sha256"]))
            problems, rows = [], []
            for path in files:
                resolved = Path(os.path.realpath(path))
                if not resolved.is_relative_to(inside):
                    problems.append(f"{path}: resolves to {resolved}, outside {directory}; "
                                    "copy the file into the directory or add its own directory")
                    continue
                try:
                    digest = sha256_bytes(read_raw(path))
                except ReportReadError as err:
                    problems.append(str(err))
                    continue
                report_id = path.stem
                if report_id in known:
                    if known[report_id] != digest:
                        problems.append(f"{path}: id {report_id!r} is already in the manifest with different bytes")
                    continue
                try:
                    normalize_file(path, encoding)
                except ReportReadError as err:
                    problems.append(str(err))
                    continue
                meta = metadata.get(path.name, {})
                rows.append({
                    "id": report_id,
                    "path": os.path.relpath(resolved, root),
                    "sha256": digest,
                    **{c: meta.get(c, "") for c in COLUMNS[3:-1]},
                    "encoding": encoding or "",
                })
            if problems:
                raise CorpusError("nothing added:\n" + "\n".join(problems))
            if rows:
                write_table_atomically(pd.concat([table, pd.DataFrame(rows, columns=COLUMNS)], ignore_index=True), manifest)
    except LockTimeout as err:
        raise CorpusError(str(err.strerror)) from None
    return [row["id"] for row in rows]
