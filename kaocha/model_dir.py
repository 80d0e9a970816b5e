"""Where the trained pipeline is, and whether its directory is whole.

`find_model` looks, in this order, at: the path given (``--model``), the
``$KAOCHA_MODEL`` variable, the installed pipeline package ``zh_kaocha``,
``models/model-best`` of the current directory, and ``models/model-best`` of
the checkout the installed ``kaocha`` package lives in (an editable
install). A place given explicitly (the argument or the variable) that holds
no model is an error of its own, never skipped; when nothing is found the
error lists every place looked at and what to do.

`check_model_dir` reads every file of a model directory in the format spaCy
wrote it (JSON, config, NumPy, msgpack) before spaCy loads it, so a truncated
or empty file is reported by name instead of as a deep traceback.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

ENV_VAR = "KAOCHA_MODEL"
PACKAGE_NAME = "zh_kaocha"
DEFAULT_MODEL = Path("models/model-best")
NUMPY_MAGIC = b"\x93NUMPY"
CATS_PIPE = "kaocha_sentence_cats"

FIX_MISSING = (
    "to fix: pass --model DIR (or kaocha.load(DIR)), set KAOCHA_MODEL=DIR, "
    f"install a pipeline package built with `kaocha package` (pip install zh_kaocha-….tar.gz), "
    "or, in a checkout of the kaocha repository, train one with "
    "`python -m training.train configs/ner.cfg` (it writes models/model-best)")
FIX_BROKEN = (
    "the model directory is damaged: train it again "
    "(`python -m training.train configs/ner.cfg --replace` in a checkout) or copy/reinstall it "
    "from the package it came from (`kaocha package`, then pip install)")


class ModelError(Exception):
    """No usable trained pipeline; the message says where and what to do."""


class ModelNotFound(ModelError, FileNotFoundError):
    """No trained kaocha pipeline where one was looked for."""


class BrokenModel(ModelError, ValueError):
    """A model directory exists but a file of it is missing, empty or unreadable."""


def checkout_model() -> Path | None:
    """``models/model-best`` of the repository checkout the installed package
    comes from (an editable install), if this package lives in one."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").exists() and (root / "kaocha").is_dir():
        return root / DEFAULT_MODEL
    return None


def package_installed(name: str = PACKAGE_NAME) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _explicit(where: str | Path, how: str) -> Path | str:
    """A place the user named: a model directory or the name of an installed pipeline package."""
    path = Path(where)
    if path.is_dir():
        return path
    if not path.exists() and os.sep not in str(where) and package_installed(str(where)):
        return str(where)
    problem = "is a file, not a model directory" if path.exists() else "does not exist"
    raise ModelNotFound(f"{how} {where}: {problem}; {FIX_MISSING}")


def find_model(path: str | Path | None = None) -> Path | str:
    """The model directory (a Path) or installed package name (a str) to load."""
    if path is not None:
        return _explicit(path, "--model")
    if os.environ.get(ENV_VAR):
        return _explicit(os.environ[ENV_VAR], f"${ENV_VAR}=")
    if package_installed():
        return PACKAGE_NAME
    looked = ["--model: not given", f"${ENV_VAR}: not set", f"installed package {PACKAGE_NAME}: not installed"]
    candidates = [DEFAULT_MODEL.resolve()]
    checkout = checkout_model()
    if checkout is not None and checkout.resolve() != candidates[0]:
        candidates.append(checkout)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
        looked.append(f"{candidate}: does not exist")
    raise ModelNotFound("no trained kaocha model found; looked at:\n  " + "\n  ".join(looked) + f"\n{FIX_MISSING}")


def _check_file(path: Path) -> str | None:
    """What is wrong with one file of a model directory (None when it reads)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    if not data:
        return "is empty (0 bytes)"
    try:
        if data.startswith(NUMPY_MAGIC):
            import io

            import numpy as np

            np.load(io.BytesIO(data), allow_pickle=False)
        elif path.name == "config.cfg":
            from thinc.api import Config

            Config().from_str(data.decode("utf-8"), interpolate=False)
        elif path.suffix in (".json", ".cfg") or path.name == "cfg":  # components' settings are JSON
            json.loads(data.decode("utf-8"))
        elif path.suffix in ("", ".bin"):
            import srsly

            srsly.msgpack_loads(data)
    except Exception as err:  # noqa: BLE001 - every decoder has its own error types
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        return f"is truncated or corrupt ({detail[:200]})"
    return None


def check_model_dir(path: Path) -> None:
    """Raise `BrokenModel` naming the first missing, empty or unreadable file."""
    config = path / "config.cfg"
    if not config.is_file():
        raise BrokenModel(f"{config}: missing (every model directory has one); {FIX_BROKEN}")
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        problem = _check_file(file)
        if problem:
            raise BrokenModel(f"{file}: {problem}; {FIX_BROKEN}")
    cats = path / CATS_PIPE
    if cats.is_dir():  # the categorizer would load without its arrays and fail on the first report
        from kaocha.components.sentence_cats import ARRAYS

        for name in ARRAYS:
            if not (cats / f"{name}.npy").is_file():
                raise BrokenModel(f"{cats / (name + '.npy')}: missing (the sentence categorizer needs it); {FIX_BROKEN}")


def load_model(path: str | Path | None = None):
    """Find (`find_model`), check (`check_model_dir`) and load the pipeline."""
    import spacy

    where = find_model(path)
    if isinstance(where, Path):
        check_model_dir(where)
    try:
        return spacy.load(where)
    except FileNotFoundError as err:
        raise BrokenModel(f"{err.filename or where}: missing; {FIX_BROKEN}") from None
    except Exception as err:  # noqa: BLE001 - spaCy and thinc raise many types on a damaged model
        detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise BrokenModel(f"{where}: cannot be loaded ({type(err).__name__}: {detail[:300]}); {FIX_BROKEN}") from None
