# The two commands of the README: `make run` and `make test`. Only python3.11 and make needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
APPS := ecoles students safety orders training schoollife skills billing budget banking families network home

.PHONY: run run-network test install lint format messages bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@touch $@

install: $(VENV)/.installed

# A local settings file for the embedded demo: DEBUG on and a random secret key.
.env:
	@$(PYTHON) -c "import secrets; print('DEBUG=true'); print('SECRET_KEY=' + secrets.token_urlsafe(50))" > $@
	@echo "Wrote .env (DEBUG=true, a new SECRET_KEY) for this machine."

run: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  Ecoles: http://127.0.0.1:$(PORT)/"
	@echo "  Logins (password 'demo'): director, office, trainer, teacher, accountant, admin, parent, eleve"
	@echo ""
	@# The task worker (mails, retries) runs beside the server and stops with it.
	$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The network's hub (issue 31) beside the school: its own data folder and port, seeded
# with three member schools (the demo school among them, whose .env gets its key).
NETWORK_PORT ?= 8001
run-network: install .env
	NETWORK_HUB=true DATA_DIR=$(CURDIR)/data-network $(PY) manage.py migrate --noinput
	NETWORK_HUB=true DATA_DIR=$(CURDIR)/data-network $(PY) manage.py seed_network --if-empty --env .env --url http://127.0.0.1:$(NETWORK_PORT)/reseau/api/v1/
	@echo ""
	@echo "  Network hub: http://127.0.0.1:$(NETWORK_PORT)/reseau/  (login reseau / demo)"
	@echo "  The demo school (make run, restarted) sends to it from its indicators page."
	@echo ""
	NETWORK_HUB=true DATA_DIR=$(CURDIR)/data-network $(PY) manage.py runserver 127.0.0.1:$(NETWORK_PORT)

test: install .env
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract and compile the French catalogue, app by app (templates live in each app).
messages: install .env
	for app in $(APPS); do (cd $$app && ../$(PY) ../manage.py makemessages -l fr --no-obsolete --no-location); done
	$(PY) manage.py makemessages -l fr --no-obsolete --no-location $(foreach app,$(APPS) .venv tests bench,--ignore '$(app)/*')
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
