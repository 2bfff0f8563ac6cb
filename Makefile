# Two commands: `make run` (set up and serve) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: run test setup migrate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changed since the last install.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py collectstatic --no-input -v 0

# Superuser (printed one-time password) and starter model, each only when missing.
setup: migrate
	$(BIN)/python manage.py create_admin
	$(BIN)/python manage.py setup_starter

run: setup
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest
