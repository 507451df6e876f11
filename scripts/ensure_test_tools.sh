#!/usr/bin/env bash
# Install what the release and docs tests need outside .venv, when it is missing:
#   - chromium (Debian package), to open the built documentation site headless;
#   - cffconvert in its own venv .venv-tools/ (cffconvert 2 pins jsonschema<4, which conflicts with frictionless
#     in .venv), to validate CITATION.cff against the Citation File Format schema.
# Idempotent; run by `make test` and, when a tool is missing, by the tests themselves.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
status=0

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
        echo "installing chromium (apt-get)..." >&2
        export DEBIAN_FRONTEND=noninteractive
        { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } >&2 || status=1
    else
        echo "warning: chromium is missing and cannot be installed here (needs apt-get as root)" >&2
        status=1
    fi
fi

if [ ! -x .venv-tools/bin/cffconvert ]; then
    echo "installing cffconvert into .venv-tools/..." >&2
    { "$PYTHON" -m venv .venv-tools && .venv-tools/bin/python -m pip install --quiet 'cffconvert>=2.0,<3'; } >&2 \
        || status=1
fi
exit $status
