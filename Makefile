# Council Platform. The two commands: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: collectstatic lighthouse test-api run test install assets browser lint format bench migrate stop-db clean check lock

# Two locks, both with hashes: requirements.lock (everything: runtime + the dev extra, used here
# and in CI) and requirements.prod.lock (runtime only, used by infra/Dockerfile).
$(UV):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv==0.13.8

$(STAMP): requirements.lock pyproject.toml | $(UV)
	VIRTUAL_ENV=$(VENV) $(UV) pip sync -q --require-hashes requirements.lock
	touch $(STAMP)

install: $(STAMP) assets

# Front-end assets from the npm registry (GOV.UK Frontend, axe-core); served by the platform.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

assets: node_modules/.installed

# Debian's Chromium for the browser tests (Playwright cannot download a browser here).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Re-resolve after editing pyproject.toml (keeps existing pins where they still fit). The
# production lock is constrained by the dev lock, so both carry the same versions.
lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes -o requirements.lock -q
	$(UV) pip compile pyproject.toml --generate-hashes -c requirements.lock -o requirements.prod.lock -q

# Static files fingerprinted and gzipped into static_build/ (WhiteNoise serves them with ten-year
# immutable cache lifetimes); collected again only when a source file changes.
STATIC_SOURCES := $(shell find cms platform_core records intelligence commissioning tenants -path '*/static/*' -type f 2>/dev/null) package-lock.json requirements.lock
static_build/staticfiles.json: $(STATIC_SOURCES) | $(STAMP)
	DJANGO_SETTINGS_MODULE=platform_core.settings.dev $(PY) manage.py collectstatic --noinput -v0
	touch $@

collectstatic: install static_build/staticfiles.json

migrate: install
	DJANGO_SETTINGS_MODULE=platform_core.settings.dev $(PY) manage.py migrate_platform

run: install migrate collectstatic
	DJANGO_SETTINGS_MODULE=platform_core.settings.dev PLATFORM_PORT=$(PORT) $(PY) manage.py seed_demo
	@echo "Serving on port $(PORT). Stop with Ctrl-C."
	@# A worker's start (imports, then platform_core/warmup.py) counts against gunicorn's timeout,
	@# and takes 20-30 s on a loaded 2-core machine: 120 s, not the default 30.
	DJANGO_SETTINGS_MODULE=platform_core.settings.dev PLATFORM_PORT=$(PORT) $(VENV)/bin/gunicorn platform_core.wsgi:application \
		--bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --timeout 120 --access-logfile - --log-level warning

# Two pytest-xdist workers (this machine has 2 cores), whole files to a worker so a file's
# session and module fixtures are built once; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
test: install browser
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# schemathesis against both OpenAPI documents, in process (tests/api/test_schemathesis.py).
# API_FUZZ=bounded: 2 examples per operation, 90 s per document (see docs/security.md).
API_FUZZ ?= 1
test-api: install
	API_FUZZ=$(API_FUZZ) $(PY) -m pytest tests/api/test_schemathesis.py $(PYTEST_ARGS)

# Style, then the architecture: the import contracts in pyproject.toml ([tool.importlinter]:
# layers, sibling apps through their public surfaces, no cycles between apps), then types
# ([tool.mypy]: the kernel and tenants). mypy's Django plugin loads the settings; a placeholder
# DATABASE_URL keeps it from starting the embedded database (nothing connects).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DATABASE_URL=$${DATABASE_URL:-postgres://lint@127.0.0.1:1/lint} $(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	DJANGO_SETTINGS_MODULE=platform_core.settings.test $(PY) manage.py makemigrations --check --dry-run

bench: install
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	DJANGO_SETTINGS_MODULE=platform_core.settings.test $(PY) -m bench.run $(BENCH_ARGS)

# Lighthouse on the demo councils' home and service pages, against a running `make run`
# (bench/lighthouse.py; installs lighthouse@12.2.3 under var/tools the first time).
lighthouse: install browser
	PORT=$(PORT) $(PY) -m bench.lighthouse

stop-db:
	-$(PY) -m platform_core.embedded stop

clean: stop-db
	rm -rf var static_build test-output
