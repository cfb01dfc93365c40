# Two commands on a fresh machine: `make run` serves the site, `make test` runs every test.
# The first Python 3.12 or newer that runs: on the PATH, else one pyenv installed
# (pyproject.toml says why 3.11 will not do). `make PYTHON=...` names another.
PYTHON_CANDIDATES := python3.12 python3.13 python3 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3)
PYTHON ?= $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(if $(filter True,$(shell $(p) -c 'import sys; print(sys.version_info >= (3, 12))' 2>/dev/null)),$(p))) python3)
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app timeline
HOST ?= 127.0.0.1
PORT ?= 5000
# The test tools at pinned versions, so that CI does not change with an upstream release.
CONSTRAINTS := .ci/constraints.txt
LOWEST ?= .venv-lowest

.PHONY: run serve test test-lowest bench bench-cost bench-timeline bench-api bench-diverse bench-writes bench-imports clean

run: $(VENV)/.run  ## create the environment, migrate, seed an empty database, serve on HOST:PORT
	$(FLASK) db upgrade
	$(FLASK) seed --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: $(VENV)/.serve  ## migrate, then serve with gunicorn (timeline/gunicorn_conf.py) on HOST:PORT
	$(FLASK) db upgrade
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c python:timeline.gunicorn_conf 'timeline:create_app()'

test: $(VENV)/.dev  ## lint and format check, then the whole suite (SQLite, or TIMELINE_TEST_DATABASE_URL)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-lowest:  ## the suite with the lowest versions pyproject.toml allows, in $(LOWEST)
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) .ci/lowest.py > $(LOWEST)/floors.txt
	$(LOWEST)/bin/python -m pip install --quiet -c $(LOWEST)/floors.txt -c $(CONSTRAINTS) \
		-e '.[dev,postgres,serve]'
	$(LOWEST)/bin/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev  ## list-page and API timings on a synthetic database
	$(BIN)/python bench/events_list.py

bench-timeline: $(VENV)/.dev  ## the timeline page, search and CSV at 100,000 synthetic events
	$(BIN)/python bench/timeline_page.py

bench-cost: $(VENV)/.dev  ## one cost evaluation, one projection, and the cost pages' requests
	$(BIN)/python bench/cost_model.py

bench-api: $(VENV)/.bench  ## requests/s and p50/p99 of /api/events beside Datasette and a bare app
	$(BIN)/python bench/api_load.py $(BENCH_ARGS)

bench-diverse: $(VENV)/.bench  ## /api/events and / on 20,000 distinct queries (--url for PostgreSQL)
	$(BIN)/python bench/diverse_load.py $(BENCH_ARGS)

bench-writes: $(VENV)/.bench  ## acknowledged API writes/s and p50/p99, 8 writers (--url for PostgreSQL)
	$(BIN)/python bench/writes.py $(BENCH_ARGS)

bench-imports: $(VENV)/.dev  ## events/s of flask import on 20,000 synthetic events (--url for PostgreSQL)
	$(BIN)/python bench/imports.py $(BENCH_ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[postgres]'
	touch $@

$(VENV)/.serve: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[postgres,serve]'
	touch $@ $(VENV)/.run

$(VENV)/.dev: pyproject.toml $(CONSTRAINTS) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev,postgres,serve]'
	touch $@ $(VENV)/.serve $(VENV)/.run

$(VENV)/.bench: pyproject.toml $(CONSTRAINTS) | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev,postgres,serve,bench]'
	touch $@ $(VENV)/.dev $(VENV)/.serve $(VENV)/.run

clean:
	rm -rf $(VENV) $(LOWEST) instance .pytest_cache .ruff_cache tests/artifacts
