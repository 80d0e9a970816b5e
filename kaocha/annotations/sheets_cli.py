"""Sheet commands: write a report's annotation sheet, and ingest filled sheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from kaocha.annotations.markup import load_sheet, make_sheet
from kaocha.annotations.visit import visit_problems
from kaocha.annotations.records import AnnotatedReport, AnnotationError, load_standoff
from kaocha.annotations.commands import fail, merge_into, open_corpus
from kaocha.corpus import DEFAULT_MANIFEST, CorpusError


def sheet(
    report_ids: list[str] = typer.Argument(..., help="Report ids from the manifest."),
    out_dir: Path = typer.Option(None, "--out-dir", help="Write <id>.sheet files here instead of printing."),
    from_file: Path = typer.Option(None, "--from", help="Mark in the existing annotations of this standoff file."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
) -> None:
    """Print (or write) annotation sheets: one sentence per line, ready to mark up."""
    corpus = open_corpus(manifest)
    try:
        existing = {r.id: r for r in load_standoff(from_file, corpus)} if from_file else {}
    except (AnnotationError, CorpusError) as err:
        fail(str(err))
    for report_id in report_ids:
        if report_id not in corpus:
            raise typer.BadParameter(f"report {report_id!r} is not in {manifest}")
        try:
            text = make_sheet(report_id, corpus[report_id].text(), existing.get(report_id))
        except (AnnotationError, CorpusError) as err:
            fail(str(err))
        if out_dir:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / f"{report_id}.sheet").write_text(text, encoding="utf-8")
        else:
            typer.echo(text)


def ingest(
    sheets: list[Path] = typer.Argument(..., help="Filled sheet files."),
    into: Path = typer.Option(None, "--into", help="Standoff file to add the reports to (created if absent)."),
    annotator: str = typer.Option("", help="Who read the text (recorded as provenance)."),
    pass_number: int = typer.Option(1, "--pass", help="Annotation pass (1 = first reading, 2 = independent second)."),
    method: str = typer.Option("hand: read sentence by sentence against spec v1.4 and GUIDELINES.md", help="How it was made."),
    replace: bool = typer.Option(False, help="Replace reports already in --into (otherwise refused)."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
) -> None:
    """Check filled sheets and (with --into) store them as standoff annotations.

    Without --into this only checks: every sheet must reproduce the report's
    text exactly, with known labels. With --into, nothing is written unless
    every sheet passes; --into is read and rewritten under its lock, so
    concurrent writers of the same file wait for each other.
    """
    corpus = open_corpus(manifest)
    reports, problems = [], []
    for path in sheets:
        try:
            report_id, spans, sentences, visit = load_sheet(path, lambda rid: corpus[rid].text())
        except (AnnotationError, KeyError, CorpusError) as err:
            problems.append(str(err).strip("'\""))
            continue
        provenance = {"annotator": annotator, "pass": pass_number, "method": method,
                      "date": dt.date.today().isoformat(), "sheet": path.name}
        report = AnnotatedReport(report_id, corpus[report_id].text(), spans, sentences, provenance=provenance, visit=visit)
        visit_problems_found = visit_problems(visit, report.official_names()) if visit else []
        if visit_problems_found:
            problems.extend(f"{path} (report {report_id}): {p}" for p in visit_problems_found)
            continue
        reports.append(report)
        typer.echo(f"ok {path}: report {report_id}, {len(spans)} spans, {sum(bool(s.cats) for s in sentences)} categorized sentences"
                   + (f", visit record with {len(visit.sides)} side(s)" if visit else ", no visit record"))
    if problems:
        for problem in problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1)
    if into is None:
        return
    merge_into(into, corpus, reports, replace, nothing="nothing stored")
    typer.echo(f"stored {len(reports)} report(s) in {into}")
