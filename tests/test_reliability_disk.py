"""The reliability matrix, continued: a full disk. The index lives on a small tmpfs mounted for
each case (root can mount one; elsewhere the cases are skipped, saying why). Every case ends
in one `error:` line that says how much room to make, or in an answer; never a traceback,
never "damaged", never a rebuild that would throw the index away; and once there is room,
the next run finishes and every fact is answered.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_reliability import FACT, RESULTS, World, _outcome, _run, template, write_report

from assistant import disk

__all__ = ["template"]  # the fixture, shared with the main matrix


def _mount(path: Path, size: str) -> None:
    path.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'}); "
                    "the full-disk cases need one")


def _resize(path: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)


@pytest.fixture
def small_disk(template, tmp_path) -> Iterator[World]:
    """The template's corpus, and its index on a 1 MB file system of its own."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the full-disk cases are skipped")
    world = World(tmp_path)
    shutil.copytree(template / "corpus", world.corpus)
    _mount(world.index, "1m")
    try:
        yield world
    finally:
        subprocess.run(["umount", "-l", str(world.index)], check=False)


def _fill(world: World) -> Path:
    """A file that takes every free byte."""
    filler = world.index / "filler"
    with filler.open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler


def _big_document(world: World, name: str = "atlas.txt", paragraphs: int = 400) -> None:
    (world.corpus / name).write_text("\n\n".join(
        f"Atlas entry {p}: the lighthouse of cape{p} burns {p} lamps of whale oil every night."
        for p in range(paragraphs)))


def _record(name: str, code: int, err: str, *, rebuilding: bool = False) -> str:
    """The case's row; no traceback, never "damaged", and no rebuild offered unless asked."""
    outcome = _outcome(code, err)
    message = next((x for x in err.splitlines() if x.startswith(("error:", "warning:"))), "")
    RESULTS.append((name, outcome, message))
    assert "Traceback" not in err and "damaged" not in err
    assert rebuilding or "rebuil" not in err
    return outcome


def _answers(world: World, capsys, monkeypatch, question: str | None = None,
             fact: str = FACT) -> None:
    code, out, err = _run(world.ask(question) if question else world.ask(), {}, capsys,
                          monkeypatch)
    assert code == 0 and fact in out, (out, err)


def test_fresh_build_that_does_not_fit(small_disk, capsys, monkeypatch):
    _resize(small_disk.index, "300k")
    code, out, err = _run(small_disk.build(), {}, capsys, monkeypatch)
    assert _record("full disk: a first build that does not fit", code, err) == "error"
    assert "is full: " in err and " needed; free some space" in err
    _resize(small_disk.index, "4m")
    code, out, err = _run(small_disk.build(), {}, capsys, monkeypatch)
    assert code == 0, err
    _answers(small_disk, capsys, monkeypatch)


def test_update_that_does_not_fit(small_disk, template, capsys, monkeypatch):
    shutil.copytree(template / "index", small_disk.index, dirs_exist_ok=True)
    _big_document(small_disk)
    code, out, err = _run(small_disk.build(), {}, capsys, monkeypatch)
    assert _record("full disk: an update that does not fit", code, err) == "error"
    assert " needed; free some space" in err
    _answers(small_disk, capsys, monkeypatch)  # the index as it was, without a warning
    assert "warning" not in capsys.readouterr().err


def test_a_rebuild_with_room_for_one_index(small_disk, template, capsys, monkeypatch):
    """A rebuild is written beside the index: with room for one only, it says how to rebuild
    in place, and the index still answers meanwhile."""
    shutil.copytree(template / "index", small_disk.index, dirs_exist_ok=True)
    code, out, err = _run(small_disk.build() + ["--rebuild"], {}, capsys, monkeypatch)
    assert _record("full disk: a --rebuild with room for one index", code, err,
                   rebuilding=True) == "error"
    assert "both must fit; to rebuild in place instead, delete" in err
    _answers(small_disk, capsys, monkeypatch)


def test_disk_fills_during_the_run(small_disk, template, tmp_path, capsys, monkeypatch):
    """The estimate passes (another program writes meanwhile, or it fell short): the run stops
    at the first write that fails, and the next one, with room, finishes."""
    shutil.copytree(template / "index", small_disk.index, dirs_exist_ok=True)
    _big_document(small_disk)
    with monkeypatch.context() as m:
        m.setattr(disk, "estimate", lambda *a, **k: 0)
        code, out, err = _run(small_disk.build(), {}, capsys, monkeypatch)
    assert _record("full disk: filled during an update", code, err) == "error"
    assert "is full: " in err
    # Chroma cannot apply its log to read, with no room: `ask` says so, plainly
    code, out, err = _run(small_disk.ask(), {}, capsys, monkeypatch)
    assert (_record("full disk: ask after an update filled it", code, err) == "error"
            and "is full: " in err) or FACT in out
    _resize(small_disk.index, "8m")
    code, out, err = _run(small_disk.build(), {}, capsys, monkeypatch)
    assert code == 0 and "resuming" in err, err
    _answers(small_disk, capsys, monkeypatch)
    # nothing lost, nothing twice: the chunks of a clean build of the same files
    code, clean, err = _run(["index", str(small_disk.corpus), "--index",
                             str(tmp_path / "clean")], {}, capsys, monkeypatch)
    assert code == 0 and _in_index(out) == _in_index(clean) > 200, (out, clean)


def _in_index(summary: str) -> int:
    return int(re.search(r"(\d+) chunks in the index", summary)[1])


def test_ask_and_index_on_a_full_disk(small_disk, template, capsys, monkeypatch):
    """Nothing changed, not a byte free: neither command calls the index damaged, and `index`
    throws nothing away."""
    shutil.copytree(template / "index", small_disk.index, dirs_exist_ok=True)
    before = sorted(p.name for p in (small_disk.index / "chroma").iterdir())
    filler = _fill(small_disk)
    for argv in (small_disk.ask(), small_disk.build()):
        code, out, err = _run(argv, {}, capsys, monkeypatch)
        outcome = _record(f"full disk, 0 bytes free ({argv[0]})", code, err)
        assert outcome == "answered" and FACT in out if argv[0] == "ask" and code == 0 else (
            outcome in ("error", "answered"))
    assert sorted(p.name for p in (small_disk.index / "chroma").iterdir()) == before
    filler.unlink()
    _answers(small_disk, capsys, monkeypatch)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    write_report()
