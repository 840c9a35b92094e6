# Two entry points for newcomers (see README): `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
PORT ?= 8000
export PORT
export UV_PYTHON := $(BIN)/python

.PHONY: run test install install-dev lint format lock messages bench bench-pages bench-spike bench-fanout

$(BIN)/uv:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "KMF Grants needs Python 3.11: set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)

install: $(BIN)/uv
	$(BIN)/uv pip sync --quiet --require-hashes requirements/base.txt

install-dev: $(BIN)/uv
	$(BIN)/uv pip sync --quiet --require-hashes requirements/dev.txt
	@# axe-core for the browser tests' accessibility checks; they fail, loudly, without it.
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the browser tests need node_modules/axe-core (npm ci)"; fi

# Zero setup: SQLite under var/, tasks in-process, mail to the console.
run: install .env
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py backfill_partnerships
	$(BIN)/python manage.py load_2021_call
	$(BIN)/python manage.py create_demo_accounts
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

.env:
	cp .env.example .env

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the locked requirements after editing pyproject.toml.
lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --no-header --quiet -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --no-header --quiet -o requirements/dev.txt

# Refresh the French catalogues after changing user-facing strings (needs GNU gettext): django
# for Python, templates and the default mail wording, djangojs for static/js (served by
# /i18n/js/<language>/). Then translate what is new in locale/fr/LC_MESSAGES/*.po and run it again.
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=node_modules --ignore=static/vendor --ignore=var
messages: install-dev
	DEBUG=1 $(BIN)/python manage.py makemessages -l fr --no-location --no-obsolete $(MESSAGES_IGNORE)
	DEBUG=1 $(BIN)/python manage.py makemessages -d djangojs -l fr --no-location --no-obsolete $(MESSAGES_IGNORE)
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv $(MESSAGES_IGNORE)

# Benchmarks (docs/BENCHMARKS.md): PostgreSQL and Redis on loopback; never part of `make test`.
# The database named by BENCH_DATABASE_URL is dropped and recreated (its name must contain "bench"),
# and so is the floor's beside it (the same name with "_floor"; BENCH_FLOOR=0 leaves it out).
BENCH_N ?= 5000
BENCH_DATABASE_URL ?= postgres://postgres:postgres@127.0.0.1:5432/kmf_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/4
BENCH_FANOUT_REDIS_URL ?= redis://127.0.0.1:6379/5
export BENCH_N BENCH_DATABASE_URL BENCH_REDIS_URL BENCH_FANOUT_REDIS_URL

bench: bench-pages bench-spike bench-fanout

bench-pages: install-dev
	$(BIN)/python -m bench.pages $(BENCH_N)

bench-spike: install-dev
	$(BIN)/python -m bench.spike

bench-fanout: install-dev
	$(BIN)/python -m bench.fanout
