"""`kaocha score`: run the trained pipeline over report files and write records.

Each file is read (encoding detected, `kaocha.reading`), normalized (spec §1)
and scored (`kaocha.batch`; long reports in pieces). A file that cannot be
read or scored is one error line on stderr naming it, the others go on, and
the exit code is then 1.

JSONL written to ``--out`` grows record by record as reports are scored
(`kaocha.record_file`): an interrupted run leaves every finished record, and
``--resume`` adds only the reports not yet in it (same id and same sha256 of
the raw file). An existing JSONL output is never replaced without
``--replace``. The other formats are made when all reports are scored and
written atomically (a temporary file renamed into place), not at all if no
report was scored.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import signal
import sys
import warnings
from pathlib import Path

import typer

from kaocha.api import Report, to_dataframes
from kaocha.batch import FileInput, IndexFileWarning, directory_index, score_inputs
from kaocha.corpus import sha256_bytes
from kaocha.files import write_text_atomically
from kaocha.model_dir import ENV_VAR, PACKAGE_NAME, ModelError, find_model, load_model
from kaocha.outputs import csv_text, jsonl_line, text_table
from kaocha.progress import Progress
from kaocha.record_file import RecordFileError, RecordWriter, keep_only, read_existing
from kaocha.report_page import render_page
from kaocha.options import encoding_option

FORMATS = ("jsonl", "csv", "table", "html")
TABLES = ("entities", "officials", "venues", "areas", "visits", "people")
DEFAULT_TABLE = {"csv": "entities", "table": "officials"}
MODEL_DEFAULT = f"installed {PACKAGE_NAME}, else ${ENV_VAR}, else models/model-best here or in the kaocha checkout"


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def matches(name: str, pattern: str) -> bool:
    """File name matching, case-insensitive (``*.txt`` finds ``R1.TXT``)."""
    return fnmatch.fnmatch(name.lower(), pattern.lower())


def report_files(paths: list[Path], pattern: str) -> tuple[list[Path], list[str]]:
    """Files named on the command line, and the files of directories whose
    names match ``pattern`` (any letter case; ``**/`` for subdirectories)."""
    files, problems = [], []
    for path in paths:
        if path.is_dir():
            recursive = pattern.startswith("**/")
            name_pattern = pattern[3:] if recursive else pattern
            candidates = path.rglob("*") if recursive else path.iterdir()
            found = sorted(p for p in candidates if p.is_file() and matches(p.name, name_pattern))
            if not found:
                problems.append(f"{path}: no files matching {pattern!r}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such file or directory")
    return files, problems


def check_out(out: Path | None, paths: list[Path], files: list[Path]) -> None:
    """Refuse an output that is a directory or one of the inputs."""
    if out is None:
        return
    if out.is_dir():
        fail(f"--out {out} is a directory; name a file in it (e.g. {out / 'reports.jsonl'})")
    target = out.resolve()
    if any(target == p.resolve() for p in [*files, *paths]):
        fail(f"--out {out} is one of the input files; writing there would destroy it")


def render(reports: list[Report], output_format: str, table: str) -> str:
    if output_format == "jsonl":
        return "".join(jsonl_line(r.to_dict()) for r in reports)
    if output_format == "html":
        return render_page([r.to_dict() for r in reports])
    frame = to_dataframes(reports)[table]
    frame.insert(1, "path", frame["report"].map({r.id: r.source for r in reports}))
    return csv_text(frame) if output_format == "csv" else text_table(frame)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, like Ctrl-C's KeyboardInterrupt."""


@contextlib.contextmanager
def interrupts_raise():
    """SIGTERM ends the run like Ctrl-C, so files are closed and temporary
    files removed instead of the process vanishing mid-write."""
    def stop(signum, frame):
        raise Terminated
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def plan_resume(out: Path, files: list[Path]) -> tuple[list[Path], int]:
    """The files still to score, and how many already are in ``out``; drops
    records that are cut off or belong to an input file that has changed."""
    try:
        existing = read_existing(out)
    except RecordFileError as err:
        fail(str(err))
    keys = {}
    for path in files:
        try:
            keys[path] = (path.stem, sha256_bytes(path.read_bytes()))
        except OSError:
            keys[path] = (path.stem, None)  # reported when scored
    current = set(keys.values())
    input_ids = {key[0] for key in current}
    kept = [(line, key) for line, key in zip(existing.lines, existing.keys)
            if key[0] not in input_ids or key in current]
    dropped = len(existing.lines) - len(kept)
    if dropped or existing.cut_tail:
        if dropped:
            typer.echo(f"resume: {dropped} record(s) in {out} are of files that changed since; scoring them again", err=True)
        if existing.cut_tail:
            typer.echo(f"resume: the last line of {out} was cut off (interrupted write); scoring that report again", err=True)
        keep_only(out, [line for line, _ in kept])
    done = {key for _, key in kept}
    todo = [path for path in files if keys[path] not in done]
    return todo, len(files) - len(todo)


