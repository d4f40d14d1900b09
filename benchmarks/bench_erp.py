"""Screen the generated 10,000-row ERP export against us-ndaa-889, first as exported (one
mapping file), then with its facts, components file and vendor master: the REVIEW share and
what the summary says is missing, end to end from the command line.

Run: python benchmarks/bench_erp.py [ROWS]
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vendorpolicy.testing import erp_export


def run(args: list[str]) -> tuple[dict[str, object], float]:
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "vendorpolicy", "check", "--pack", "us-ndaa-889", *args,
         "--summary-format", "json", "--fail-on", "never"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    return json.loads(done.stderr), elapsed


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        plain = erp_export(Path(folder) / "plain", rows=rows)
        full = erp_export(Path(folder) / "full", rows=rows, facts=True)
        runs = {
            "as exported": (plain, []),
            "with facts, components and vendor master": (
                full,
                ["--components", str(full.components), "--all-components",
                 "--registry", str(full.vendors)],
            ),
        }  # fmt: skip
        for label, (export, extra) in runs.items():
            out = export.export.parent / "out.csv"
            summary, elapsed = run(
                [str(export.export), "--mapping", str(export.mapping), "-o", str(out), *extra]
            )
            effects = summary["effects"]
            assert isinstance(effects, dict)
            review = effects.get("review", 0) / rows
            print(f"{label}: {effects}, {summary['errors']} errors; review {review:.1%}; "
                  f"{elapsed:.1f} s ({rows / elapsed:,.0f} rows/s)")  # fmt: skip
            missing = summary["missing_facts"]
            assert isinstance(missing, list)
            for item in missing[:5]:
                print(f"    missing {item['fact']}: {item['decisions']}")
    print(f"{platform.python_version()} on {platform.machine()}, {platform.processor() or '?'}")


if __name__ == "__main__":
    main()
