"""The bad-input and corruption matrix: every case ends in one clear `error:` line (exit 2), a
warning about the one file at fault, or a repair the run reports, and never loses what was
indexed before.

Cases run the real CLI in this process (one model load for all of them; damaged Chroma files
are opened only by the health check's child process, so a crash cannot take pytest down), and
in a subprocess where the process itself is the subject: argv bytes, a closed pipe.
`make reliability` runs this file alone and prints the matrix (RELIABILITY_REPORT=path).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import write_pdf

from assistant import Assistant, AssistantError
from assistant.cli import main

ARTICLE_NAME = "nissan-foxconn-ev-alliance.txt"  # the article the `site` fixture serves
QUESTION = "What is the secret colour of vault 3?"
FACT = "red3"
VAULTS = 6


def _vaults(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(VAULTS):
        (folder / f"vault{i}.txt").write_text(
            f"Vault {i} report\n\nThe secret colour of vault {i} is red{i}. Vault {i} stands in "
            f"the harbour of district {i}.")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A small corpus and its index, copied for every case."""
    base = tmp_path_factory.mktemp("template")
    _vaults(base / "corpus")
    Assistant(base / "corpus", base / "index").index()
    return base


@dataclass
class World:
    """One case's folders: a copy of the template corpus and index."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def index(self) -> Path:
        return self.root / "index"

    def segment(self) -> Path:
        return next(p for p in (self.index / "chroma").iterdir() if p.is_dir())

    def ask(self, question: str = QUESTION) -> list[str]:
        return ["ask", question, "--corpus", str(self.corpus), "--index", str(self.index)]

    def build(self) -> list[str]:
        return ["index", str(self.corpus), "--index", str(self.index)]


@dataclass
class Case:
    name: str
    setup: Callable[[World], list[str]]  # breaks something, returns the command to run
    expect: str  # "error" | "warning" | "repaired" | "answered"
    says: str  # a pattern the message must hold
    then: Callable[[World], list[str]] | None = None  # a command that must answer after


def _env(**values: str) -> Callable[[World], None]:
    def set_env(w: World) -> None:
        w.env.update({f"ASSISTANT_{k.upper()}": v for k, v in values.items()})
    return set_env


def _write(name: str, data: bytes | str) -> Callable[[World], None]:
    def write(w: World) -> None:
        path = w.corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return write


def _then(*steps: Callable[[World], object], run: Callable[[World], list[str]]
          ) -> Callable[[World], list[str]]:
    def setup(w: World) -> list[str]:
        for step in steps:
            step(w)
        return run(w)
    return setup


def _zipped(files: dict[str, str]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def _scan(w: World) -> None:
    """A PDF that is a picture of a typed page, as a scanner makes one."""
    import pypdfium2 as pdfium

    typed = write_pdf(w.root / "typed.pdf", ["The secret colour of vault 9 is red9."])
    page = pdfium.PdfDocument(typed.read_bytes())[0].render(scale=2).to_pil()
    page.convert("RGB").save(w.corpus / "scan.pdf")


def _mixed(w: World) -> None:
    """A PDF of a typed page, then a scanned one: the scan's words are no text layer."""
    from pypdf import PdfReader, PdfWriter

    _scan(w)
    typed = write_pdf(w.root / "cover.pdf", ["The report covers the vault colours."])
    writer = PdfWriter()
    for part in (typed, w.corpus / "scan.pdf"):
        for page in PdfReader(part).pages:
            writer.add_page(page)
    (w.corpus / "scan.pdf").unlink()
    with (w.corpus / "mixed.pdf").open("wb") as f:
        writer.write(f)


def _sparse(w: World) -> None:
    with (w.corpus / "huge.txt").open("wb") as f:
        f.truncate(8 * 2**30)


def _encrypted_pdf(w: World) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(w.root / "plain.pdf", ["The vault key is in the drawer."])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt("secret")
    writer.write(w.corpus / "locked.pdf")


def _manifest(edit: Callable[[dict], object]) -> Callable[[World], None]:
    def change(w: World) -> None:
        path = w.index / "manifest.json"
        data = json.loads(path.read_text())
        out = edit(data)
        path.write_text(out if isinstance(out, str) else json.dumps(data))
    return change


def _half_keyword(w: World) -> None:
    path = w.index / "keyword" / "chunks.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) // 2]))


def _busy_port(w: World) -> list[str]:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    _OPEN_SOCKETS.append(s)
    return ["serve", "--port", str(s.getsockname()[1]), "--corpus", str(w.corpus), "--index",
            str(w.index)]


