PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/tui-kecamatan

demo: $(VENV)/.installed
	$(BIN)/tui-kecamatan demo

# The suite runs on every core (pytest-xdist), then the tests marked `serial` run alone.
# PYTEST_ARGS goes to both runs (a file, -k, -x...); JOBS sets the number of parallel workers.
# Fails when a run fails, and with pytest's "no tests ran" status (5) when neither ran a test.
JOBS ?= auto
PYTEST := $(BIN)/python -m pytest

test: $(VENV)/.installed-test
	$(PYTEST) -n $(JOBS) --dist worksteal -m "not serial" $(PYTEST_ARGS); parallel=$$?; \
	$(PYTEST) -n 0 -m serial $(PYTEST_ARGS); alone=$$?; \
	for status in $$parallel $$alone; do \
	  case $$status in 0|5) ;; *) exit $$status ;; esac; \
	done; \
	if [ $$parallel -eq 5 ] && [ $$alone -eq 5 ]; then echo "make test: no tests ran" >&2; exit 5; fi

clean:
	rm -rf $(VENV)
