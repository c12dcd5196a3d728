# `make demo`: set up .venv and analyse the built-in example (HTML report in out/demo.html).
# `make test`: set up .venv (with the browser for UI tests) and run the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup browser bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]" -c constraints.txt
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/spinscope demo --output out/demo.html

browser:
	bash scripts/install-browser.sh

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) out build dist .pytest_cache
