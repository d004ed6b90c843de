# ESC Award Portal. `make run` serves the portal with demo data; `make test` installs and runs every check.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: run test install lock system-packages services messages lint bench load worker clean help

help:
	@echo "make run    serve the portal at http://127.0.0.1:8000 with demo data"
	@echo "make test   install what is missing, start services, lint, and run the whole test suite"
	@echo "make bench  run the performance benchmarks (benchmarks/)"
	@echo "make load   50 officers and 10 reviewers for 60 s against gunicorn, PostgreSQL, Redis and a worker"

install: $(VENV)/.installed

$(VENV)/.installed: requirements/dev.txt pyproject.toml
	@scripts/step.sh "Python environment ($(VENV))"
	@command -v $(PYTHON) >/dev/null 2>&1 || scripts/fail.sh "$(PYTHON) is not installed. Install Python 3.11 and try again."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || scripts/fail.sh "Could not create $(VENV) with $(PYTHON) -m venv."
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip || scripts/fail.sh "pip could not upgrade itself (no network to PyPI?)."
	@$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt || scripts/fail.sh "pip could not install the locked packages of requirements/dev.txt (no network to PyPI?)."
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . || scripts/fail.sh "pip could not install the portal itself."
	@touch $@

# Dependencies are locked with hashes (requirements/); after changing one in pyproject.toml, run `make lock`.
lock: install
	@scripts/lock.sh

system-packages:
	@scripts/system_packages.sh

services:
	@scripts/services.sh

messages: install
	@scripts/step.sh "Translations (makemessages, compilemessages)"
	@$(MANAGE) makemessages -l th -l en --no-location --no-obsolete -i ".venv/*" -i "staticfiles/*" -i "var/*" -v0
	@$(MANAGE) makemessages -d djangojs -l th -l en --no-location --no-obsolete -i ".venv/*" -i "staticfiles/*" -i "static/vendor/*" -v0
	@$(MANAGE) compilemessages -v0 --ignore ".venv"

lint: install
	@scripts/step.sh "Lint (ruff check, ruff format --check, import contracts, mypy, makemigrations --check)"
	@$(VENV)/bin/ruff check .
	@scripts/audit.sh
	@$(VENV)/bin/ruff format --check --quiet . || scripts/fail.sh "Code is not formatted: run .venv/bin/ruff format ."
	@$(VENV)/bin/lint-imports || scripts/fail.sh "An import breaks a layer contract (pyproject.toml, [tool.importlinter]): see the report above."
	@$(VENV)/bin/mypy || scripts/fail.sh "mypy found type errors: see the list above."
	@DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) makemigrations --check --dry-run -v1 >/dev/null || scripts/fail.sh "A model change has no migration: run manage.py makemigrations."

run: install
	@scripts/run.sh

test: system-packages install services messages lint
	@scripts/step.sh "Test suite (pytest: unit, integration, browser)"
	@$(VENV)/bin/pytest -n auto --dist loadfile --durations=25 --cov --cov-report=term $(PYTEST_ARGS)
	@$(VENV)/bin/coverage report --include="scoring/engine.py" --fail-under=100 >/dev/null || scripts/fail.sh "The scoring engine is not fully covered: run .venv/bin/coverage report --include=scoring/engine.py --show-missing."

# Benchmarks run on production settings (benchmarks/settings.py) against a throwaway database; wrk drives gunicorn.
.PHONY: bench-packages
bench-packages:
	@scripts/bench_packages.sh

bench: install services bench-packages
	@scripts/step.sh "Benchmarks"
	@$(PY) -m benchmarks

# Load: locust drives gunicorn, PostgreSQL, Redis and a Celery worker on 127.0.0.1 (benchmarks/load).
load: install services
	@scripts/step.sh "Load (50 officers autosaving, 10 reviewers on the board, 60 s)"
	@$(PY) -m benchmarks.load

worker: install
	@$(VENV)/bin/celery -A portal worker -l info -B

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3 test-results

# Sample nomination packets and feedback reports from the demo data (migrate and seed_demo are idempotent; the PDFs are rewritten).
.PHONY: samples
samples: install
	@scripts/step.sh "Sample nomination packets and feedback reports (docs/samples/packet-th.pdf, packet-en.pdf, feedback-th.pdf, feedback-en.pdf)"
	@$(MANAGE) migrate --no-input -v0
	@$(MANAGE) seed_demo >/dev/null
	@$(MANAGE) render_samples
