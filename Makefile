# Two promises: `make run` starts the app on the embedded store, `make test` passes the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint format demo-reset seed-demo export bench bench-parts clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 of nieuwer is nodig"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Without .streamlit/secrets.toml: demo mode (role picker, demo data) on this computer only.
# With it: sign-in as configured there, on every interface (behind HTTPS in production).
run: $(VENV)/.runtime
	@if [ -f .streamlit/secrets.toml ]; then \
	  $(BIN)/python -m lib.cli init && \
	  $(BIN)/python -m streamlit run app.py --server.port $(PORT) --server.headless true; \
	else \
	  export KIVIDO_DEMO_MODE=true && $(BIN)/python -m lib.cli init && \
	  echo "Demomodus: http://localhost:$(PORT) (alleen op deze computer)" && \
	  $(BIN)/python -m streamlit run app.py --server.port $(PORT) \
	    --server.headless true --server.address 127.0.0.1; \
	fi

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

seed-demo: $(VENV)/.runtime
	$(BIN)/python -m lib.cli seed-demo

demo-reset: $(VENV)/.runtime
	$(BIN)/python -m lib.cli demo-reset

export: $(VENV)/.runtime
	$(BIN)/python -m lib.cli export --out export

# Issue 10's benchmark in one run (bench/issue10.py); BENCH_ARGS="--sizes 1000,10000" narrows it.
bench: $(VENV)/.dev
	$(BIN)/python -m bench.issue10 $(BENCH_ARGS)

# The older, narrower benchmarks: Overzicht's parts, the Postvak, the Sheet's writers,
# page views against the branch point.
bench-parts: $(VENV)/.dev
	$(BIN)/python -m bench
	$(BIN)/python -m bench.postvak
	$(BIN)/python -m bench.sheets_writers
	$(BIN)/python -m bench.pages

# Mutation testing of lib/ (not part of `make test`: it takes long). One worker.
# MODULES="procedure validation" narrows it; see README "Mutation testing".
.PHONY: mutate
mutate: $(VENV)/.dev
	$(BIN)/python -m tests.mutate $(MODULES)

clean:
	rm -rf $(VENV) data export test-artifacts
