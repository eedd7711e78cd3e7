# The two commands: `make run` (Ronda with demo data on SQLite) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test lint format bench bench-city bench-checkin bench-summaries bench-tick verify-solver verify-solver-saved messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Ronda needs Python 3.11 or newer: make PYTHON=python3.11 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per set of extras, so a second `make run` reuses the first's set-up.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/ronda db upgrade
	$(BIN)/ronda demo load --if-empty
	$(BIN)/ronda serve

test: $(VENV)/.installed-test
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict app
	$(BIN)/hadolint Dockerfile

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_solver.py

# Need PostgreSQL at 127.0.0.1:5432 (user postgres); each builds a database of its own.
bench-city: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_draft_all.py

bench-checkin: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_checkin.py

bench-tick: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_tick.py

bench-summaries: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_summaries.py

verify-solver: $(VENV)/.installed-dev
	$(BIN)/python bench/verify_solver.py

verify-solver-saved: $(VENV)/.installed-dev
	$(BIN)/python bench/verify_solver.py --against bench/reference/*.json.gz

# Refresh the message catalog after adding N_("...") messages; then translate the new ones.
messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location -o app/locale/messages.pot .
	$(BIN)/pybabel update -i app/locale/messages.pot -d app/locale -l id --no-location --omit-header

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
