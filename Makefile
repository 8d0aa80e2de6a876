# The two commands: `make run` (demo app on http://localhost:8501) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
TEST_STAMP := $(VENV)/.installed-test-$(shell cat requirements.txt requirements-test.txt | cksum | cut -d' ' -f1)
PORT   ?= 8501
# Where the app listens: loopback only (a proxy in front, see deploy/). Override deliberately.
ADDRESS ?= 127.0.0.1

.PHONY: run serve test install install-test db migrate lock messages audit bench clean

# The app's runtime packages only (what `make serve` needs); the test tools come with install-test.
$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-[0-9]* && touch $(STAMP)

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	@rm -f $(VENV)/.installed-test-* && touch $(TEST_STAMP)

install: $(STAMP)

install-test: $(TEST_STAMP)

# Demo: migrate the SQLite database, load the synthetic demo data once, serve.
run: install
	CARE_DEMO=$${CARE_DEMO:-1} $(BIN)/python -m care seed-demo
	CARE_DEMO=$${CARE_DEMO:-1} $(BIN)/streamlit run Home.py --server.port $(PORT) \
		--server.address $(ADDRESS) --server.headless true --browser.gatherUsageStats false

# A real deployment: migrate (as CARE_MIGRATE_DATABASE_URL's owner role if set), then serve
# (no demo data; needs the keys). For a team: several processes behind nginx, see deploy/.
serve: install
	$(BIN)/python -m care migrate
	$(BIN)/streamlit run Home.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless true \
		--browser.gatherUsageStats false

test: install-test
	$(BIN)/python -m pytest -n 2 --dist loadfile

migrate: install
	$(BIN)/python -m care migrate

db: install
	$(BIN)/python -m care init-db

# Time every page, search and PDF on synthetic databases of 100, 1,000 and 10,000 cases
# (about 15 minutes); writes bench/results.md. Options: make bench BENCH_ARGS="--repeat 5".
bench: install
	CARE_DEMO=1 $(BIN)/python -m care bench $(BENCH_ARGS)

# Extract translatable strings and merge them into the French catalog.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
		--omit-header -o care/locale/messages.pot care pages Home.py seeds
	$(BIN)/pybabel update -i care/locale/messages.pot -d care/locale -l fr -w 100 --no-fuzzy-matching
	$(BIN)/pybabel extract -F babel.cfg -k P_ --no-default-keywords --no-location --sort-output \
		--omit-header -o care/locale/person.pot care
	$(BIN)/pybabel update -D person -i care/locale/person.pot -d care/locale -w 100 --no-fuzzy-matching

# Re-pin requirements.txt from requirements.in, then requirements-test.txt (what the test
# tools add on top) from requirements-test.in, in a throwaway virtualenv.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements.in
	(echo "# Generated from requirements.in by 'make lock' (pip freeze in a fresh venv). Do not edit by hand."; \
	 echo "# What the app needs to run; the test tools are in requirements-test.txt."; \
	 .venv-lock/bin/pip freeze --exclude-editable | sort -f) > requirements.txt
	.venv-lock/bin/pip install --quiet -r requirements-test.in
	(echo "# Generated from requirements-test.in by 'make lock': the test tools, on top of requirements.txt."; \
	 echo "# Do not edit by hand."; echo "-r requirements.txt"; \
	 .venv-lock/bin/pip freeze --exclude-editable | sort -f | grep -vxFf requirements.txt) > requirements-test.txt
	rm -rf .venv-lock

# Known vulnerabilities in the pinned requirements (PyPI's advisory database), checked by
# pip-audit from a throwaway venv of its own: never installed into the app's venv. The pins
# are a full freeze, so --no-deps --disable-pip audits exactly them without installing them;
# --strict fails the target when a package could not be checked (a silent pass is worse).
PIP_AUDIT := pip-audit==2.10.1
AUDIT_VENV := .venv-audit

audit:
	@test -f $(AUDIT_VENV)/.$(PIP_AUDIT) || { rm -rf $(AUDIT_VENV) && $(PYTHON) -m venv $(AUDIT_VENV) && \
		$(AUDIT_VENV)/bin/python -m pip install --quiet $(PIP_AUDIT) && touch $(AUDIT_VENV)/.$(PIP_AUDIT); }
	$(AUDIT_VENV)/bin/pip-audit --requirement requirements.txt --no-deps --disable-pip --strict --progress-spinner off

clean:
	rm -rf $(VENV) $(AUDIT_VENV) .pytest_cache
