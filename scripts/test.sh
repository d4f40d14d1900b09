#!/usr/bin/env bash
# Set up a virtual environment with the test extras, then run every check: ruff, mypy, pytest.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test,excel,parquet,arrow]"
.venv/bin/python -m pip install --quiet -e ".[duckdb,frames]"
# Spark (vendorpolicy.extra.spark) runs in local mode on a JVM: tests/test_spark.py needs java.
.venv/bin/python -m pip install --quiet -e ".[spark]"
command -v java >/dev/null || { echo "scripts/test.sh: java is needed for the Spark tests (install a JDK 17)" >&2; exit 1; }
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/ruff format --check src tests benchmarks scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
