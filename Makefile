# pyaday: the commands of the README. Each one creates the environment it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
# A development curator token for the run-* and dev-* targets; never use it in production.
DEV_TOKEN ?= dev-curator-token
PORT_FLASK ?= 8001
PORT_SANIC ?= 8002
# The run-* and dev-* targets keep their data in a SQLite file, shared by every worker, unless
# PYADAY_DATABASE_URL says otherwise (memory://, postgresql://...; see docs/storage.md).
DATA_DIR := $(CURDIR)/var
PYADAY_DATABASE_URL ?= sqlite:///$(DATA_DIR)/pyaday.db
SERVE_ENV := PYADAY_CURATOR_TOKENS=$(DEV_TOKEN) PYADAY_DATABASE_URL=$(PYADAY_DATABASE_URL)

# make soak: seconds of load under faults (at most 240, so that the target stays under 5 min).
SOAK_SECONDS ?= 120

# make test: pytest-xdist workers. More than the cores: many tests wait on real servers.
TEST_WORKERS ?= 4
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadgroup

# uv from PATH, else the copy pip installs as a module (see the uv target).
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen

.PHONY: help uv env test test-quick test-packages lint format run-flask run-gunicorn run-sanic dev-flask dev-sanic clean \
	bench bench-quick soak docs diff workshop-start workshop-check

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

uv:
	@$(UV) --version >/dev/null 2>&1 || { \
	  echo "uv not found: installing it with pip"; \
	  python3 -m pip install --quiet uv \
	  || python3 -m pip install --quiet --user --break-system-packages uv; }

env: .venv/.synced  ## create the virtual environment from uv.lock

.venv/.synced: pyproject.toml uv.lock | uv
	$(UV) sync --frozen
	@touch $@

test: env test-packages  ## lint, format check, the whole suite (the live suite included), in parallel
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) pytest $(PYTEST_PARALLEL)

test-quick: env  ## the suite on the memory store only, without the live suite: the edit-test loop
	$(RUN) pytest $(PYTEST_PARALLEL) --stores memory -m "not live"

test-packages: env  # chromium, nginx, PostgreSQL: one apt-get run as root, if any is missing
	$(RUN) python -m tests.system_packages

lint: env  ## ruff only
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: env  ## apply ruff's fixes and formatting
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

run-flask: env $(DATA_DIR)  ## the Flask app as deployed: nginx in front of gunicorn (deploy/)
	@echo "pyaday (Flask, nginx + gunicorn) on http://127.0.0.1:$(PORT_FLASK)  curator token: $(DEV_TOKEN)  store: $(PYADAY_DATABASE_URL)"
	PYADAY_PORT=$(PORT_FLASK) $(SERVE_ENV) $(RUN) python -m deploy.flask_behind_nginx --runtime-dir $(DATA_DIR)/nginx

run-gunicorn: env $(DATA_DIR)  ## gunicorn alone, as make bench measures it: slow clients can starve it
	@echo "pyaday (Flask, gunicorn) on http://127.0.0.1:$(PORT_FLASK)  curator token: $(DEV_TOKEN)  store: $(PYADAY_DATABASE_URL)"
	PYADAY_PORT=$(PORT_FLASK) $(SERVE_ENV) $(RUN) gunicorn -c python:flask_app.server

run-sanic: env $(DATA_DIR)  ## the Sanic app under Sanic's own server, production settings
	@echo "pyaday (Sanic) on http://127.0.0.1:$(PORT_SANIC)  curator token: $(DEV_TOKEN)  store: $(PYADAY_DATABASE_URL)"
	PYADAY_PORT=$(PORT_SANIC) $(SERVE_ENV) $(RUN) python -m sanic_app.server

dev-flask: env $(DATA_DIR)  ## the Flask app with auto reload and debug logging
	@echo "pyaday (Flask, dev) on http://127.0.0.1:$(PORT_FLASK)  curator token: $(DEV_TOKEN)  store: $(PYADAY_DATABASE_URL)"
	$(SERVE_ENV) $(RUN) flask --app flask_app run --debug --port $(PORT_FLASK)

dev-sanic: env $(DATA_DIR)  ## the Sanic app with auto reload and debug logging
	@echo "pyaday (Sanic, dev) on http://127.0.0.1:$(PORT_SANIC)  curator token: $(DEV_TOKEN)  store: $(PYADAY_DATABASE_URL)"
	PYADAY_PORT=$(PORT_SANIC) $(SERVE_ENV) $(RUN) python -m sanic_app.server --dev

soak: env  ## both apps under load and faults (~4 min), then contract fuzzing at depth
	$(RUN) python -m benchmarks.soak --duration $(SOAK_SECONDS)
	PYADAY_FUZZ_EXAMPLES=200 $(RUN) pytest -q -s -p no:cacheprovider tests/test_contract_fuzz.py

bench: env  ## every store, two sizes, the async lessons (~11 min): docs/benchmarks.md, README
	$(RUN) python -m benchmarks --readme README.md

bench-quick: env  ## a short bench (~1 min, rand and floor, memory) into benchmarks/results/quick
	$(RUN) python -m benchmarks --scenarios rand floor --frameworks flask sanic --stores memory \
	  --sizes 5000 --duration 4 --warmup 0.5 --ab-duration 3 \
	  --results-dir benchmarks/results/quick --report benchmarks/results/quick/benchmarks.md \
	  --time-budget 90

docs: env  ## write docs/migration.md and docs/diff.html from the code they quote
	$(RUN) python -m learn.guide
	$(RUN) python -m learn.diffs --html docs/diff.html

diff: env  ## every Flask/Sanic and sync/async twin side by side, region by region
	@$(RUN) python -m learn.diffs

workshop-start: env  ## copy flask_app/ into workshop/NAME/ to convert (NAME=yourname)
	@test -n "$(NAME)" || { echo "usage: make workshop-start NAME=yourname"; exit 2; }
	$(RUN) python -m learn.workshop start $(NAME)

workshop-check: env  ## grade an app against the contract: APP=workshop.yourname:create_app
	@test -n "$(APP)" || { echo "usage: make workshop-check APP=workshop.yourname:create_app"; exit 2; }
	$(RUN) python -m learn.workshop check $(APP)

$(DATA_DIR):
	mkdir -p $@

clean:  ## remove the environment and caches
	rm -rf .venv .pytest_cache .ruff_cache
