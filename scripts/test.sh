#!/usr/bin/env bash
# Set up a virtual environment with the test extras, then run every check: ruff, mypy, pytest.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
# The extras CI must cover, installed in one pip run (one resolution, one editable build of
# vendorpolicy). The install is editable, so a change under src/ needs none; it is redone when
# pyproject.toml (dependencies, entry points, package data) changes, which the stamp records.
extras="test,excel,parquet,arrow,duckdb,frames,spark"
stamp=".venv/.installed-$(cat pyproject.toml scripts/test.sh | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    # Editable installs from pyproject.toml (PEP 660) need pip 21.3; a newer one is not needed.
    .venv/bin/python -m pip install --quiet "pip>=21.3"
    .venv/bin/python -m pip install --quiet -e ".[$extras]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
# Spark (vendorpolicy.extra.spark) runs in local mode on a JVM: tests/test_spark.py needs java.
command -v java >/dev/null || { echo "scripts/test.sh: java is needed for the Spark tests (install a JDK 17)" >&2; exit 1; }
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/ruff format --check src tests benchmarks scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
