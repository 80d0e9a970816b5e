"""Read a raw report file into a Python string (spec §1 step 1).

UTF-8 (with or without BOM) and UTF-16 with a BOM are accepted as they are
(the byte-order mark says which). GB18030 and Big5 are told
apart by a plausibility score, because Big5 bytes often decode as GB18030
without any error: the score is the share of non-ASCII characters that belong to
the common-character sets of either script (GB2312 level 1 and Big5 level 1,
both enumerated from Python's own codecs, so no data file is needed). When
neither candidate is clearly plausible the reader refuses and asks for an
explicit encoding instead of guessing. An explicit encoding must be one of
:data:`SUPPORTED_ENCODINGS` (any alias Python knows for one of them, such as
``utf8``); others (``latin-1`` would turn every report into mojibake without an
error) are refused with the list.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
from functools import lru_cache
from pathlib import Path

SUPPORTED_ENCODINGS = ("utf-8", "gb18030", "big5", "utf-16")
# A candidate encoding is accepted when this share of its Han characters is common ...
MIN_PLAUSIBILITY = 0.80
# ... and it beats the other candidate by at least this much.
MIN_MARGIN = 0.15
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class ReportReadError(ValueError):
    """A raw report cannot be turned into text; the message names the file."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@lru_cache(maxsize=1)
