"""`kaocha annotations validate|lint|stats|export|import`."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from kaocha.annotations.lint import lint as run_lint
from kaocha.annotations.records import (
    AnnotatedReport,
    AnnotationError,
    clash_message,
    holds_standoff,
    load_interchange,
    load_standoff,
    merge_reports,
    save_interchange,
    save_standoff,
)
from kaocha.annotations.stats import stats_table
from kaocha.annotations.validate import check_report, validate_standoff
from kaocha.corpus import DEFAULT_MANIFEST, Corpus, CorpusError, sha256_text
from kaocha.files import LockTimeout, exclusive_lock, resolve_target

DEFAULT_GOLD = Path("annotations/gold.jsonl")


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def open_corpus(manifest: Path) -> Corpus:
    """The corpus, or a one-line error saying where the manifest should be (no traceback)."""
    try:
        return Corpus(manifest)
    except CorpusError as err:
        fail(str(err))


def _load(path: Path, manifest: Path) -> list[AnnotatedReport]:
    try:
        return load_standoff(path, open_corpus(manifest))
    except (AnnotationError, CorpusError) as err:
        fail(str(err))


def tell(message: str) -> None:
    typer.echo(message, err=True)


def merge_into(into: Path, corpus: Corpus, reports: list, replace: bool, nothing: str, clash_prefix: str = "") -> None:
    """Merge ``reports`` into the standoff file ``into`` under its lock, or exit naming the problem and
    writing nothing (``nothing``: how the message says so; a clash with stored reports needs ``replace``)."""
    try:
        with exclusive_lock(into, on_wait=tell):
            stored = load_standoff(into, corpus) if into.exists() else []
            clash = clash_message(into, stored, reports)
            if clash and not replace:
                fail(clash_prefix + clash)
            save_standoff(merge_reports(stored, reports, corpus.ids()), into)
    except (AnnotationError, CorpusError) as err:
        fail(f"{nothing}: {err}")
    except LockTimeout as err:
        fail(err.strerror)
    except OSError as err:
        fail(f"{into}: cannot be written ({err.strerror or err}); {nothing}")


def export_target_problem(out: Path, source: Path, corpus: Corpus) -> str | None:
    """Why ``out`` must not receive an export: it is the input, a standoff
    annotation file, or a .jsonl in the repository's annotations/ folder."""
    target = resolve_target(out)
    if target.is_dir():
        return f"{out}: is a directory; name the interchange file to write"
    if os.path.exists(source) and target == resolve_target(source):
        return f"{out}: is the standoff file being exported (--from); write the interchange file elsewhere"
    if target.suffix == ".jsonl" and target.parent == (corpus.root / "annotations").resolve():
        return f"{out}: lies in the repository's annotations/ folder, which holds only standoff annotations; write the export elsewhere"
    if holds_standoff(target):
        return f"{out}: holds standoff annotations (records with sha256 and no text); it would be overwritten. Write the export elsewhere"
    return None


def validate(
    files: list[Path] = typer.Argument(None, help="Standoff files (default: annotations/gold.jsonl)."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
) -> None:
    """Check offsets, span edges, overlaps, labels, sentences and hashes; exit 1 on any problem."""
    corpus = open_corpus(manifest)
    total = 0
    for path in files or [DEFAULT_GOLD]:
        problems = validate_standoff(path, corpus)
        for problem in problems:
            typer.echo(f"{path}: {problem}")
        total += len(problems)
    typer.echo(f"{total} problem(s)", err=True)
    if total:
        raise typer.Exit(1)


def lint(
    file: Path = typer.Argument(DEFAULT_GOLD, help="Standoff file."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
) -> None:
    """Report likely annotator slips (inconsistent labels, unannotated names, names without posts)."""
    findings = run_lint(_load(file, manifest))
    for finding in findings:
        typer.echo(str(finding))
    typer.echo(f"{len(findings)} finding(s)", err=True)


def stats(
    file: Path = typer.Argument(DEFAULT_GOLD, help="Standoff file."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
    csv: Path = typer.Option(None, help="Also write the table as CSV."),
) -> None:
    """Spans per label and sentences per category, per report and in total."""
    table = stats_table(_load(file, manifest))
    typer.echo(table.to_string(index=False))
    if csv:
        table.to_csv(csv, index=False)


def export(
    out: Path = typer.Argument(..., help="Interchange file to write (spec §4, with text)."),
    file: Path = typer.Option(DEFAULT_GOLD, "--from", help="Standoff file."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
) -> None:
    """Write standoff annotations in the interchange format (with text and metadata).

    Refused, with nothing written, when the annotations have any problem
    `validate` reports, or when OUT is the input, a standoff annotation file or
    a .jsonl in annotations/."""
    corpus = open_corpus(manifest)
    problem = export_target_problem(out, file, corpus)
    if problem:
        fail(problem)
    try:
        reports = load_standoff(file, corpus)
    except (AnnotationError, CorpusError) as err:
        fail(str(err))
    problems = [f"{file}: {p}" for r in reports for p in check_report(r)]
    if problems:
        fail(f"nothing exported: {len(problems)} problem(s) in {file}:\n" + "\n".join(problems[:50]))
    try:
        save_interchange(reports, out)
    except OSError as err:
        fail(f"{out}: cannot be written ({err.strerror or err})")
    typer.echo(f"wrote {len(reports)} report(s) to {out}")


def import_(
    source: Path = typer.Argument(..., help="Interchange file (spec §4)."),
    into: Path = typer.Option(DEFAULT_GOLD, help="Standoff file to add the reports to."),
    replace: bool = typer.Option(False, help="Replace reports already in --into."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
) -> None:
    """Import interchange records as standoff: each report must be in the corpus with the same text.

    Nothing is written unless every record passes (one record per report in
    SOURCE). --into is read and rewritten under its lock, so concurrent
    writers of the same file wait for each other."""
    corpus = open_corpus(manifest)
    try:
        incoming = load_interchange(source)
    except AnnotationError as err:
        fail(str(err))
    problems = []
    for report in incoming:
        if report.id not in corpus:
            problems.append(f"{source}: report {report.id} is not in the corpus manifest (add it with `kaocha corpus add`)")
            continue
        try:
            same_text = sha256_text(corpus[report.id].text()) == report.sha256
        except CorpusError as err:
            problems.append(str(err))
            continue
        if not same_text:
            problems.append(f"{source}: report {report.id}: text differs from the corpus report's normalized text")
        problems.extend(f"{source}: {p}" for p in check_report(report))
    if problems:
        fail("nothing imported:\n" + "\n".join(problems))
    merge_into(into, corpus, incoming, replace, nothing="nothing imported", clash_prefix="nothing imported:\n")
    typer.echo(f"imported {len(incoming)} report(s) into {into}")


def agreement(
    first: Path = typer.Argument(..., help="Standoff file of one pass."),
    second: Path = typer.Argument(..., help="Standoff file of the other pass."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
) -> None:
    """Agreement between two annotation passes on the reports both contain (span and category F1 per label)."""
    from kaocha.annotations.agreement import agreement_table

    a, b = _load(first, manifest), _load(second, manifest)
    table, common = agreement_table(a, b)
    typer.echo(f"{len(common)} report(s) in both passes: {', '.join(common)}")
    typer.echo(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