def _records_overwritten(w: World) -> None:
    """64 KiB of random bytes at 30% of the record file, past its first pages."""
    _edit_records(w)
    path = w.index / "records.sqlite"
    with path.open("r+b") as f:
        f.seek(int(path.stat().st_size * 0.3) // 4096 * 4096)
        f.write(os.urandom(65536))


def _records_cut(w: World) -> None:
    _edit_records(w)
    path = w.index / "records.sqlite"
    os.truncate(path, path.stat().st_size // 2)


def _edit_records(w: World) -> None:
    """Pad the record file to many pages (a small one fits a page, which damage misses) and
    change a document, so that the run must write to it."""
    import sqlite3

    with sqlite3.connect(w.index / "records.sqlite") as db:
        db.execute("CREATE TABLE padding (x)")
        db.executemany("INSERT INTO padding VALUES (?)", [(os.urandom(500),)] * 400)
    (w.corpus / "vault1.txt").write_text("Vault 1 report\n\nThe secret colour of vault 1 is "
                                         "blue1.")


def _records_locked(w: World) -> None:
    """Another program inside a write transaction on the record file, holding it locked."""
    _edit_records(w)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time; db = sqlite3.connect(sys.argv[1], "
         "isolation_level=None); db.execute('BEGIN EXCLUSIVE'); print('ok', flush=True); "
         "time.sleep(120)", str(w.index / "records.sqlite")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ok"
    _HOLDERS.append(holder)


_OPEN_SOCKETS: list[socket.socket] = []
_HOLDERS: list[subprocess.Popen] = []


def _hold_lock(w: World) -> None:
    """Another process holding the index's write lock, as an indexer at work does."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time; f = open(sys.argv[1], 'a+'); "
         "fcntl.flock(f, fcntl.LOCK_EX); f.write(str(os.getpid())); f.flush(); print('ok', "
         "flush=True); time.sleep(120)", str(w.index / ".lock")], stdout=subprocess.PIPE,
        text=True)
    assert holder.stdout.readline().strip() == "ok"
    _HOLDERS.append(holder)

CASES = [
    # settings
    Case("ASSISTANT_TOP_K=abc", _then(_env(top_k="abc"), run=World.ask), "error",
         "top_k .* must be a whole number"),
    Case("ASSISTANT_CHUNK_TOKENS=0", _then(_env(chunk_tokens="0"), run=World.build), "error",
         "at least 16"),
    Case("ASSISTANT_EMBED_BATCH_SIZE=0", _then(_env(embed_batch_size="0"), run=World.build),
         "error", "at least 1"),
    Case("ASSISTANT_MIN_EVIDENCE=2", _then(_env(min_evidence="2"), run=World.ask), "error",
         "between 0 and 1"),
    Case("ASSISTANT_MAX_FILE_MB=lots", _then(_env(max_file_mb="lots"), run=World.build),
         "error", "must be a number"),
    Case("ASSISTANT_READER=gpt", _then(_env(reader="gpt"), run=World.ask), "error",
         "unknown reader"),
    Case("ASSISTANT_EMBEDDING_MODEL, a folder with no model.onnx",
         _then(lambda w: w.env.update(ASSISTANT_EMBEDDING_MODEL=str(w.corpus)), run=World.ask),
         "error", "holds no model.onnx: export it once"),
    Case("ASSISTANT_PORT=99999", _then(_env(port="99999"), run=lambda w: ["serve"]), "error",
         "between 1 and 65535"),
    Case("ASSISTANT_CHROMA_URL=ftp://host/x", _then(_env(chroma_url="ftp://host/x"),
                                                  run=World.ask), "error",
         "chroma_url .* must look like http://", then=World.ask),
    Case("ASSISTANT_CHROMA_URL, no server there (ask)",
         _then(_env(chroma_url="http://127.0.0.1:1/docs"), run=World.ask), "error",
         "Chroma server at http://127.0.0.1:1/docs does not answer", then=World.ask),
    Case("ASSISTANT_CHROMA_URL, no server there (index)",
         _then(_env(chroma_url="http://127.0.0.1:1/docs"), run=World.build), "error",
         r"start it \(`chroma run", then=World.build),
    # questions
    Case("empty question", lambda w: w.ask(""), "error", "question is empty"),
    Case("blank question", lambda w: w.ask(" \n\t "), "error", "question is empty"),
    Case("question over the length limit", lambda w: w.ask("why " * 1000), "error",
         "3,999 characters long, over the 2,000"),
    # paths
    Case("--index is a file", _then(lambda w: (shutil.rmtree(w.index),
                                                w.index.write_text("x")), run=World.ask),
         "error", "is a file, not a folder"),
    Case("--index is a file (index)", _then(lambda w: (shutil.rmtree(w.index),
                                                        w.index.write_text("x")),
                                             run=World.build), "error", "is a file, not a"),
    Case("no index yet", _then(lambda w: shutil.rmtree(w.index), run=World.ask), "error",
         "no index in .*assistant index"),
    Case("corpus folder missing", _then(lambda w: shutil.rmtree(w.corpus), run=World.build),
         "error", "does not exist", then=World.ask),
    Case("corpus is a file", _then(lambda w: (shutil.rmtree(w.corpus),
                                               w.corpus.write_text("x")), run=World.build),
         "error", "is a file, not a folder", then=World.ask),
    Case("corpus emptied", _then(lambda w: [p.unlink() for p in w.corpus.iterdir()],
                                 run=World.build), "error", "no documents in", then=World.ask),
    # one bad file among good ones
    Case("binary file", _then(_write("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00IHDR" * 20),
                              run=World.build), "warning", "photo.txt: looks like a binary",
         then=World.ask),
    Case("Latin-1 file", _then(_write("cafe.md", "Caf\xe9 cr\xe8me".encode("latin-1")),
                               run=World.build), "warning", "cafe.md: is not valid UTF-8",
         then=World.ask),
    Case("empty file", _then(_write("blank.txt", b"  \n"), run=World.build), "warning",
         "blank.txt: is empty", then=World.ask),
    Case("corrupt PDF", _then(_write("scan.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog"),
                              run=World.build), "warning", "scan.pdf: is not a readable PDF",
         then=World.ask),
    Case("encrypted PDF", _then(_encrypted_pdf, run=World.build), "warning",
         "locked.pdf: is an encrypted PDF", then=World.ask),
    Case("PDF without text", _then(lambda w: write_pdf(w.corpus / "photo.pdf", [""]),
                                   run=World.build), "warning", "photo.pdf: has no text layer",
         then=World.ask),
    Case("damaged Word file", _then(_write("report.docx", b"PK\x03\x04" + b"\x00" * 200),
                                    run=World.build), "warning",
         "report.docx: is not a readable DOCX file", then=World.ask),
    Case("text renamed to .xlsx", _then(_write("sheet.xlsx", "vault,colour\n3,red3\n"),
                                        run=World.build), "warning",
         "sheet.xlsx: is not a readable XLSX file", then=World.ask),
    Case("Latin-1 CSV", _then(_write("rates.csv", "caf\xe9,cr\xe8me\n1,2\n".encode("latin-1")),
                              run=World.build), "warning", "rates.csv: is not valid UTF-8",
         then=World.ask),
    Case("e-mail without headers", _then(_write("note.eml", "just some words\n"),
                                         run=World.build), "warning",
         "note.eml: is not a readable EML file", then=World.ask),
    Case("text renamed to .rtf", _then(_write("memo.rtf", "just some words\n"),
                                       run=World.build), "warning",
         "memo.rtf: is not a readable RTF file", then=World.ask),
    Case("EPUB without its container", _then(_write("book.epub", _zipped({"x.html": "<p>x"})),
                                             run=World.build), "warning",
         "book.epub: is not a readable EPUB file", then=World.ask),
    Case("scanned PDF", _then(_scan, run=World.build), "answered", "", then=World.ask),
    Case("scanned PDF, no Tesseract", _then(_scan, lambda w: w.env.update(PATH="/nonexistent"),
                                            run=World.build), "warning",
         "scan.pdf: has no text layer .* install Tesseract", then=World.ask),
    Case("typed page, then a scanned one, no Tesseract",
         _then(_mixed, lambda w: w.env.update(PATH="/nonexistent"), run=World.build),
         "warning", "mixed.pdf: page 2 has no text layer and was not read; install Tesseract",
         then=World.ask),
    Case("HTML with no text", _then(_write("app.html", "<html><script>x()</script></html>"),
                                    run=World.build), "warning", "app.html: holds no text",
         then=World.ask),
    Case("named pipe (FIFO)", _then(lambda w: os.mkfifo(w.corpus / "pipe.txt"),
                                    run=World.build), "warning", "pipe.txt: is a named pipe",
         then=World.ask),
    Case("link to /dev/zero", _then(lambda w: (w.corpus / "zero.txt").symlink_to("/dev/zero"),
                                    run=World.build), "warning", "zero.txt: is a link to "
         "/dev/zero, outside the corpus", then=World.ask),
    Case("link to /dev/zero, links allowed",
         _then(_env(outside_links="true"),
               lambda w: (w.corpus / "zero.txt").symlink_to("/dev/zero"), run=World.build),
         "warning", "zero.txt: is a character device", then=World.ask),
    Case("link leaving the corpus", _then(lambda w: (w.corpus / "passwd.txt").symlink_to(
        "/etc/passwd"), run=World.build), "warning", "passwd.txt: is a link to /etc/passwd",
         then=World.ask),
    Case("dangling link", _then(lambda w: (w.corpus / "gone.txt").symlink_to(
        w.corpus / "nowhere.txt"), run=World.build), "warning", "gone.txt: cannot be read",
         then=World.ask),
    Case("8 GiB sparse file", _then(_sparse, run=World.build), "warning",
         "huge.txt: is 8589.9 MB, over the 50 MB limit", then=World.ask),
    Case("folder named like a document", _then(lambda w: (w.corpus / "notes.md").mkdir(),
                                               run=World.build), "answered", "", then=World.ask),
    Case("50,000 nested divs", _then(_write("deep.html", "<div>" * 50_000 + "Deep vault." +
                                             "</div>" * 50_000), run=World.build), "answered",
         "", then=World.ask),
    Case("reStructuredText with broken markup",
         _then(_write("guide.rst", "Guide\n=====\n\n+---+\n| a |\n\n.. code-block:: python\n"
                      "   :bogus: 1\n\n   x = 1\n\nA link to `nowhere`_ and ``unclosed.\n"),
               run=World.build), "answered", "", then=World.ask),
    Case("reStructuredText nested 3,000 deep",
         _then(_write("deep.rst", "".join(f"{'  ' * i}Level {i}.\n\n" for i in range(3000))),
               run=World.build), "warning", "deep.rst: read as plain text: docutils could not",
         then=World.ask),
    Case("Info manual cut off mid-node",
         _then(_write("vault.info", "\x1f\nFile: vault.info,  Node: Top,  Up: (dir)\n\nVaults\n"
                      "******\n\nThe secret colour of vault 3 is red3.  The vault\n"
                      "stands in the har"), run=World.build), "answered", "", then=World.ask),
    Case("Vim help file cut off inside an example",
         _then(_write("vault.txt", "*vault.txt*\tVaults\n\nVaults\t\t\t*vaults*\n\nThe secret "
                      "colour of vault 3 is red3. Open it with: >\n\t:vault open 3 |"),
               run=World.build), "answered", "", then=World.ask),
    Case("Vim help file of tags only",
         _then(_write("tags.txt", "*tags.txt*\n\t\t\t*a* *b*\n vim:ft=help:\n"),
               run=World.build), "answered", "", then=World.ask),
    Case("plain-text table cut off inside a row",
         _then(_write("vaults.txt", "Vault   Colour\n--------------\n3       red3\n4       blu"),
               run=World.build), "answered", "", then=World.ask),
    Case("POD file cut off inside a formatting code",
         _then(_write("vault.pod", "=head1 Vaults\n\nThe secret colour of vault 3 is red3. "
                      "Open it with C<< vault open 3"), run=World.build), "answered", "",
         then=World.ask),
    Case("POD file of 100,000 unclosed formatting codes",
         _then(_write("codes.pod", "=head1 Codes\n\n" + "B<" * 100_000 + "\n"),
               run=World.build), "answered", "", then=World.ask),
    Case("POD file escaping a surrogate",
         _then(_write("odd.pod", "=head1 Odd\n\nE<0xD800> and E<0> in the text.\n"),
               run=World.build), "answered", "", then=World.ask),
    Case("POD file of commands only",
         _then(_write("empty.pod", "=pod\n\n=begin html\n\n<p>web only</p>\n\n=end html\n\n"
                      "=cut\n"), run=World.build), "warning",
         "empty.pod: holds no text once extracted", then=World.ask),
    Case("manual page that only points to another (.so)",
         _then(_write("vault-open.8", ".so man8/vault.8\n"), run=World.build), "warning",
         r"vault-open.8: only points to another manual page \(man8/vault.8\)", then=World.ask),
    Case("manual page groff cannot set (a macro calling itself)",
         _then(_write("loop.1", ".TH LOOP 1\n.SH NAME\nloop \\- a loop\n.de X\n.X\n..\n.X\n"),
               run=World.build), "warning", "loop.1: could not be set by groff .*input stack",
         then=World.ask),
    Case("manual page with groff not installed",
         _then(_write("vault.8", ".TH VAULT 8\n.SH NAME\nvault \\- open vaults\n"),
               lambda w: w.env.update(PATH="/nonexistent"), run=World.build), "warning",
         "vault.8: is a manual page in roff source and groff is not installed", then=World.ask),
    Case("binary file named like a manual page", _then(_write("blob.1", b"\x7fELF\x02\x01" * 64),
                                                     run=World.build), "warning",
         "blob.1: looks like a binary file", then=World.ask),
    Case("Info manual of menus only",
         _then(_write("menu.info", "\x1f\nFile: menu.info,  Node: Top,  Up: (dir)\n\n* Menu:\n\n"
                      "* Vaults::   The vaults.\n"), run=World.build), "warning",
         "menu.info: holds no text once extracted", then=World.ask),
    Case("binary file named .info", _then(_write("blob.info", b"\x7fELF\x02\x01\x00\x00" * 64),
                                          run=World.build), "warning",
         "blob.info: looks like a binary file", then=World.ask),
    Case("program named like a changelog", _then(_write("CHANGES", b"\x7fELF\x02\x01\x00\x00" * 64),
                                                 run=World.build), "warning",
         "CHANGES: looks like a binary file", then=World.ask),
    Case("program with no suffix", _then(_write("heron", b"\x7fELF\x02\x01\x00\x00" * 64),
                                         run=World.build), "answered",
         "other types not read: heron", then=World.ask),
    Case("script with no suffix, named like a note",
         _then(_write("notes", "#!/bin/sh\nrm -rf /tmp/x\n"), run=World.build), "answered",
         "other types not read: notes", then=World.ask),
    Case("gzip file that is not one", _then(_write("notes.txt.gz", b"\x1f\x8b\x08\x00 broken"),
                                            run=World.build), "warning",
         "notes.txt.gz: is not a readable gzip file", then=World.ask),
    Case("gzip bomb", _then(_env(max_file_mb="1"),
                            _write("bomb.txt.gz", gzip.compress(b"vault " * 1_000_000)),
                            run=World.build), "warning",
         "bomb.txt.gz: unpacks to over the 1 MB limit", then=World.ask),
    Case("terminal escapes in a document",
         _then(_write("vault3.txt", "Vault 3 report\n\nThe secret colour of vault 3 is "
                      "\x1b]0;owned\x07red3.\x1b[2J Vault 3 stands in the harbour."),
               run=World.build), "answered", "", then=World.ask),
    Case("documents in Cyrillic and Han script",
         _then(_write("velimsk.txt", "Велимск — речной город. Колокольня высотой 41 метр."),
               _write("lanshui.txt", "蓝水镇位于大河的南岸。镇上的石塔高三十三米。"),
               run=World.build), "warning",
         "lanshui.txt, velimsk.txt: written in Cyrillic and Han script, which the embedding "
         "model all-MiniLM-L6-v2 was not trained on", then=World.ask),
    Case("a question in Cyrillic script, declined", lambda w: w.ask("Какого цвета хранилище?"),
         "answered", ""),
    # the index damaged
    Case("manifest is []", _then(_manifest(lambda m: "[]"), run=World.ask), "error",
         "manifest.json is unreadable; run `assistant index`", then=World.build),
    Case("manifest is half written", _then(_manifest(lambda m: '{"schema_v'), run=World.ask),
         "error", "manifest.json is unreadable", then=World.build),
    Case("built with another model", _then(_manifest(lambda m: m.update(
        embedding_model="other-model")), run=World.ask), "error", "other-model.*assistant "
         "index", then=World.build),
    Case("index/chroma removed", _then(lambda w: shutil.rmtree(w.index / "chroma"),
                                       run=World.ask), "error", "damaged: its chroma.sqlite3 is "
         "missing", then=World.build),
    Case("chroma.sqlite3 emptied", _then(lambda w: (w.index / "chroma" / "chroma.sqlite3")
                                         .write_bytes(b""), run=World.ask), "error",
         "damaged: its collection 'chunks' is missing", then=World.build),
    Case("chroma.sqlite3 garbage", _then(lambda w: (w.index / "chroma" / "chroma.sqlite3")
                                         .write_bytes(os.urandom(8192)), run=World.ask),
         "error", "damaged: .*file is not a database", then=World.build),
    Case("index/chroma removed (index)", _then(lambda w: shutil.rmtree(w.index / "chroma"),
                                               run=World.build), "repaired",
         "rebuilding the index from the documents: it was damaged", then=World.ask),
    Case("records.sqlite garbage", _then(lambda w: (w.index / "records.sqlite").write_bytes(
        os.urandom(4096)), run=World.build), "repaired", "records.sqlite\\) was unreadable",
         then=World.ask),
    Case("records.sqlite overwritten in part", _then(_records_overwritten, run=World.build),
         "repaired", "records.sqlite\\) was (damaged|unreadable).*rebuilt from Chroma",
         then=World.ask),
    Case("records.sqlite cut short", _then(_records_cut, run=World.build), "repaired",
         "records.sqlite\\) was (damaged|unreadable).*rebuilt from Chroma", then=World.ask),
    Case("records.sqlite locked by another program", _then(_records_locked, run=World.build),
         "repaired", "records.sqlite\\) was locked by another program", then=World.ask),
    Case("half a keyword chunks.jsonl", _then(_half_keyword, run=World.ask), "answered", ""),
    Case("keyword folder removed", _then(lambda w: shutil.rmtree(w.index / "keyword"),
                                         run=World.ask), "answered", ""),
    Case("indexer killed halfway", _then(_manifest(lambda m: m.update(state="building")),
                                         run=World.ask), "warning", "last indexing run did not "
         "finish", then=World.build),
    Case("another indexer at work (ask)", _then(_manifest(lambda m: m.update(state="building")),
                                                lambda w: _hold_lock(w), run=World.ask),
         "warning", "being updated by another process \\(pid \\d+\\)"),
    Case("another indexer at work (index)", _then(_env(lock_timeout="0.5"),
                                                  lambda w: _hold_lock(w), run=World.build),
         "error", "another process \\(pid \\d+\\) is writing the index"),
    # serving
    Case("port in use", _busy_port, "error", "cannot serve on 127.0.0.1:"),
    Case("public address without a login", lambda w: ["serve", "--host", "0.0.0.0"], "error",
         "--auth user:password"),
]


def _outcome(code: int, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    if code == 2 and len([x for x in lines if x.startswith("error: ")]) == 1:
        return "error"
    if code != 0:
        return f"exit {code}"
    if any(x.startswith("warning: ") for x in lines):
        return "warning"
    if any(re.search(r"rebuil|missing from Chroma", x) for x in lines):
        return "repaired"
    return "answered"


RESULTS: list[tuple[str, str, str]] = []


def _run(argv: list[str], env: dict[str, str], capsys, monkeypatch) -> tuple[int, str, str]:
    with monkeypatch.context() as m:
        for key, value in env.items():
            m.setenv(key, value)
        code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_matrix(case, template, tmp_path, capsys, monkeypatch):
    world = World(tmp_path)
    shutil.copytree(template / "corpus", world.corpus)
    shutil.copytree(template / "index", world.index)
    argv = case.setup(world)
    env = {k: v for k, v in world.env.items() if not k.startswith("_")}
    code, out, err = _run(argv, env, capsys, monkeypatch)
    outcome = _outcome(code, err)
    message = next((x for x in err.splitlines() if x.startswith(("error:", "warning:"))),
                   next((x for x in err.splitlines() if "rebuil" in x),
                        out.strip().split("\n")[0]))
    RESULTS.append((case.name, outcome, message))
    assert "Traceback" not in err
    assert outcome == case.expect, (out, err)
    assert re.search(case.says, err), err
    assert not any(ch in out + err for ch in "\x1b\x07")  # nothing from a document drives
    if case.then:  # and nothing that was indexed is lost: the fact is still answered
        code, out, err = _run(case.then(world), {}, capsys, monkeypatch)
        if case.then is World.build:
            assert code == 0, err
            code, out, err = _run(world.ask(), {}, capsys, monkeypatch)
        assert code == 0 and FACT in out, (out, err)
    elif argv[0] == "ask" and outcome == "answered":  # the fact, or a decline that says why
        assert ("the question is in Cyrillic script" if "Cyrillic" in case.name else FACT) in out


def test_process_level_cases(template, tmp_path):
    """Cases about the process itself: bytes that are not UTF-8 in argv, a closed stdout."""
    world = World(tmp_path)
    shutil.copytree(template / "corpus", world.corpus)
    shutil.copytree(template / "index", world.index)
    cli = [sys.executable, "-m", "assistant.cli"]
    bad = subprocess.run(cli + ["ask", b"vault \xff\xfe colour", "--index", str(world.index)],
                         capture_output=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.decode().startswith("error: the question holds")
    RESULTS.append(("question bytes not UTF-8", "error", bad.stderr.decode().strip()))
    proc = subprocess.Popen(cli + world.ask(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # `assistant ask … | head -1` with head gone
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 141 and err == b""
    RESULTS.append(("stdout closed (| head)", "exit 141, silent", ""))


def test_read_only_index(template, tmp_path, capsys, monkeypatch):
    world = World(tmp_path)
    shutil.copytree(template / "corpus", world.corpus)
    shutil.copytree(template / "index", tmp_path / "writable")
    before = sorted(p.name for p in (tmp_path / "writable").iterdir())
    world.index.mkdir()
    if os.geteuid() == 0:  # root writes through file modes: mount a read-only view instead
        mounted = subprocess.run(["mount", "--bind", "-o", "ro", str(tmp_path / "writable"),
                                  str(world.index)], capture_output=True)
        if mounted.returncode != 0:
            pytest.skip(f"cannot make a read-only mount here: {mounted.stderr!r}")
    else:
        world.index.rmdir()
        shutil.copytree(tmp_path / "writable", world.index)
        for path in [world.index, *world.index.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
    try:
        for argv in (world.ask(), world.build()):
            code, out, err = _run(argv, {}, capsys, monkeypatch)
            RESULTS.append((f"read-only index ({argv[0]})", _outcome(code, err), err.strip()))
            assert _outcome(code, err) == "error" and "is read-only" in err
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(world.index)], check=True)
    assert sorted(p.name for p in (tmp_path / "writable").iterdir()) == before


API_CASES = {
    "history is a string": (dict(history="earlier"), "history must be a list"),
    "history item of three": (dict(history=[("q", "a", "x")]), "history item 1 is a list of 3"),
    "history message with a bad role": (dict(history=[{"role": "robot", "content": "hi"}]),
                                        "role 'robot'"),
    "question is a number": (dict(question=42), "the question must be text"),
    "question is None": (dict(question=None), "the question is empty"),
}


@pytest.mark.parametrize("name", API_CASES)
def test_api_cases(template, tmp_path, name):
    """The Python API and the page's /ask endpoint take the same values."""
    world = World(tmp_path)
    shutil.copytree(template / "corpus", world.corpus)
    shutil.copytree(template / "index", world.index)
    kwargs, says = API_CASES[name]
    bot = Assistant(world.corpus, world.index)
    with pytest.raises(AssistantError) as caught:
        bot.ask(**{"question": QUESTION, **kwargs})
    message = str(caught.value)
    RESULTS.append((f"API: {name}", "error", message))
    assert says in message and "\n" not in message
    assert FACT in bot.ask(QUESTION, history=[("Which vault is red?", "Vault 3.")]).text


def test_api_huge_history_is_bounded(template, tmp_path):
    world = World(tmp_path)
    shutil.copytree(template / "corpus", world.corpus)
    shutil.copytree(template / "index", world.index)
    bot = Assistant(world.corpus, world.index)
    answer = bot.ask("and what is its secret colour?",
                     history=[("Tell me about vault 3. " + "blah " * 2_000_000, "Too long.")])
    RESULTS.append(("API: a 10 MB earlier question", "answered",
                    f"searched with {len(answer.query):,} characters"))
    assert len(answer.query) <= 31 + bot.settings.reader.max_question_chars


LEDGERS, ENTRIES = 55, 20  # 1,100 chunks: past Chroma's 1,000, so it writes its HNSW files


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    """A corpus and index large enough that Chroma keeps its vectors in HNSW files."""
    base = tmp_path_factory.mktemp("ledgers")
    (base / "corpus").mkdir()
    for f in range(LEDGERS):
        (base / "corpus" / f"ledger{f:02d}.txt").write_text("\n\n".join(
            f"Ledger {f}-{p} records that crate {f * 100 + p} holds {p} brass gears, {f} copper "
            f"springs and one spare lever, and ships from dock {p} to the port of town{f} every "
            "second Tuesday." for p in range(ENTRIES)))
    bot = Assistant(base / "corpus", base / "index")
    assert bot.index().chunks == LEDGERS * ENTRIES
    bot.store._shared.close()  # everything on disk, as after the indexer's exit
    return base


HNSW_DAMAGE = {
    "random bytes in data_level0.bin": lambda seg: (seg / "data_level0.bin").write_bytes(
        os.urandom((seg / "data_level0.bin").stat().st_size)),  # segfaulted ask and index
    "data_level0.bin cut short": lambda seg: (seg / "data_level0.bin").write_bytes(
        (seg / "data_level0.bin").read_bytes()[:4096]),
    "HNSW segment folder deleted": shutil.rmtree,  # dense search found almost nothing
    "header.bin overwritten": lambda seg: (seg / "header.bin").write_bytes(os.urandom(100)),
}


@pytest.mark.parametrize("damage", HNSW_DAMAGE)
def test_damaged_vector_files(ledgers, tmp_path, damage, capsys, monkeypatch):
    """Found by the health check's child process: `ask` refuses with the remedy, `index`
    rebuilds from the documents and says why, and the answers come back."""
    world = World(tmp_path)
    shutil.copytree(ledgers / "corpus", world.corpus)
    shutil.copytree(ledgers / "index", world.index)
    HNSW_DAMAGE[damage](world.segment())
    question = "Which port does crate 4207 ship to?"
    code, out, err = _run(world.ask(question), {}, capsys, monkeypatch)
    RESULTS.append((f"{damage} (1,100 chunks)", _outcome(code, err), err.strip()))
    assert _outcome(code, err) == "error" and "is damaged" in err
    code, out, err = _run(world.build(), {}, capsys, monkeypatch)
    RESULTS.append((f"{damage} (index)", _outcome(code, err),
                    next(x for x in err.splitlines() if "rebuil" in x)))
    assert _outcome(code, err) == "repaired" and "1100 chunks in the index" in out
    code, out, err = _run(world.ask(question), {}, capsys, monkeypatch)
    assert code == 0 and "town42" in out


def _short(message: str) -> str:
    """One table cell: the case's temporary folder left out, at most 200 characters."""
    message = re.sub(r"/tmp/pytest-of-[^/]+/pytest-\d+/[^/\s]+/", "…/", message)
    return message.replace("|", "/")[:200]


def test_page_refusals_say_why_and_log_no_traceback(site, tmp_path, capfd):
    """A file of another type is refused by name with no traceback in the server's log; a
    path the page never received (a crafted request) is refused with a reason, not an empty
    error."""
    import httpx
    from gradio_client import Client, handle_file

    url, bot = site
    client = Client(url, verbose=False, download_files=False)
    before = sorted(p.name for p in bot.settings.corpus_dir.iterdir())
    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ\x90\x00")
    capfd.readouterr()
    with pytest.raises(Exception, match=r"setup\.exe: only \.txt, \.md") as refused:
        client.predict([handle_file(str(exe))], False, api_name="/add_documents")
    RESULTS.append(("page: upload of setup.exe", "error", str(refused.value)))
    assert "Traceback" not in capfd.readouterr().err
    with pytest.raises(Exception, match="the question is empty") as refused:
        client.predict("", [], api_name="/ask")
    RESULTS.append(("page: an empty question to /ask", "error", str(refused.value)))
    assert "Traceback" not in capfd.readouterr().err
    for path in (str(bot.settings.corpus_dir / ARTICLE_NAME), "../../../../etc/hostname"):
        event = httpx.post(f"{url}gradio_api/call/add_documents", json={"data": [[{
            "path": path, "orig_name": "x.txt", "meta": {"_type": "gradio.FileData"}}], False]})
        reply = httpx.get(f"{url}gradio_api/call/add_documents/{event.json()['event_id']}")
        assert "event: error" in reply.text and "not uploaded by a user" in reply.text, reply.text
        RESULTS.append((f"page: a crafted upload path ({path.split('/')[-1]})", "error",
                        reply.text.split("data: ")[-1].strip()))
    assert sorted(p.name for p in bot.settings.corpus_dir.iterdir()) == before


def write_report() -> None:
    """The matrix so far, as a Markdown table, where RELIABILITY_REPORT says (the disk cases'
    module adds its rows and writes it again)."""
    path = os.environ.get("RELIABILITY_REPORT")
    if path:
        rows = [f"| {i} | {name} | {outcome} | {_short(message)} |"
                for i, (name, outcome, message) in enumerate(RESULTS, 1)]
        Path(path).write_text("| # | case | outcome | what the user reads |\n|---|---|---|---|\n"
                              + "\n".join(rows) + "\n")


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    for s in _OPEN_SOCKETS:
        s.close()
    for holder in _HOLDERS:
        holder.kill()
        holder.wait()
    write_report()
