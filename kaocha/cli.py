"""The `kaocha` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from kaocha.annotations import commands as annotation_commands
from kaocha.annotations import sheets_cli
from kaocha import package as package_command
from kaocha import score as score_command
from kaocha.corpus import DEFAULT_MANIFEST, Corpus, CorpusError, add_directory
from kaocha.normalize import normalize_file
from kaocha.options import encoding_option
from kaocha.reading import ReportReadError

app = typer.Typer(help="kaocha (考察): extract officials, posts, venues and cooperation areas from delegation-visit reports.",
                  no_args_is_help=True, add_completion=False)
corpus_app = typer.Typer(help="List the corpus or add reports to it.", invoke_without_command=True)
annotations_app = typer.Typer(help="Annotation sheets, validation, lint, statistics, import and export.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
app.add_typer(annotations_app, name="annotations")
annotations_app.command("sheet")(sheets_cli.sheet)
annotations_app.command("ingest")(sheets_cli.ingest)
annotations_app.command("validate")(annotation_commands.validate)
annotations_app.command("lint")(annotation_commands.lint)
annotations_app.command("stats")(annotation_commands.stats)
annotations_app.command("export")(annotation_commands.export)
annotations_app.command("import")(annotation_commands.import_)
annotations_app.command("agreement")(annotation_commands.agreement)
app.command("score")(score_command.score)
app.command("package")(package_command.package)


def _checkout_module(name: str):
    """`evaluate` and `training` run from a checkout, not from the installed package."""
    import importlib

    if str(Path.cwd()) not in sys.path and (Path.cwd() / name.split(".")[0]).is_dir():
        sys.path.insert(0, str(Path.cwd()))
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        fail(f"`kaocha {name.split('.')[-1]}` runs from a checkout of the kaocha repository "
             f"(no {name.split('.')[0]}/ here); cd into it first", code=2)


@app.command("evaluate", context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []})
def evaluate_alias(ctx: typer.Context) -> None:
    """Same as `python -m evaluate` (run from a checkout); --help shows its options."""
    module = _checkout_module("evaluate.__main__")
    module.app(ctx.args, prog_name="kaocha evaluate")


@app.command("bench", context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []})
def bench_alias(ctx: typer.Context) -> None:
    """Same as `python -m evaluate.bench` (run from a checkout); --help shows its options."""
    module = _checkout_module("evaluate.bench")
    module.app(ctx.args, prog_name="kaocha bench")


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def normalize(
    files: list[Path] = typer.Argument(..., help="Raw report files."),
    encoding: str = encoding_option(),
) -> None:
    """Print the normalized text (annotation-spec §1) of each file."""
    failed = False
    for path in files:
        try:
            sys.stdout.write(normalize_file(path, encoding))
        except ReportReadError as err:
            typer.echo(f"error: {err}", err=True)
            failed = True
    if failed:
        raise typer.Exit(1)


@corpus_app.callback()
def corpus_list(
    ctx: typer.Context,
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest."),
) -> None:
    """List the reports of the corpus (id, characters, title)."""
    if ctx.invoked_subcommand:
        return
    try:
        corpus = Corpus(manifest)
        chars = [len(report.text()) for report in corpus]
    except CorpusError as err:
        fail(str(err))
    table = corpus.table[["id", "date", "visiting_region", "host_region", "complete", "title"]].copy()
    table.insert(1, "chars", chars)
    typer.echo(table.to_string(index=False))
    typer.echo(f"{len(table)} reports, {table['chars'].sum()} normalized characters")


@corpus_app.command("add")
def corpus_add(
    directory: Path = typer.Argument(..., help="Directory of raw report files (an index.tsv beside them gives metadata)."),
    manifest: Path = typer.Option(DEFAULT_MANIFEST, help="Corpus manifest to extend."),
    encoding: str = encoding_option(),
    pattern: str = typer.Option("*.txt", help="Which files of the directory are reports."),
) -> None:
    """Add a directory of reports to the manifest by reference (files are not copied)."""
    try:
        added = add_directory(directory, manifest, encoding, pattern, on_wait=lambda m: typer.echo(m, err=True))
    except CorpusError as err:
        fail(str(err))
    typer.echo(f"added {len(added)} report(s) to {manifest}" + (f": {', '.join(added)}" if added else ""))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