def check_options(output_format: str, table: str | None, out: Path | None, resume: bool, replace: bool) -> str:
    """Refuse option combinations that would be ignored; the table to write."""
    if output_format not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    if table is not None and output_format not in DEFAULT_TABLE:
        fail(f"--table applies to --format csv or table, not {output_format}")
    table = table or DEFAULT_TABLE.get(output_format, "entities")
    if table not in TABLES:
        fail(f"--table must be one of {', '.join(TABLES)}, not {table!r}")
    if (resume or replace) and (output_format != "jsonl" or out is None):
        fail("--resume and --replace apply to JSONL written to --out")
    if resume and replace:
        fail("--resume and --replace exclude each other")
    return table


def warn_about_inputs(files: list[Path]) -> None:
    """An unusable index.tsv (once per folder), and files that would share an id."""
    warnings.simplefilter("ignore", IndexFileWarning)  # said here instead, once per folder
    for directory in sorted({p.parent for p in files}):
        problem = directory_index(directory)[1]
        if problem:
            typer.echo(f"warning: {problem}", err=True)
    stems: dict[str, list[Path]] = {}
    for path in files:
        stems.setdefault(path.stem, []).append(path)
    for stem, same in stems.items():
        if len(same) > 1:
            typer.echo(f"warning: {len(same)} files share the report id {stem!r} ({', '.join(map(str, same))}); "
                       "tell them apart by `source`", err=True)


def score(
    paths: list[Path] = typer.Argument(..., help="Report files or directories of report files."),
    model: Path = typer.Option(None, "--model", show_default=MODEL_DEFAULT,
                               help="Trained model directory (or installed pipeline package name)."),
    output_format: str = typer.Option("jsonl", "--format", help="jsonl, csv, table or html."),
    table: str = typer.Option(None, "--table", show_default="entities for csv, officials for table",
                              help="Which table, for --format csv or table: entities, officials, venues, areas, visits or people."),
    out: Path = typer.Option(None, "--out", help="Write here instead of stdout (JSONL record by record, others atomically)."),
    resume: bool = typer.Option(False, "--resume", help="JSONL --out: score only the reports not yet in it."),
    replace: bool = typer.Option(False, "--replace", help="JSONL --out: start an existing output over."),
    n_process: int = typer.Option(1, "--n-process", min=1, help="Worker processes; 2 on a 2-core machine with idle cores scores a large folder in about half the time."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Reports per batch of the pipeline."),
    pattern: str = typer.Option("*.txt", "--pattern", help="Which files of a directory are reports (any letter case)."),
    encoding: str = encoding_option(),
) -> None:
    """Score report files: officials with posts, venues, areas, sentences."""
    table = check_options(output_format, table, out, resume, replace)
    files, problems = report_files(paths, pattern)
    check_out(out, paths, files)
    streaming = output_format == "jsonl" and out is not None
    already = 0
    if streaming and out.exists() and out.stat().st_size > 0:
        if resume:
            files, already = plan_resume(out, files)
        elif not replace:
            lines = out.read_bytes().count(b"\n")
            fail(f"{out} already exists ({lines} line(s)): add --resume to score only the reports missing "
                 f"from it, or --replace to start it over")
    warn_about_inputs(files)
    try:
        where = find_model(model)
        nlp = load_model(where)
    except ModelError as err:
        fail(str(err))
    typer.echo(f"model: {where}", err=True)
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)

    writer = RecordWriter(out, fresh=not resume) if streaming else None
    reports: list[Report] = []
    sizes = {path: max(path.stat().st_size, 1) if path.exists() else 1 for path in files}
    progress = Progress(len(files), sum(sizes.values()), enabled=sys.stderr.isatty() and len(files) > 5)
    failed, scored = len(problems), 0
    try:
        with interrupts_raise(), contextlib.closing(score_inputs(
                nlp, [FileInput(p, encoding) for p in files], batch_size=batch_size, n_process=n_process)) as outcomes:
            for outcome in outcomes:
                if outcome.report is None:
                    failed += 1
                    progress.message(f"error: {outcome.message}")
                elif writer is not None:
                    writer.write(outcome.report.to_dict())
                elif output_format == "jsonl":  # stdout, line by line
                    sys.stdout.write(jsonl_line(outcome.report.to_dict()))
                    sys.stdout.flush()
                else:
                    reports.append(outcome.report)
                scored += outcome.report is not None
                progress.advance(sizes[outcome.input.path])
        progress.finish()
    except BrokenPipeError:  # `kaocha score DIR | head`: the reader has gone, which is no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0)
    except KeyboardInterrupt as err:
        progress.finish()
        if writer is not None:
            writer.close()
            typer.echo(f"interrupted: {writer.written} record(s) written to {out} in this run; "
                       "run the same command with --resume to finish", err=True)
        else:
            typer.echo(f"interrupted after {progress.done_reports} report(s)"
                       + ("" if output_format == "jsonl" else "; nothing written"), err=True)
        raise typer.Exit(143 if isinstance(err, Terminated) else 130)
    finally:
        if writer is not None:
            writer.close()

    if writer is not None:
        note = f" ({already} already there)" if resume else ""
        typer.echo(f"wrote {writer.written} record(s) to {out}{note}", err=True)
    elif reports and output_format != "jsonl":
        content = render(reports, output_format, table)
        if out is not None:
            write_text_atomically(content, out)
            typer.echo(f"wrote {len(reports)} report(s) to {out}", err=True)
        else:
            sys.stdout.write(content)
    if failed:
        typer.echo(f"{failed} file(s) failed, {scored} scored", err=True)
        raise typer.Exit(1)
