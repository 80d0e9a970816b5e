"""Command-line options that several commands share, validated the same way everywhere."""

from __future__ import annotations

import typer

from kaocha.reading import SUPPORTED_ENCODINGS, supported_encoding

ENCODING_HELP = (f"Encoding of the files, one of {', '.join(SUPPORTED_ENCODINGS)} (utf-16 needs a byte-order mark); "
                 "detected when omitted.")


def check_encoding(value: str | None) -> str | None:
    """Typer callback for ``--encoding``: the reader's name for it, or a usage error listing the supported ones."""
    if value is None:
        return None
    try:
        return supported_encoding(value)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None


def encoding_option() -> typer.models.OptionInfo:
    """The ``--encoding`` option of every command that reads raw report files."""
    return typer.Option(None, "--encoding", help=ENCODING_HELP, callback=check_encoding)
