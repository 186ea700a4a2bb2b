# Two commands on a fresh machine (Python 3.11 + pip):  `make run`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
PORT   ?= 8501

.PHONY: install data run test browser libreoffice eval bench lint

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## Parse every report in data/raw, (re)index it and build what the chat loads at start; idempotent.
data: install
	$(PY) -m ingestion $(wildcard data/raw/*.txt data/raw/*.docx data/raw/*.xlsx data/raw/*.pdf) --out data/processed --replace
	$(PY) -m retrieval index
	$(PY) -m assistant warm

## Set everything up and start the chat on the bundled report, on 127.0.0.1 (ADDRESS=0.0.0.0 needs sign-in; README).
ADDRESS ?= 127.0.0.1
run: data
	$(PY) -m ui.serve --server.address $(ADDRESS) --server.headless true --server.port $(PORT) --browser.gatherUsageStats false

## Debian's Chromium for the end-to-end browser test (the test skips, saying why, if it is missing).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: the browser test will be skipped"

## LibreOffice (Writer, no GUI) to turn the tests' Word files into PDF (those tests skip, saying why, if it is missing).
libreoffice:
	@command -v soffice >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null) \
	  || echo "LibreOffice could not be installed: the PDF reader tests will be skipped"

## Set everything up and run the tests (what CI runs).
test: install browser libreoffice
	$(PY) -m ruff check .
	$(PY) -m pytest

eval: data
	$(PY) -m eval.run --baseline --out eval/out

bench: data
	$(PY) -m eval.bench_retrieval
	$(PY) -m eval.bench_answer
	$(PY) eval/bench_ui.py

lint: install
	$(PY) -m ruff check . && $(PY) -m ruff format --check .
