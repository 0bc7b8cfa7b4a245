# Tandem's front door. `make run` and `make test` each set up everything they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8501

.PHONY: run test lint typecheck pytest bench install demo clean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "Tandem needs Python 3.11 or newer ($(PYTHON) is older)" >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

## make run: set up, migrate, build the demo database if there is none, start the dashboard
run: install
	$(PY) -m tandem migrate
	$(PY) -m tandem demo --if-empty
	$(PY) -m streamlit run app.py --server.port $(PORT)

## make test: set up, lint, type-check, and run the whole suite
test: install lint typecheck pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: install
	$(PY) -m mypy

# Two workers (the machines have two cores); a module's tests stay on one worker
# so its shared fixtures (a running app, a database) are built once.
pytest: install
	$(PY) -m pytest -n 2 --dist loadscope

## make bench: benchmarks at demo and enterprise scale (slow; writes bench/RESULTS.md)
bench: install
	$(PY) -m bench.run_all

demo: install
	$(PY) -m tandem migrate
	$(PY) -m tandem demo --force

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
