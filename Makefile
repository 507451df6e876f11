# Yigai — the two contract commands are `make build` and `make test` (see README.md).
# The environment .venv is installed from the lock file requirements/dev.lock (exact versions, with hashes), then
# the package itself without dependencies; `make lock` regenerates the lock files from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/dev.lock
RELEASE_LOCK := requirements/release.lock
BASE_LOCK := requirements/base.lock
# Passed to `uv pip compile`: e.g. `make lock LOCK_FLAGS=--upgrade` moves every pin to the newest allowed version.
LOCK_FLAGS ?=
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 --quiet

.PHONY: build test setup validate release docs dist lock clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## setup: create .venv from the lock file (done by every target that needs it)
setup: $(STAMP)

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

## dist: build the wheel (with the suites and the agency registry bundled) into dist/
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir dist .

## lock: regenerate from pyproject.toml requirements/dev.lock (every extra), and at the same pins
## requirements/release.lock (what a release is made with: base, build, validate) and requirements/base.lock
lock: $(STAMP)
	$(UV_COMPILE) --all-extras $(LOCK_FLAGS) -o $(LOCK)
	$(UV_COMPILE) --extra build --extra validate -c $(LOCK) -o $(RELEASE_LOCK)
	$(UV_COMPILE) -c $(LOCK) -o $(BASE_LOCK)

clean:
	rm -rf build dist