def common_han() -> frozenset[str]:
    """GB2312 level-1 (3,755 chars) and Big5 level-1 (5,401 chars) Han characters."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):  # GB2312 level 1: rows 16-55
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for code in range(0xA440, 0xC67F):  # Big5 frequently used characters
        try:
            chars.add(code.to_bytes(2, "big").decode("big5"))
        except UnicodeDecodeError:
            pass
    return frozenset(c for c in chars if HAN.match(c))


COMMON_PUNCTUATION = frozenset("。，、；：？！“”‘’（）《》〈〉「」『』【】—…·．\u3000") | frozenset(chr(c) for c in range(0xFF01, 0xFF5F))


def plausibility(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Han characters or
    common CJK punctuation (0 when there are none). Mis-decoded bytes give rare
    Han, kana, private-use and symbol characters, which all count against."""
    wide = [c for c in text if ord(c) > 0x7F and not c.isspace()]
    if not wide:
        return 0.0
    common = common_han()
    return sum(c in common or c in COMMON_PUNCTUATION for c in wide) / len(wide)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many C0 control bytes mean this is not a text file."""
    if b"\x00" in data[:8192]:
        return True
    sample = data[:8192]
    controls = sum(b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D) for b in sample)
    return controls > max(2, len(sample) // 100)


def supported_encoding(name: str) -> str:
    """The reader's name for encoding ``name`` (Python's aliases of a supported
    encoding, such as ``UTF8``, are accepted); ValueError listing the supported
    ones for any other."""
    try:
        canonical = codecs.lookup(name).name
    except (LookupError, TypeError):
        canonical = None
    for known in SUPPORTED_ENCODINGS:
        if canonical == codecs.lookup(known).name:
            return known
    kind = "unknown" if canonical is None else "unsupported"
    raise ValueError(f"{kind} encoding {name!r}; use one of {', '.join(SUPPORTED_ENCODINGS)} "
                     "(or omit it to detect the encoding)")


UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_report(data: bytes, path: str | Path = "<bytes>", encoding: str | None = None) -> str:
    """Decode raw bytes to text, refusing (with the file named) rather than guessing."""
    if encoding is not None:
        try:
            encoding = supported_encoding(encoding)
        except ValueError as err:
            raise ReportReadError(path, str(err)) from None
    if not data.strip():
        raise ReportReadError(path, "the file is empty")
    if data.startswith(UTF32_BOMS):
        raise ReportReadError(path, "the file is UTF-32 (byte-order mark), which is not supported; "
                                    f"convert it to UTF-8 (supported: {', '.join(SUPPORTED_ENCODINGS)})")
    if data.startswith(UTF16_BOMS) and encoding in (None, "utf-16"):
        return _decode_utf16(data, path, check_plausible=encoding is None)
    if data.startswith(UTF16_BOMS):
        raise ReportReadError(path, f"the file starts with a UTF-16 byte-order mark but the encoding given is {encoding}; "
                                    "omit --encoding (or give utf-16)")
    if encoding == "utf-16":
        raise ReportReadError(path, "--encoding utf-16 needs a file that starts with a byte-order mark "
                                    "(FF FE or FE FF); this one does not")
    if looks_binary(data):
        raise ReportReadError(path, "the file looks binary (NUL or control bytes), not a text report")
    if encoding is not None:
        return _decode_named(data, path, encoding)
    if data.startswith(codecs.BOM_UTF8):
        return _decode_named(data[len(codecs.BOM_UTF8):], path, "utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        return _decode_legacy(data, path, utf8_error)


def _decode_utf16(data: bytes, path: str | Path, check_plausible: bool) -> str:
    """UTF-16 with a byte-order mark (Windows "Unicode" text files). Detected
    (not named) UTF-16 must also read as plausible text: two bytes FF FE can
    begin a file of any garbage."""
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError as err:
        raise ReportReadError(path, f"bytes at offset {err.start} are not valid UTF-16 ({err.reason})") from None
    if looks_binary(text.encode("utf-8", "surrogatepass")):
        raise ReportReadError(path, "the file looks binary (NUL or control characters), not a text report")
    wide = any(ord(c) > 0x7F and not c.isspace() for c in text.removeprefix("\ufeff"))
    if check_plausible and wide and plausibility(text.removeprefix("\ufeff")) < MIN_PLAUSIBILITY:
        raise ReportReadError(path, "undecodable bytes: the file starts with a UTF-16 byte-order mark but does not "
                                    f"read as UTF-16 text (share of common characters {plausibility(text):.2f}); "
                                    "pass --encoding utf-16 if it is UTF-16 all the same")
    return text.removeprefix("\ufeff")


def _decode_named(data: bytes, path: str | Path, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ReportReadError(
            path, f"bytes at offset {err.start} are not valid {encoding} ({data[err.start:err.start + 4]!r})"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _decode_legacy(data: bytes, path: str | Path, utf8_error: UnicodeDecodeError) -> str:
    scores: dict[str, float] = {}
    texts: dict[str, str] = {}
    for candidate in ("gb18030", "big5"):
        try:
            texts[candidate] = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        scores[candidate] = plausibility(texts[candidate])
    if not scores:
        raise ReportReadError(
            path,
            f"undecodable bytes: not UTF-8 (offset {utf8_error.start}), GB18030 or Big5; "
            "pass --encoding if you know the file's encoding",
        )
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score >= MIN_PLAUSIBILITY and best_score - runner_up >= MIN_MARGIN:
        return texts[best]
    shown = ", ".join(f"{name} {score:.2f}" for name, score in ranked)
    raise ReportReadError(
        path,
        f"cannot tell the encoding safely (share of common characters: {shown}); "
        "pass --encoding gb18030 or --encoding big5",
    )


def read_raw(path: str | Path) -> bytes:
    """The bytes of a report file; a file that cannot be read is a ReportReadError saying why."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            raise ReportReadError(path, f"is a symbolic link to a missing file ({os.readlink(path)})") from None
        raise ReportReadError(path, "no such file") from None
    except IsADirectoryError:
        raise ReportReadError(path, "is a directory, not a report file") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise ReportReadError(path, "is a symbolic link that loops (it never reaches a file)") from None
        if isinstance(err, PermissionError):
            raise ReportReadError(path, "cannot be read (permission denied)") from None
        raise ReportReadError(path, f"cannot be read ({err.strerror or err})") from None


def read_report(path: str | Path, encoding: str | None = None) -> str:
    """Read a raw report file and return its decoded (not yet normalized) text."""
    return decode_report(read_raw(path), path, encoding)
