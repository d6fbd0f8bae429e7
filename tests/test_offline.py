"""Nothing leaves the machine: every Python process of `assistant index`, `ask` and `serve`
(their children too) runs with an audit hook that logs each connection or name lookup to a
host other than this one, while Chromium uses the page as a person would. The browser side
is checked in test_browser (the page fails on any request to another host)."""

import os
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest
from conftest import free_port

# Loaded by every Python process started with this folder on PYTHONPATH.
HOOK = textwrap.dedent("""
    import os, sys
    LOG = os.environ["OFFLINE_LOG"]
    HERE = {"127.0.0.1", "::1", "localhost", "0.0.0.0", "", None}

    def outside(event, args):
        host = None
        if event == "socket.connect" and isinstance(args[1], tuple):
            host = args[1][0]
        elif event in ("socket.getaddrinfo", "socket.gethostbyname"):
            host = args[0]
        if host not in HERE and not str(host).startswith("127."):
            with open(LOG, "a") as f:
                f.write(f"{os.getpid()} {event} {host!r} {sys.argv[:3]}\\n")

    sys.addaudithook(outside)
""")


@pytest.fixture
def hooked(tmp_path, corpus):
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(HOOK)
    log = tmp_path / "outside.log"
    env = {**os.environ, "OFFLINE_LOG": str(log), "ASSISTANT_CORPUS_DIR": str(corpus),
           "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
           "PYTHONPATH": os.pathsep.join([str(tmp_path / "hook"),
                                          os.environ.get("PYTHONPATH", "")])}
    return env, log


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant.cli", *args]


def test_index_ask_and_the_served_page_reach_no_other_host(hooked):
    env, log = hooked
    sync_api = pytest.importorskip("playwright.sync_api")
    # the hook is live: a lookup of another host is logged (whether or not it resolves)
    subprocess.run([sys.executable, "-c", "import socket\ntry: socket.getaddrinfo("
                    "'example.com', 80)\nexcept OSError: pass"], env=env, timeout=60)
    assert "example.com" in log.read_text()
    log.unlink()
    assert subprocess.run(cli("index"), env=env, capture_output=True, timeout=300).returncode == 0
    asked = subprocess.run(cli("ask", "How large is the Oppama plant?"), env=env,
                           capture_output=True, text=True, timeout=300)
    assert "170-hectare" in asked.stdout
    port = free_port()
    server = subprocess.Popen(cli("serve", "--port", str(port)), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                assert server.poll() is None, "assistant serve exited"
                time.sleep(0.2)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu",
                                              "--disable-dev-shm-usage"])
            page = browser.new_page()
            page.goto(url, wait_until="load")
            box = page.locator("#chatbot").locator("xpath=following::textarea[1]")
            box.fill("How large is the Oppama plant?")
            box.press("Enter")
            sync_api.expect(page.locator("#viewer #cited-span")).to_contain_text(
                "170-hectare", timeout=60_000)
            page.get_by_role("button", name="Like", exact=True).first.click()
            sync_api.expect(page.locator("#feedback-note")).to_contain_text("Thanks")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not log.exists() or log.read_text() == ""
