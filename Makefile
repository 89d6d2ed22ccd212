# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
DEMO_PASSWORD ?= wuhai-demo

.PHONY: install translations run test lint bench extract-messages clean vendor

# Virtualenv with the pinned dependencies; redone when a requirements file changes.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed translations

# The .po catalogs are the source; the .mo files are built, never committed.
translations: $(BIN)/.installed
	$(BIN)/pybabel compile -d translations --statistics

# Development server on SQLite (instance/intranet.db) with the demo data, the job worker (the embedded queue,
# instance/queue.sqlite3) and the LibreOffice converters kept warm, together (Procfile.dev); Ctrl-C stops all three.
run: install
	scripts/install-uno-venv
	APP_ENV=development $(FLASK) db upgrade
	APP_ENV=development $(FLASK) demo load --password $(DEMO_PASSWORD)
	@echo
	@echo "Demo logins (password: $(DEMO_PASSWORD)); all of them: APP_ENV=development $(FLASK) demo accounts"
	@APP_ENV=development $(FLASK) demo accounts | grep -E '^(admin|secretary|reviewer|signer|staff|translator|clerk_no3_middle|clerk_haibowan|secretary_hainan|reviewer_hainan|signer_hainan|clerk_no5_middle)	'
	@echo
	@echo "Serving on http://$(HOST):$(PORT)/ (with the worker and the converters)"
	APP_ENV=development HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho start --port $(PORT) -f Procfile.dev

# Test processes (pytest-xdist). Tests go to whichever process is free, but those that share a server or a PDF made
# once go to the same one (SHARED_SETUP in tests/conftest.py).
TEST_WORKERS ?= 2

test: install
	$(BIN)/ruff check app tests bench docx_templates
	$(BIN)/lint-imports
	$(BIN)/python -m pytest --numprocesses $(TEST_WORKERS) --dist load

# Benchmarks: print figures (about five minutes on SQLite; add --pg URL for PostgreSQL too). Not tests.
bench: install
	$(BIN)/python bench/run_all.py

lint: install
	$(BIN)/ruff check app tests bench docx_templates
	$(BIN)/lint-imports

# After changing user-facing strings: re-extract and merge into the three catalogs.
extract-messages: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 --no-location --sort-output \
		--project=bureau-intranet --width 120 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --width 120

clean:
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# Refresh the vendored front-end files from the npm registry (versions pinned in package.json).
vendor:
	npm install --no-audit --no-fund --ignore-scripts
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE app/static/vendor/htmx/
	cp node_modules/@fontsource/noto-sans-mongolian/files/noto-sans-mongolian-mongolian-400-normal.woff2 \
	   node_modules/@fontsource/noto-sans-mongolian/files/noto-sans-mongolian-mongolian-400-normal.woff \
	   app/static/vendor/fonts/
	cp node_modules/@fontsource/noto-sans-mongolian/LICENSE app/static/vendor/fonts/LICENSE-noto-sans-mongolian.txt
	cp node_modules/sortablejs/Sortable.min.js node_modules/sortablejs/LICENSE app/static/vendor/sortable/
