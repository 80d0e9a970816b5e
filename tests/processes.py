"""Helpers for tests that need real processes: a child paused at a chosen
function (to send a signal, or to let a second writer in) and a file to wait on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT

# A child that wraps ``module.attr`` so that, on the call numbered ``nth``, it
# touches READY and then waits for GO (a file; "-" = never) or PAUSE seconds,
# before (``when`` = before) or after (after) the real call; then runs CODE.
# SIGINT raises KeyboardInterrupt in it, however the tests were started.
PAUSED_CHILD = r"""
import importlib, pathlib, signal, sys, time
# Ctrl-C as in a terminal: a child of a background job (`cmd &` in a script) starts with SIGINT ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
module_name, attr, nth, when, ready, go, pause, code = sys.argv[1:9]
module = importlib.import_module(module_name)
original = getattr(module, attr)
calls = []

def wait():
    pathlib.Path(ready).touch()
    deadline = time.monotonic() + float(pause)
    while time.monotonic() < deadline and not (go != "-" and pathlib.Path(go).exists()):
        time.sleep(0.02)
    if go != "-":
        time.sleep(1.5)  # let the other process get as far as it can

def paused(*args, **kwargs):
    calls.append(1)
    hit = len(calls) == int(nth)
    if hit and when == "before":
        wait()
    result = original(*args, **kwargs)
    if hit and when == "after":
        wait()
    return result

setattr(module, attr, paused)
sys.argv = ["child", *sys.argv[9:]]
exec(code)
"""

# A child that waits for READY, touches GO, then runs CODE (the second writer).
SECOND_CHILD = r"""
import pathlib, sys, time
ready, go, code = sys.argv[1:4]
import kaocha.cli  # the slow imports happen before the race starts
deadline = time.monotonic() + 60
while not pathlib.Path(ready).exists() and time.monotonic() < deadline:
    time.sleep(0.02)
pathlib.Path(go).touch()
sys.argv = ["child", *sys.argv[4:]]
exec(code)
"""

RUN_CLI = "from kaocha.cli import app; app(sys.argv[1:], prog_name='kaocha')"


def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    return env


def start_paused(target: str, nth: int, when: str, ready: Path, go: Path | None, pause: float, code: str,
                 args: list[str], cwd: Path) -> subprocess.Popen:
    module, attr = target.rsplit(".", 1)
    return subprocess.Popen([sys.executable, "-c", PAUSED_CHILD, module, attr, str(nth), when, str(ready),
                             str(go) if go else "-", str(pause), code, *args],
                            cwd=cwd, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def start_second(ready: Path, go: Path, code: str, args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SECOND_CHILD, str(ready), str(go), code, *args],
                            cwd=cwd, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"child ended before {path.name}: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"child never reached {path.name}")
        time.sleep(0.02)


def race(target: str, args_first: list[str], args_second: list[str], cwd: Path, tmp: Path):
    """Run a command paused inside its read-modify-write (at ``target``, before
    it writes) while the same command with ``args_second`` runs; returns both
    finished processes with their output."""
    ready, go = tmp / "first-has-read", tmp / "second-started"
    first = start_paused(target, 1, "before", ready, go, 30, RUN_CLI, args_first, cwd)
    second = start_second(ready, go, RUN_CLI, args_second, cwd)
    out_first = first.communicate(timeout=120)
    out_second = second.communicate(timeout=120)
    return (first.returncode, *out_first), (second.returncode, *out_second)


HOLD_LOCK = ("import pathlib, sys, time\nfrom kaocha.files import exclusive_lock\n"
             "with exclusive_lock(sys.argv[1]):\n    pathlib.Path(sys.argv[2]).touch()\n    time.sleep(float(sys.argv[3]))\n")


def hold_lock(path: Path, seconds: float, tmp: Path) -> subprocess.Popen:
    """Another process holding the lock of ``path`` for ``seconds`` (returns once it holds it)."""
    held = tmp / "held"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), str(held), str(seconds)], env=child_env())
    wait_for(held, holder)
    return holder
