"""The write lock, across real processes: one writer, a waiter told who holds it, and a lock
that dies with its holder."""

import os
import subprocess
import sys
import time

import pytest

from assistant import IndexLockedError, IndexStateError
from assistant.lock import exclusive, holder

HOLD = ("import sys, time; from pathlib import Path; from assistant.lock import exclusive\n"
        "with exclusive(Path(sys.argv[1]), 5):\n"
        "    print('held', flush=True); time.sleep(60)\n")


@pytest.fixture
def held(tmp_path):
    """Another process holding the lock of tmp_path/index/.lock."""
    path = tmp_path / "index" / ".lock"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "held"
    yield path, proc
    proc.kill()
    proc.wait()


def test_a_second_writer_waits_then_is_told_who_writes(held):
    path, proc = held
    told = []
    started = time.monotonic()
    refused = pytest.raises(IndexLockedError,
                            match=rf"another process \(pid {proc.pid}\) is writing")
    with refused, exclusive(path, timeout=0.5, on_wait=told.append):
        pass
    assert time.monotonic() - started >= 0.5
    assert told == [f"waiting for another indexer (pid {proc.pid}) to finish…"]
    assert holder(path) == f" (pid {proc.pid})"


def test_the_lock_goes_with_a_killed_holder(held):
    path, proc = held
    proc.kill()
    proc.wait()
    assert holder(path) is None
    with exclusive(path, timeout=0):
        assert path.read_text() == str(os.getpid())
    assert path.read_text() == ""  # the pid is cleared on release


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    refused = pytest.raises(IndexStateError, match="cannot write to the index folder")
    with refused, exclusive(blocker / "index" / ".lock", timeout=0):
        pass
