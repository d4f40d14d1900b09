"""What screening several ledgers in one `check` costs: the generated ERP export (10,000 rows by
default) screened against us-ndaa-889 as one ledger, then split into PARTS ledgers screened in
one run into one combined CSV (a `ledger` column), and with --output-dir (one file each).

Run: python benchmarks/bench_cli_ledgers.py [ROWS] [PARTS]
"""

from __future__ import annotations

import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vendorpolicy.testing import erp_export


def check(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "vendorpolicy", "check", "--pack", "us-ndaa-889", *args,
         "--fail-on", "never", "-q"],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def split(export: Path, parts: int) -> list[Path]:
    """The export cut into ``parts`` ledgers of about equal rows, each with the header (the
    export's own bytes, so that its encoding and delimiter stay as they are)."""
    head, *rows = export.read_bytes().splitlines(keepends=True)
    size = -(-len(rows) // parts)
    paths = []
    for i in range(parts):
        path = export.with_name(f"part{i}{export.suffix}")
        path.write_bytes(head + b"".join(rows[i * size : (i + 1) * size]))
        paths.append(path)
    return paths


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    parts = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    with tempfile.TemporaryDirectory() as folder:
        made = erp_export(Path(folder) / "erp", rows=rows)
        mapping = ["--mapping", str(made.mapping)]
        ledgers = [str(p) for p in split(made.export, parts)]
        out = Path(folder) / "out"
        runs = {
            "one ledger, -o results.csv": [str(made.export), *mapping, "-o", f"{out}.csv"],
            f"{parts} ledgers, one combined -o results.csv": [
                *ledgers,
                *mapping,
                "-o",
                f"{out}-combined.csv",
            ],
            f"{parts} ledgers, --output-dir": [*ledgers, *mapping, "--output-dir", str(out)],
        }
        for label, args in runs.items():
            best = min(check(args) for _ in range(2))
            print(f"{label}: {best:.2f} s ({rows / best:,.0f} rows/s, best of 2)")
    print(f"{platform.python_version()} on {platform.machine()}, {platform.processor() or '?'}")


if __name__ == "__main__":
    main()
