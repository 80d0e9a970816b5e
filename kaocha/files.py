"""Writing files so that no reader ever sees half of one, and no writer loses another's.

* :func:`write_text_atomically`: a temporary file beside the target, flushed to
  disk, then one ``rename``. The new file gets the mode of the file it
  replaces (or, for a new file, what the user's umask gives, as ``open`` would);
  a symbolic link is resolved first, so its target is replaced and the link
  stays a link.
* :func:`exclusive_lock`: ``fcntl.flock`` on a lock file beside the target, held
  around a whole read-modify-write, so two commands extending the same file
  one after the other both keep their records.
* :func:`cleanup_on_sigterm`: SIGTERM raises :class:`Terminated` (as SIGINT
  raises ``KeyboardInterrupt``), so the same ``finally`` blocks remove
  temporary files and directories.
* :func:`exchange_directories`: swaps two directories in one system call
  (Linux ``renameat2(RENAME_EXCHANGE)``), so a model directory is replaced
  without a moment in which it is missing or half there.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import signal
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator


def _lock_timeout_setting(default: float = 120.0) -> float:
    try:
        return max(0.0, float(os.environ.get("KAOCHA_LOCK_TIMEOUT", default)))
    except ValueError:
        return default


# How long a writer waits for another one holding the lock (seconds; $KAOCHA_LOCK_TIMEOUT).
LOCK_TIMEOUT = _lock_timeout_setting()
LOCK_POLL = 0.05


class Terminated(SystemExit):
    """Raised in the main thread on SIGTERM inside :func:`cleanup_on_sigterm`;
    exits quietly with status 143 (128 + SIGTERM) once cleanup has run."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


class LockTimeout(OSError):
    """Another process held a file's lock for longer than the timeout."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


@contextlib.contextmanager
def cleanup_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` so that cleanup runs.

    Only the main thread can install signal handlers; elsewhere, and when
    SIGTERM already has a handler other than the default (ours, one of the
    caller's, or "ignore"), this does nothing. The previous handler is
    restored on leaving the block."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def termination_deferred() -> Iterator[None]:
    """Hold back SIGTERM for the block (a few renames that belong together);
    a SIGTERM that arrived meanwhile is handled at its end: by the handler
    that was in place, or (default handler) by raising :class:`Terminated`."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) is signal.SIG_IGN:
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
    if received:
        if callable(previous):
            previous(signal.SIGTERM, None)
        else:
            raise Terminated()


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def resolve_target(path: str | Path) -> Path:
    """The file a write to ``path`` should replace: symbolic links followed (a
    dangling link gives the path it points to), the path made absolute."""
    return Path(os.path.realpath(path))


def write_text_atomically(content: str, path: str | Path) -> None:
    """Write UTF-8 text through a temporary file in the same directory and a
    rename: the old file stays whole until the new one is complete.

    A symbolic link is resolved first (its target is replaced); the new file
    keeps the old file's permission bits, or gets ``0666 & ~umask`` when new.
    The temporary file is removed on any error, on Ctrl-C and on SIGTERM."""
    target = resolve_target(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", str(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~current_umask()
    with cleanup_on_sigterm():
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                os.fchmod(handle.fileno(), mode)
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the platform allows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def lock_path_for(path: str | Path) -> Path:
    """The lock file of ``path``: hidden, beside the file a write would replace."""
    target = resolve_target(path)
    return target.parent / f".{target.name}.lock"


@contextlib.contextmanager
def exclusive_lock(path: str | Path, timeout: float | None = None,
                   on_wait: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold an exclusive ``flock`` on the lock file of ``path`` for the block.

    Put a whole read-modify-write inside: a second writer of the same file
    waits here (``on_wait`` is told once, with a message) and reads only after
    the first has written. After ``timeout`` seconds (default
    ``$KAOCHA_LOCK_TIMEOUT`` or 120) it raises :class:`LockTimeout`, naming
    the file. The lock file is left in place (removing it would let two
    writers lock different files); the lock goes with the process."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    lock_file = lock_path_for(path)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        errno.EAGAIN,
                        f"{path}: another kaocha command has been writing it for {timeout:.0f} s "
                        f"(lock {lock_file}); nothing was written. Let that command finish and run this "
                        "one again (set KAOCHA_LOCK_TIMEOUT to wait longer)") from None
                if on_wait is not None and not told:
                    on_wait(f"waiting for another kaocha command writing {path} ...")
                    told = True
                time.sleep(LOCK_POLL)
        try:
            yield lock_file
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange_directories(a: str | Path, b: str | Path) -> bool:
    """Swap ``a`` and ``b`` (both existing, same file system) in one system
    call; returns False where the platform or file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def replace_directory(new: Path, target: Path, trash: Path) -> None:
    """Put the complete directory ``new`` at ``target``.

    When ``target`` exists it is swapped with ``new`` in one step and ends up
    at ``new``'s old place (the caller removes it). Where the system cannot
    swap, the old one is moved to ``trash`` and the new one renamed in: two
    renames with nothing between them (SIGTERM is held back by the caller)."""
    if not target.exists():
        new.rename(target)
        return
    if exchange_directories(new, target):
        return
    target.rename(trash)
    try:
        new.rename(target)
    except BaseException:
        trash.rename(target)
        raise
