# The two commands a new machine needs: `make run` and `make test` (README.md).
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: run test setup system-deps screenshots

run: setup
	$(BIN)/flask --app journal db upgrade
	$(BIN)/flask --app journal run --host 127.0.0.1 --port 5000

test: setup system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest --cov --cov-report=term:skip-covered -q

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Test-only front-end tools (axe-core); the app's own front-end files are vendored in static/.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests and PDF charts; needs root, skipped when present.
system-deps:
	@command -v chromium >/dev/null 2>&1 || scripts/install-system-deps.sh

# Full-page screenshots of every page at 390 and 1280 px, to look at before resolving an issue.
screenshots: setup system-deps
	$(BIN)/python scripts/screenshots.py --out test-artifacts/screens
