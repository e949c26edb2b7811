# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Worker processes (gunicorn, one per core by default): ranking holds the GIL, so one
# process serves on one core. SERVER=waitress serves in one process instead.
WORKERS ?= $(shell nproc 2>/dev/null || echo 1)
SERVER ?=
# Waitress threads in each worker: a few more than one lets a request's I/O overlap
# another's search.
THREADS ?= 8
# The browser tests drive Debian's Chromium: `playwright install` downloads browsers,
# which needs network that CI machines do not have.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The app refuses bodies over QA_MAX_CONTENT_LENGTH with a JSON 413, but waitress reads a
# whole body (up to 1 GB by default) before the app sees it. Cap it a little above the
# app's limit: a body just over gets the app's JSON answer, a huge or lying one is refused
# by waitress (plain-text 413) as soon as its Content-Length, or its chunks, pass the cap.
QA_MAX_CONTENT_LENGTH ?= 4194304
MAX_BODY ?= $(shell echo $$(( $(QA_MAX_CONTENT_LENGTH) + 65536 )))
# serve.py runs gunicorn with a waitress in each worker, with room for thousands of idle or
# slow connections (waitress's defaults let about 100 lock everyone out) and refusing
# ambiguously framed requests.
SERVE := QA_PRELOAD=true $(BIN)/python -m serve --host=$(HOST) --port=$(PORT) \
	--workers=$(WORKERS) --threads=$(THREADS) --max-request-body-size=$(MAX_BODY) \
	$(if $(SERVER),--server=$(SERVER))

.PHONY: install browser run serve soak index test screenshot lint format bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

index: install
	$(BIN)/flask --app app index rebuild

# The first run builds with the base model and serves at once; the server adapts the
# model to the reports in the background and swaps the adapted build in (index/jobs.py).
run: install
	$(BIN)/flask --app app index rebuild --wait 600 --adapt-later
	$(SERVE)

# Serve what is there: no install, no rebuild (for a service manager, and the tests).
serve:
	$(SERVE)

# Load test, not part of `make test`: 32 clients for 60 s against `make serve` on
# 127.0.0.1 while a rebuild adds a report (python -m bench.soak; a few minutes, real model).
soak: install
	$(BIN)/python -m bench.soak

browser:
	test -x $(CHROMIUM) || ($(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

test: install browser
	$(BIN)/python -m pytest

# Rewrite docs/chat.png (and docs/chat-360.png) from a real answered question.
screenshot: install browser
	SCREENSHOT_DIR=docs $(BIN)/python -m pytest -q tests/test_page.py -k fits_phone_and_desktop

# Speed at 1,000, 10,000 and 100,000 passages (not part of `make test`): writes
# bench/results.json and bench/RESULTS.md; about 20 minutes on two cores.
bench: install
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var .pytest_cache .ruff_cache
