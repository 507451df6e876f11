# Yigai — the two contract commands are `make build` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test validate release docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## build: set up the environment, build datapackage/ from sources/ and validate it
build: $(STAMP)
	$(BIN)/yigai build --sources sources --out datapackage
	$(BIN)/yigai validate datapackage

## test: set up the environment (plus chromium and cffconvert for the release tests) and run the test suite
test: $(STAMP)
	-bash scripts/ensure_test_tools.sh
	$(BIN)/python -m pytest -q

validate: $(STAMP)
	$(BIN)/yigai validate datapackage

## release: build, validate and write build/release/<name>-<version>.zip (see docs/releases.md)
release: $(STAMP)
	$(BIN)/yigai release

## docs: regenerate docs/data-dictionary.md and docs/cli.md and build the site into build/site
##       (fetches the CJK font and the Data Docs' assets with npm into build/cache the first time)
docs: $(STAMP)
	$(BIN)/yigai docs --out build/site

clean:
	rm -rf build
