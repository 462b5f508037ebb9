# The two commands a new machine needs: `make run` and `make test` (README.md).
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
# Exact versions with hashes; pyproject.toml holds the ranges they are compiled from. Installs
# resolve nothing (scripts/install-locked.sh: pinned pip first, then --no-deps, then pip check).
INSTALL_LOCKED := scripts/install-locked.sh $(BIN)/python
# Extras stay in the lock (fonttools[woff], psycopg[binary]), so it records why each pin is there.
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: run serve test setup runtime-deps dev-deps system-deps runtime-system-deps lock wheel-check \
	screenshots

# The app alone: runtime packages (no test tools, no npm), the newest schema, the dev server.
run: runtime-deps runtime-system-deps
	$(BIN)/flask --app journal db upgrade
	@echo "Mood Journal: http://$(HOST):$(PORT)/"
	@echo "Demo data:    $(BIN)/flask --app journal demo-data --email demo@example.com --password PASSWORD --years 1"
	$(BIN)/flask --app journal run --host $(HOST) --port $(PORT)

# The same app under gunicorn with gunicorn.conf.py (production, behind an https proxy).
serve: runtime-deps runtime-system-deps
	$(BIN)/flask --app journal db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py

test: dev-deps system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest --cov --cov-report=term:skip-covered -q

setup: dev-deps
runtime-deps: $(VENV)/.runtime-installed
dev-deps: $(VENV)/.dev-installed node_modules/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements-pip.lock requirements.lock | $(BIN)/python
	$(INSTALL_LOCKED) requirements.lock
	touch $@

# A superset of the runtime lock at the same versions, so it comes after it and adds only tools.
$(VENV)/.dev-installed: requirements-dev.lock $(VENV)/.runtime-installed
	$(INSTALL_LOCKED) requirements-dev.lock
	touch $@

# Test-only front-end tools (axe-core, web-push-testing); the app's own front-end files are vendored in static/.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium, Pango/HarfBuzz for WeasyPrint, fonts, PDF tools, pg_dump; installs only
# what is missing (needs root for that).
system-deps:
	@scripts/install-system-deps.sh

# Only the libraries the app loads to start (WeasyPrint's Pango, HarfBuzz, fontconfig; fonts).
runtime-system-deps:
	@scripts/install-system-deps.sh --runtime

# Recompile every lock (pip's own, runtime, dev); LOCK_ARGS=--upgrade (or --upgrade-package NAME)
# moves pins. The dev lock is constrained to the other two, so it only adds tools to them.
lock: $(VENV)/.dev-installed
	$(LOCK) -o requirements-pip.lock requirements-pip.in
	$(LOCK) --extra postgres --extra redis -o requirements.lock pyproject.toml
	$(LOCK) --extra postgres --extra redis --extra dev --build-deps-for wheel \
		--constraint requirements-pip.lock --constraint requirements.lock \
		-o requirements-dev.lock pyproject.toml

# Build the wheel, install it in a fresh venv outside the checkout, migrate, serve, fetch pages.
wheel-check: dev-deps
	scripts/check_wheel.sh

# Full-page screenshots of every page at 390 and 1280 px, to look at before resolving an issue.
screenshots: dev-deps system-deps
	$(BIN)/python scripts/screenshots.py --out test-artifacts/screens
