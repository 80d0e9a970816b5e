"""`kaocha score`: run the trained pipeline over report files and write records.

Each file is read (encoding detected, `kaocha.reading`), normalized (spec §1)
and scored with ``nlp.pipe``; a file that cannot be read is reported on
stderr with its path and skipped, and the exit code is then 1. Output goes to
``--out`` atomically (a temporary file renamed into place) or to stdout.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

import typer

from kaocha.api import ModelNotFound, Report, decision_threshold, load, report_from_doc, to_dataframes
from kaocha.files import write_text_atomically
from kaocha.normalize import normalize
from kaocha.options import encoding_option
from kaocha.reading import ReportReadError, read_report

FORMATS = ("jsonl", "csv", "table", "html")
TABLES = ("entities", "officials", "venues", "areas")
COLORS = {"OFFICIAL": "#f4b183", "POST": "#9dc3e6", "VENUE": "#a9d18e"}


def report_files(paths: list[Path], pattern: str) -> tuple[list[Path], list[str]]:
    """Files named on the command line, and the matching files of directories."""
    files, problems = [], []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob(pattern) if p.is_file())
            if not found:
                problems.append(f"{path}: no files matching {pattern!r}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such file or directory")
    return files, problems


def read_texts(files: list[Path], encoding: str | None) -> tuple[list[tuple[Path, str]], list[str]]:
    texts, problems = [], []
    for path in files:
        try:
            text = normalize(read_report(path, encoding))
        except ReportReadError as err:
            problems.append(str(err))
            continue
        except OSError as err:
            problems.append(f"{path}: cannot read: {err.strerror or err}")
            continue
        if not text.strip():
            problems.append(f"{path}: no text left after normalization")
            continue
        texts.append((path, text))
    return texts, problems


def render_jsonl(reports: list[Report]) -> str:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in reports)


def render_csv(reports: list[Report], table: str) -> str:
    frame = to_dataframes(reports)[table]
    frame.insert(1, "path", frame["report"].map({r.id: r.source for r in reports}))
    return frame.to_csv(index=False)


def render_table(reports: list[Report]) -> str:
    lines = []
    for r in reports:
        lines.append(f"== {r.id} ({r.source})")
        lines.append("officials:")
        for o in r.officials:
            posts = "; ".join(p.text + (f" [{p.jurisdiction}]" if p.jurisdiction else "") for p in o.posts)
            lines.append(f"  {o.name}" + (f" — {posts}" if posts else ""))
        if not r.officials:
            lines.append("  (none)")
        lines.append("venues: " + ("、".join(v.name for v in r.venues) or "(none)"))
        lines.append("areas: " + (", ".join(f"{a.label} {a.score:.2f} (S{', S'.join(map(str, a.sentences))})"
                                            for a in r.areas) or "(none)"))
        lines.append("")
    return "\n".join(lines)


def render_html(reports: list[Report], threshold: float) -> str:
    """One self-contained page: displaCy entity marks and each sentence's areas."""
    from spacy import displacy

    parts = []
    for r in reports:
        marked = displacy.render(
            {"text": r.text, "ents": [{"start": e.start, "end": e.end, "label": e.label} for e in r.entities],
             "title": None},
            style="ent", manual=True, page=False, jupyter=False, options={"colors": COLORS})
        rows = "".join(
            f"<tr><td>S{s.id}</td><td>{html.escape(s.text)}</td><td>"
            + html.escape(", ".join(f"{k} {v:.2f}" for k, v in sorted(s.cats.items(), key=lambda kv: -kv[1]) if v >= threshold))
            + "</td></tr>" for s in r.sentences)
        parts.append(f'<section class="report" id="{html.escape(str(r.id))}"><h2>{html.escape(str(r.id))}</h2>'
                     f'<p class="source">{html.escape(str(r.source))}</p>{marked}'
                     f'<table class="sentences"><tr><th>sentence</th><th>text</th><th>areas</th></tr>{rows}</table></section>')
    style = ("body{font-family:'WenQuanYi Zen Hei',sans-serif;margin:2em;max-width:60em}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .4em;vertical-align:top}")
    return (f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>kaocha: {len(reports)} report(s)</title>'
            f"<style>{style}</style></head><body><h1>kaocha: {len(reports)} report(s)</h1>{''.join(parts)}</body></html>\n")


def score(
    paths: list[Path] = typer.Argument(..., help="Report files or directories of report files."),
    model: Path = typer.Option(None, "--model", help="Trained model directory [default: $KAOCHA_MODEL or models/model-best]."),
    output_format: str = typer.Option("jsonl", "--format", help="jsonl, csv, table or html."),
    table: str = typer.Option("entities", "--table", help="For csv: entities, officials, venues or areas."),
    out: Path = typer.Option(None, "--out", help="Write here (atomically) instead of stdout."),
    n_process: int = typer.Option(1, "--n-process", help="Processes for nlp.pipe."),
    batch_size: int = typer.Option(32, "--batch-size", help="Reports per nlp.pipe batch."),
    pattern: str = typer.Option("*.txt", "--pattern", help="Which files of a directory are reports."),
    encoding: str = encoding_option(),
) -> None:
    """Score report files: officials with posts, venues, areas, sentences."""
    if output_format not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    if table not in TABLES:
        raise typer.BadParameter(f"--table must be one of {', '.join(TABLES)}, not {table!r}")
    try:
        nlp = load(model)
    except ModelNotFound as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2)
    files, problems = report_files(paths, pattern)
    texts, read_problems = read_texts(files, encoding)
    problems += read_problems
    threshold = decision_threshold(nlp)
    reports = []
    docs = nlp.pipe((text for _, text in texts), batch_size=batch_size, n_process=n_process)
    show_progress = sys.stderr.isatty() and len(texts) > 5
    with typer.progressbar(docs, length=len(texts), label="scoring", file=sys.stderr,
                           hidden=not show_progress) as progress:
        for (path, _), doc in zip(texts, progress):
            reports.append(report_from_doc(doc, threshold, path.stem, str(path)))
    if output_format == "jsonl":
        content = render_jsonl(reports)
    elif output_format == "csv":
        content = render_csv(reports, table)
    elif output_format == "table":
        content = render_table(reports)
    else:
        content = render_html(reports, threshold)
    if out is not None and reports:
        write_text_atomically(content, out)
        typer.echo(f"wrote {len(reports)} report(s) to {out}", err=True)
    else:
        sys.stdout.write(content)
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    if problems:
        typer.echo(f"{len(problems)} file(s) failed, {len(reports)} scored", err=True)
        raise typer.Exit(1)
