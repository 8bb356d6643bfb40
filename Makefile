# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo runs in debug mode on the embedded defaults unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: install run test lint format bench migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements/base.txt requirements/production.txt requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

## Set up everything, load the demo data and start web, worker, beat and the vendor sandbox.
run: migrate
	@$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@echo
	@echo "  Starting web, worker, beat and the sandbox; the logins and addresses are printed again"
	@echo "  in a box once the app answers (and kept in var/demo-logins.json)."
	@echo
	$(RUN_ENV) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

## Set up everything and run the whole test suite.
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/pytest tests/benchmarks -m benchmark -s $(PYTEST_ARGS)

clean:
	rm -rf var $(VENV)
