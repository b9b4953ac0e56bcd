# Certifikation: `make help` lists the targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
CERTIFIKATION_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
DEV_ENV := CERTIFIKATION_DEBUG=1 CERTIFIKATION_PUBLIC_URL=$(CERTIFIKATION_PUBLIC_URL) \
	CERTIFIKATION_ALLOW_LOOPBACK=1

.DEFAULT_GOAL := help
.PHONY: help install run test lint fmt typecheck migrate bench clean interop-deps translations browser-deps

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-13s %s\n", $$1, $$2}'

$(BIN)/.installed: setup.cfg pyproject.toml constraints.txt $(wildcard issuer/translations/*/LC_MESSAGES/*.po)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/pybabel compile -d issuer/translations
	touch $@

install: $(BIN)/.installed ## Create .venv and install the package with pinned dependencies

migrate: install ## Apply database migrations (DATABASE_URL, default: embedded SQLite)
	@mkdir -p instance
	$(DEV_ENV) $(FLASK) migrate

run: migrate ## Create dev keys and the demo issuer, then serve on http://127.0.0.1:$(PORT)
	$(DEV_ENV) $(FLASK) seed-demo
	$(DEV_ENV) $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install ## Run the whole test suite (DATABASE_URL selects PostgreSQL)
	$(BIN)/pytest --cov --cov-report=term:skip-covered

lint: install ## Check style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install ## Format and fix with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

translations: install ## Re-extract the messages and update every catalogue (then translate)
	$(BIN)/pybabel extract -F babel.cfg --project Certifikation -o issuer/translations/messages.pot .
	$(BIN)/pybabel update -i issuer/translations/messages.pot -d issuer/translations

typecheck: install ## mypy (strict for verifier/ and schemas/)
	$(BIN)/mypy issuer verifier schemas

interop-deps: ## Install the pinned npm packages the Node interop tests use (npm ci)
	npm ci --prefix tests/interop/node --no-audit --no-fund --ignore-scripts

browser-deps: ## Install Debian's chromium (as root) and the pinned axe-core for tests/browser
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; \
	else echo "browser-deps: /usr/bin/chromium is missing; as root: apt-get install chromium (the browser tests skip until then)"; fi
	npm ci --prefix tests/browser --no-audit --no-fund --ignore-scripts

bench: install ## Run the benchmarks under bench/ and print their figures
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean: ## Remove the venv, caches and the dev database (keeps keys/)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov instance *.egg-info
