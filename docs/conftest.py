"""Fixtures for the examples in these pages (each page is one doctest)."""

from __future__ import annotations

import gc
import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest

#: Warnings pyspark and py4j give that are not ours: distutils' LooseVersion (pyspark's pandas
#: check) and the sockets py4j leaves to the garbage collector.
_SPARK_WARNINGS = (
    "ignore:distutils Version classes are deprecated:DeprecationWarning",
    "ignore::ResourceWarning",
    "ignore::pytest.PytestUnraisableExceptionWarning",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name == "spark.md":
            for spec in _SPARK_WARNINGS:
                item.add_marker(pytest.mark.filterwarnings(spec))


@pytest.fixture(autouse=True)
def _spark(request: pytest.FixtureRequest, doctest_namespace: dict[str, Any]) -> Iterator[None]:
    """``spark``, a local Spark session, for the page on Spark; the page is skipped without
    pyspark or java."""
    if request.node.path.name != "spark.md":
        yield
        return
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java, and `java` is not on PATH")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("vendorpolicy-docs")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    doctest_namespace["spark"] = session
    yield
    session.stop()
    gc.collect()
