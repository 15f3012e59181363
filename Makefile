PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test demo bench clean

# setuptools reminds every editable install, in a banner, not to delete the working folder;
# pip 25 and later print it even with --quiet. The reminder is meant for this folder: keep it out.
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install --quiet --disable-pip-version-check

$(BIN)/python:
	@echo "Menyiapkan lingkungan Python di $(VENV) (sekali saja, 1-2 menit)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	@echo "Memasang tui-kecamatan dan pustakanya di $(VENV)..."
	@$(PIP_INSTALL) -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	@echo "Memasang tui-kecamatan dan alat ujinya di $(VENV)..."
	@$(PIP_INSTALL) -e '.[test]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/tui-kecamatan

demo: $(VENV)/.installed
	$(BIN)/tui-kecamatan demo

# Ten years of a busy office (benchmarks/tenyears.py, docs/performance.md): the database is built
# once into benchmarks/.cache/ (minutes, a few GiB), then every figure is measured and printed.
# BENCH_ARGS goes to the script (--runs 3, --only search,home, --rebuild...).
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/tenyears.py $(BENCH_ARGS)

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
