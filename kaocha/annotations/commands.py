"""`kaocha annotations validate|lint|stats|export|import`."""

from __future__ import annotations

from pathlib import Path

import typer

from kaocha.annotations.lint import lint as run_lint
from kaocha.annotations.records import (
    AnnotatedReport,
    AnnotationError,
    clash_message,
    load_interchange,
    load_standoff,
    merge_reports,
    save_interchange,
    save_standoff,
)
from kaocha.annotations.stats import stats_table
from kaocha.annotations.validate import check_report, validate_standoff
from kaocha.corpus import DEFAULT_MANIFEST, Corpus, CorpusError, sha256_text

DEFAULT_GOLD = Path("annotations/gold.jsonl")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _load(path: Path, manifest: Path) -> list[AnnotatedReport]:
    try:
        return load_standoff(path, Corpus(manifest))
    except (AnnotationError, CorpusError) as err:
        _fail(str(err))


def validate(
    files: list[Path] = typer.Argument(None, help="Standoff files (default: annotations/gold.jsonl)."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
) -> None:
    """Check offsets, span edges, overlaps, labels, sentences and hashes; exit 1 on any problem."""
    corpus = Corpus(manifest)
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
    """Write standoff annotations in the interchange format (with text and metadata)."""
    reports = _load(file, manifest)
    save_interchange(reports, out)
    typer.echo(f"wrote {len(reports)} report(s) to {out}")


def import_(
    source: Path = typer.Argument(..., help="Interchange file (spec §4)."),
    into: Path = typer.Option(DEFAULT_GOLD, help="Standoff file to add the reports to."),
    replace: bool = typer.Option(False, help="Replace reports already in --into."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
) -> None:
    """Import interchange records as standoff: each report must be in the corpus with the same text."""
    corpus = Corpus(manifest)
    try:
        incoming = load_interchange(source)
    except AnnotationError as err:
        _fail(str(err))
    problems = []
    for report in incoming:
        if report.id not in corpus:
            problems.append(f"{source}: report {report.id} is not in the corpus manifest (add it with `kaocha corpus add`)")
        elif sha256_text(corpus[report.id].text()) != report.sha256:
            problems.append(f"{source}: report {report.id}: text differs from the corpus report's normalized text")
        problems.extend(f"{source}: {p}" for p in check_report(report))
    stored = load_standoff(into, corpus) if into.exists() else []
    clash = clash_message(into, stored, incoming)
    if clash and not replace:
        problems.append(clash)
    if problems:
        _fail("nothing imported:\n" + "\n".join(problems))
    save_standoff(merge_reports(stored, incoming, corpus.ids()), into)
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
