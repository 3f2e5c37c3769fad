# essmap — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000
# Reference centres and contours for `make fixtures-geometries`: a folder in the geographic
# API's format. `make run` needs neither it nor the network: load_fixtures loads the committed
# fixtures/geometries/ (refresh later with `manage.py sync_geometries`, then load_fixtures).
GEO_SOURCE ?= ../shared/data/territoires

.PHONY: install lock run serve load test test-e2e quality format messages bench bench-sirene soak backup restore fixtures-territories fixtures-geometries clean audit-pages

install: $(VENV)/.installed

# Development (make run, make test, CI): every package pinned with hashes in requirements/dev.txt,
# then the project itself without resolving anything more. Production installs
# requirements/production.txt instead (no test or lint tool): see docs/deployment.md.
$(VENV)/.installed: pyproject.toml requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@$(BIN)/pip check >/dev/null || ($(BIN)/pip check; echo "pyproject.toml has a dependency the lock files lack: run make lock"; exit 1)
	touch $@

# After changing dependencies in pyproject.toml: regenerate both lock files (hashes included),
# then `make install`. Upgrade everything: make lock LOCK_ARGS=--upgrade
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock:
	@test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/pip-compile || $(BIN)/pip install --quiet pip-tools
	$(PIP_COMPILE) -o requirements/production.txt pyproject.toml
	$(PIP_COMPILE) --extra dev -c requirements/production.txt -o requirements/dev.txt pyproject.toml

load: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_fixtures --registers
	$(PY) manage.py export_opendata

run: load
	$(PY) manage.py runserver $(HOST)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# English catalog (by hand) and French catalog (typography, plural rule; generated): drop duplicates a merge may leave, collect the strings, compile.
# No source locations, so that moving code does not rewrite the catalog (fewer merge conflicts).
PO := locale/en/LC_MESSAGES/django.po
messages: install
	msguniq --use-first --no-wrap -o $(PO) $(PO)
	$(PY) manage.py makemessages -l en --no-location --no-wrap --no-obsolete -i '.venv/*' -i '.bench/*' -i 'bench/*' -i 'tests/*'
	$(PY) manage.py typeset_catalog
	$(PY) manage.py compilemessages -l en -l fr -i .venv

# Regenerate fixtures/territories.json from the npm package @etalab/decoupage-administratif.
DECOUPAGE_VERSION ?= 6.0.0
fixtures-territories: install
	cd /tmp && npm pack --silent @etalab/decoupage-administratif@$(DECOUPAGE_VERSION)
	DATABASE_URL=sqlite:////tmp/essmap-territories.sqlite3 $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:////tmp/essmap-territories.sqlite3 $(PY) manage.py import_territories /tmp/etalab-decoupage-administratif-$(DECOUPAGE_VERSION).tgz
	DATABASE_URL=sqlite:////tmp/essmap-territories.sqlite3 $(PY) manage.py dumpdata intercos.departement intercos.interco intercos.commune --indent 1 -o fixtures/territories.json
	rm -f /tmp/essmap-territories.sqlite3

# Regenerate fixtures/geometries/ (centres, simplified contours) from GEO_SOURCE.
fixtures-geometries: install
	$(PY) manage.py build_geometry_fixture "$(GEO_SOURCE)"

# Benchmarks (issue 6): PostgreSQL with synthetic data, see BENCHMARKS.md.
bench: install
	bash bench/run.sh

# SIRENE stock reader on a generated national-layout file (issue 19): bench/SIRENE.md.
SIRENE_ROWS ?= 5000000
bench-sirene: install
	$(PY) -m bench.sirene_import --rows $(SIRENE_ROWS)

# Soak (issue 11): a few minutes of mixed load on servers of its own (loopback, ports
# 5440-5449, 6390-6399, 8730-8739) with one Redis outage and one PostgreSQL restart.
SOAK_SECONDS ?= 240
soak: install
	$(PY) -m bench.soak --seconds $(SOAK_SECONDS) --out $(or $(SOAK_OUT),/tmp/essmap-soak.md)

# Backups (docs/deployment.md): pg_dump -Fc of DATABASE_URL into BACKUP_DIR, newest
# BACKUP_KEEP kept; `make restore DUMP=backups/essmap-….dump` restores into DATABASE_URL.
BACKUP_DIR ?= backups
BACKUP_KEEP ?= 14
backup: install
	$(PY) manage.py backup --dir $(BACKUP_DIR) --keep $(BACKUP_KEEP)

restore: install
	@test -n "$(DUMP)" || (echo "usage: make restore DUMP=path/to/essmap-....dump" && exit 2)
	$(PY) manage.py restore $(DUMP)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Page quality (issue 21): Lighthouse and the W3C Nu checker on the public pages, production
# settings on loopback; writes docs/audit/pages.md. Tools from npm, exact versions, into .audit/
# (ignored); Debian's chromium and Java. About 10 minutes on 2 cores; not part of CI.
LIGHTHOUSE_VERSION ?= 12.2.3
VNU_VERSION ?= 24.10.17
audit-pages: install
	@test -f .audit/node_modules/lighthouse/package.json && grep -q '"version": "$(LIGHTHOUSE_VERSION)"' .audit/node_modules/lighthouse/package.json \
		&& grep -q '"version": "$(VNU_VERSION)"' .audit/node_modules/vnu-jar/package.json \
		|| (mkdir -p .audit && npm install --prefix .audit --no-save --no-audit --no-fund \
			lighthouse@$(LIGHTHOUSE_VERSION) vnu-jar@$(VNU_VERSION))
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(PY) bench/audit_pages.py
