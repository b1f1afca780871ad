# Every target installs what it needs: `make test` works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DDET := $(BIN)/ddet-data

UDATA_STAMP := .venv-udata/.ddet-installed

.PHONY: install build validate lint test test-browser chromium bench demo publish sandbox-env lock clean

install: $(STAMP)

# constraints.txt pins the versions that wrote the committed packages: Parquet bytes
# depend on the pyarrow version, and `build --check` compares bytes.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(BIN)/python -m compileall -q ddet_data
	touch $(STAMP)

build: $(STAMP)
	$(DDET) build

validate: $(STAMP)
	$(DDET) validate

lint: $(STAMP)
	$(DDET) lint

# The real udata (the software of data.gouv.fr) for the sandbox: own venv, ~1 min, ~475 MB.
sandbox-env: $(UDATA_STAMP)
$(UDATA_STAMP): | $(STAMP)
	$(DDET) sandbox install

# Headless Chromium for the tests that open the preview's pages: Debian's package,
# installed when missing (as root, or through sudo).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
chromium:
	@command -v chromium > /dev/null 2>&1 || { \
	  echo "installing chromium (Debian's package) for the browser tests"; \
	  $(SUDO) apt-get install -y chromium || \
	  { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }; }

# The preview's pages in a real browser; screenshots and a print go to tmp/out/.
test-browser: $(STAMP) chromium
	DDET_REQUIRE_BROWSER=1 $(BIN)/pytest -q tests/test_preview_browser.py

test: $(STAMP) $(UDATA_STAMP) chromium
	$(BIN)/ruff check ddet_data tests
	DDET_REQUIRE_BROWSER=1 $(BIN)/pytest -q
	$(DDET) lint
	$(DDET) build --check

# The main job end to end on a local data.gouv.fr: build, validate, start the sandbox
# (and the preview of what it holds), publish to it, read back and verify, print the
# dataset URLs and the preview's, check that a new plan is empty, keep the preview's pages
# in .sandbox/preview/, stop the sandbox.
demo: $(STAMP) $(UDATA_STAMP)
	$(DDET) build
	$(DDET) validate
	@$(DDET) sandbox start | grep '^# '
	@status=0; export DATAGOUV_API_URL= DATAGOUV_ORGANIZATION= \
	  DATAGOUV_API_KEY="$$(cat .sandbox/api_key)"; \
	  $(DDET) publish --target sandbox --yes && \
	  $(DDET) sandbox status | grep '^# preview' && \
	  $(DDET) preview --from-sandbox --out .sandbox/preview && \
	  $(DDET) plan --target sandbox --detailed-exitcode || status=$$?; \
	  $(DDET) sandbox stop; exit $$status

# Validate, plan, confirm, publish to publish.toml's default_target (TARGET=demo to choose).
publish: $(STAMP)
	$(DDET) publish $(if $(TARGET),--target $(TARGET))

# ddet-data validate vs stock frictionless vs a bare typed pyarrow parse, at 500,000 and
# 2,000,000 rows, CSV and Parquet, a tiny package vs importing pyarrow, and the peak
# memory on a 1 GB CSV: every figure the validator has a target for, side by side in one
# run (about 15 minutes; BENCH_ARGS="--turns 1 --skip-frictionless --skip-big" for a quick
# one). Figures go to the terminal; data to bench/out/. The package is compiled to
# bytecode first, as pip compiles an installed one: an editable checkout on a machine
# that sets PYTHONDONTWRITEBYTECODE (this one does) would otherwise compile every module
# again in every process, 0.06 s of a small run, where pyarrow's modules are compiled.
bench: $(STAMP)
	$(BIN)/python -m compileall -q ddet_data
	$(BIN)/python bench/validate_bench.py $(BENCH_ARGS)

lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^ddet-data' > constraints.txt

clean:
	rm -rf $(VENV) .venv-udata .sandbox .pytest_cache .ruff_cache build *.egg-info
