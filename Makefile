# Two commands on a fresh machine: `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app timeline

.PHONY: run test bench bench-cost bench-timeline bench-api clean

run: $(VENV)/.run  ## create the environment, migrate, seed an empty database, serve on :5000
	$(FLASK) db upgrade
	$(FLASK) seed --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.dev  ## lint, then the whole suite (SQLite, or TIMELINE_TEST_DATABASE_URL)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev  ## list-page and API timings on a synthetic database
	$(BIN)/python bench/events_list.py

bench-timeline: $(VENV)/.dev  ## the timeline page, search and CSV at 100,000 synthetic events
	$(BIN)/python bench/timeline_page.py

bench-cost: $(VENV)/.dev  ## one cost evaluation, one projection, and the cost pages' requests
	$(BIN)/python bench/cost_model.py

bench-api: $(VENV)/.bench  ## requests/s and p50/p99 of /api/events beside Datasette and a bare app
	$(BIN)/python bench/api_load.py $(BENCH_ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[postgres]'
	touch $@

$(VENV)/.dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $@ $(VENV)/.run

$(VENV)/.bench: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres,bench]'
	touch $@ $(VENV)/.dev $(VENV)/.run

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache tests/artifacts
