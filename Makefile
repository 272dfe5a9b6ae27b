# CPD Hub. Two commands on a fresh machine with Python 3.11+:
#   make run    a working demo at http://127.0.0.1:8000 (SQLite, in-process tasks, email on the console)
#   make test   the test suite (SQLite; set DATABASE_URL for Postgres)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1:8000
# Every link in the demo's emails, .ics files and exports follows the address it is served on:
# make run HOST=127.0.0.1:8160 gives SITE_URL=http://127.0.0.1:8160 (set SITE_URL to override).
SITE_URL ?= http://$(HOST)
PYTEST_ARGS ?=

.PHONY: run test install lint audit format migrate seed worker beat clean

$(BIN)/uv:
	@$(PYTHON) -c 'import sys; sys.exit("CPD Hub needs Python 3.11 or newer (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Installs exactly what uv.lock pins (uv itself is in the lock, so it stays); --inexact leaves
# an optional group installed by hand (locust, for bench/load.py) in place.
install: $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --quiet

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo

run: seed
	@echo "Serving http://$(HOST)/ : sign in with one of the demo accounts above."
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver $(HOST)

test: install
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# Exactly what CI's lint step runs (.ci/run calls this target).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache
	$(BIN)/vulture

# bandit and pip-audit (against uv.lock), each finding explained in security/allowlist.toml or failing.
audit: install
	$(BIN)/python scripts/security_audit.py

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# With REDIS_URL set: a real Celery worker and beat, as in production.
worker: install
	$(BIN)/celery -A cpdhub worker --loglevel=INFO

beat: install
	$(BIN)/celery -A cpdhub beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var staticfiles test-results
