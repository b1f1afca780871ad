# Every target installs what it needs: `make test` works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DDET := $(BIN)/ddet-data

.PHONY: install build validate lint test bench demo publish sandbox-env lock clean

install: $(STAMP)

# constraints.txt pins the versions that wrote the committed packages: Parquet bytes
# depend on the pyarrow version, and `build --check` compares bytes.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(DDET) build

validate: $(STAMP)
	$(DDET) validate

lint: $(STAMP)
	$(DDET) lint

test: $(STAMP)
	$(BIN)/ruff check ddet_data tests
	$(BIN)/pytest -q
	$(DDET) lint
	$(DDET) build --check

# Fast engine vs stock frictionless vs a bare pyarrow parse (1M rows; add BENCH_ARGS=--big
# for the 1 GB memory check). Figures go to the terminal; generated data to bench/out/.
bench: $(STAMP)
	$(BIN)/python bench/validate_bench.py $(BENCH_ARGS)

lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^ddet-data' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
