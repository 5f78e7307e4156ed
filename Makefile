# Klantpiramide: `make demo` builds the demo report, `make test` runs the tests.
# Both create .venv from the pinned requirements.lock first (and install missing Debian
# libraries for the PDF renderer); nothing else needs to be installed by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo demo-nl demo-en test lint bench lab install clean distclean lock

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml scripts/system-deps.sh
	@PYTHON=$(PYTHON) sh scripts/system-deps.sh
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (PYTHON=$(PYTHON))")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

demo: $(STAMP)          ## the demo report in Dutch and English: outputs/demo*/report.{html,pdf}
	$(BIN)/klantpiramide demo --language both

demo-nl demo-en: $(STAMP)
	$(BIN)/klantpiramide demo --language $(@:demo-%=%)

test: $(STAMP)          ## the whole test suite (generates the demo data once into data/demo)
	@sh scripts/system-deps.sh --test
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests benchmarks

bench: $(STAMP)         ## speed benchmarks on 1M and 10M generated lines (100M: see benchmarks/README.md); prints a table
	$(BIN)/python benchmarks/bench_customers.py

lab: $(STAMP)           ## JupyterLab on the project's environment
	$(BIN)/jupyter lab notebooks

lock:                   ## re-pin requirements.lock from pyproject.toml in a fresh venv
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev,warehouse]'
	.venv-lock/bin/python -m pip freeze --exclude-editable --disable-pip-version-check | sort -f > requirements.lock
	rm -rf .venv-lock

clean:                  ## remove generated reports and demo data (keeps .venv)
	find outputs -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf data benchmarks/data benchmarks/results

distclean: clean
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
