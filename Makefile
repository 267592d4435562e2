# The two commands a newcomer needs: `make run` and `make test`. `make install` is idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
PORT ?= 8000

.PHONY: install run test lint lint-api messages sweep bench clean

install: $(STAMP) $(NPM_STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Browser libraries (Chart.js for the reports dashboard) come from npm, pinned in package-lock.json, and are
# served from node_modules by staticfiles (STATICFILES_DIRS): no CDN, no copy in the repository.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make install: npm is missing. Install Node.js and npm (Debian: apt-get install -y npm), then run make install again." >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

# The compiled catalogue is committed too, so a machine without gettext still shows Chinese.
messages: install
	if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0; fi

# For the demo: links in seeded messages and e-mails point at this server, and e-mails go to files in var/mail/
# rather than through the worker's console (each variable can still be set from outside).
RUN_ENV = HELPDESK_PUBLIC_URL=$${HELPDESK_PUBLIC_URL:-http://127.0.0.1:$(PORT)} \
	EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}

# The logins are printed last, by the Procfile's "ready" process, once the web server and the workers answer.
run: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --no-logins
	@echo "Starting the helpdesk on http://127.0.0.1:$(PORT)/ — the demo logins follow once it answers."
	$(RUN_ENV) PORT=$(PORT) HELPDESK_PORT=$(PORT) $(BIN)/honcho start -f Procfile

test: install messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	PYTHONPATH=. $(BIN)/lint-imports --no-cache
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy core helpdesk accounts audit customers notifications tickets complaints aftersales integrations webhooks surveys workforce replies knowledge reports

# The OpenAPI document through Redocly's and Spectral's linters, pinned, from npm (CI runs it; no errors allowed).
REDOCLY := @redocly/cli@2.77.0
SPECTRAL := @stoplight/spectral-cli@6.16.3
lint-api: install
	mkdir -p var
	$(BIN)/python manage.py spectacular --format openapi-json --file var/openapi.json
	npx --yes $(REDOCLY) lint --config redocly.yaml var/openapi.json
	npx --yes $(SPECTRAL) lint --ruleset .spectral.yaml --fail-severity error var/openapi.json

sweep: install
	$(BIN)/python manage.py sla_sweep

bench: install
	$(BIN)/python bench/calendar_bench.py
	$(BIN)/python bench/sla_sweep_bench.py
	$(BIN)/python bench/api_bench.py
	# Reports: a persistent database of 1,000,000 tickets (filled on the first run, ~90 s), PostgreSQL only.
	createdb -h 127.0.0.1 -U postgres helpdesk_bench 2>/dev/null || true
	DATABASE_URL=$${REPORT_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/helpdesk_bench} $(BIN)/python bench/report_bench.py

clean:
	rm -rf var staticfiles .pytest_cache
