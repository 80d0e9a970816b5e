"""The atomic writer, the file lock and the directory swap (kaocha/files.py)."""

import os
import signal
import stat
import time

import pytest

from kaocha.files import (
    LockTimeout,
    exclusive_lock,
    lock_path_for,
    replace_directory,
    write_text_atomically,
)

from processes import hold_lock, start_paused, wait_for


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    """Set the process umask for one test, restoring it after."""
    previous = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(previous)


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_file_gets_the_mode_the_umask_gives(tmp_path, umask, mask, expected):
    umask(mask)
    path = tmp_path / "out.jsonl"
    write_text_atomically("x\n", path)
    with open(tmp_path / "plain.txt", "w") as handle:  # what open() gives under the same umask
        handle.write("x")
    assert mode(path) == mode(tmp_path / "plain.txt") == expected


@pytest.mark.parametrize("old_mode", [0o600, 0o664, 0o640])
def test_replaced_file_keeps_its_mode(tmp_path, umask, old_mode):
    umask(0o022)
    path = tmp_path / "gold.jsonl"
    path.write_text("old\n")
    os.chmod(path, old_mode)
    write_text_atomically("new\n", path)
    assert path.read_text() == "new\n" and mode(path) == old_mode


def test_symlink_target_is_replaced_and_the_link_kept(tmp_path):
    real = tmp_path / "data" / "manifest.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    os.chmod(real, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(os.path.relpath(real, tmp_path))
    write_text_atomically("new\n", link)
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(real, tmp_path)
    assert real.read_text() == "new\n" and mode(real) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["manifest.csv"]  # no temporary file left


def test_error_while_writing_leaves_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old\n")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomically("bad \udc80 surrogate", path)
    assert path.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, -signal.SIGINT)])
def test_sigterm_before_the_rename_removes_the_temporary_file(tmp_path, signum, status):
    """SIGTERM (or Ctrl-C) at a controlled point (the child pauses in place of
    the final rename): the old file is whole, no `.out.jsonl.*.tmp` is left."""
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    ready = tmp_path / "ready"
    code = "from kaocha.files import write_text_atomically; write_text_atomically('new\\n', sys.argv[1])"
    child = start_paused("os.replace", 1, "before", ready, None, 30, code, [str(target)], tmp_path)
    wait_for(ready, child)
    child.send_signal(signum)
    child.communicate(timeout=30)
    assert child.returncode == status
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "ready"]
    assert target.read_text() == "old\n"


def test_second_writer_waits_for_the_first(tmp_path):
    path = tmp_path / "gold.jsonl"
    holder = hold_lock(path, 1.0, tmp_path)
    told = []
    started = time.monotonic()
    with exclusive_lock(path, timeout=30, on_wait=told.append) as lock_file:
        waited = time.monotonic() - started
    holder.wait(timeout=10)
    assert waited > 0.3 and told and str(path) in told[0]
    assert lock_file == tmp_path / ".gold.jsonl.lock"


def test_lock_timeout_names_the_file(tmp_path):
    path = tmp_path / "manifest.csv"
    holder = hold_lock(path, 20, tmp_path)
    try:
        with pytest.raises(LockTimeout, match="manifest.csv: another kaocha command .*nothing was written"):
            with exclusive_lock(path, timeout=0.3):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_lock_of_a_link_is_the_lock_of_its_target(tmp_path):
    (tmp_path / "real.jsonl").write_text("")
    (tmp_path / "link.jsonl").symlink_to("real.jsonl")
    assert lock_path_for(tmp_path / "link.jsonl") == lock_path_for(tmp_path / "real.jsonl") == tmp_path / ".real.jsonl.lock"


def make_model(path, marker, files=14):
    path.mkdir(parents=True)
    for i in range(files):
        (path / f"part{i}").write_text(marker)


def test_replace_directory_swaps_a_complete_directory_in(tmp_path):
    make_model(tmp_path / "model-best", "old")
    make_model(tmp_path / "stage" / "model-best", "new")
    replace_directory(tmp_path / "stage" / "model-best", tmp_path / "model-best", tmp_path / "trash")
    assert {p.read_text() for p in (tmp_path / "model-best").iterdir()} == {"new"}
    assert len(list((tmp_path / "model-best").iterdir())) == 14
    # the previous one is kept whole, at the staged place (the caller removes it)
    assert {p.read_text() for p in (tmp_path / "stage" / "model-best").iterdir()} == {"old"}


def test_replace_directory_without_the_swap_call_falls_back_to_two_renames(tmp_path, monkeypatch):
    import kaocha.files

    monkeypatch.setattr(kaocha.files, "exchange_directories", lambda a, b: False)
    make_model(tmp_path / "model-best", "old")
    make_model(tmp_path / "stage" / "model-best", "new")
    (tmp_path / "trash").mkdir()
    replace_directory(tmp_path / "stage" / "model-best", tmp_path / "model-best", tmp_path / "trash" / "model-best")
    assert {p.read_text() for p in (tmp_path / "model-best").iterdir()} == {"new"}
    assert {p.read_text() for p in (tmp_path / "trash" / "model-best").iterdir()} == {"old"}


def test_a_callers_own_sigterm_handler_is_left_alone(tmp_path, monkeypatch):
    import kaocha.files

    seen = []

    def handler(signum, frame):
        pass

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        real_replace = os.replace
        monkeypatch.setattr(kaocha.files.os, "replace", lambda a, b: (seen.append(signal.getsignal(signal.SIGTERM)), real_replace(a, b)))
        write_text_atomically("x", tmp_path / "a.txt")
        assert seen == [handler] and signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    seen.clear()
    write_text_atomically("y", tmp_path / "b.txt")  # with the default handler: ours while writing, then the default again
    assert seen[0] is kaocha.files._raise_terminated and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
