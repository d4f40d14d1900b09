"""Screen a generated 100,000-row CSV ledger with 3 broken rows, end to end from the command line.

Run: python benchmarks/bench_ledger.py [ROWS]

Writes the ledger to a temporary directory, runs ``vendorpolicy check`` on it with the bundled
example rule file and CSV output, checks the result (one record per row, 3 error records, exit
code 3) and prints wall time and rows per second.
"""

from __future__ import annotations

import csv
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RULES = Path(__file__).parent.parent / "src" / "vendorpolicy" / "data" / "jp-gov-2018-example.toml"
HEADER = [
    "id",
    "date",
    "buyer_id",
    "buyer_public",
    "buyer_sector",
    "buyer_country",
    "vendor_id",
    "vendor_name",
    "vendor_country",
    "vendor_designations",
    "category",
    "value",
    "currency",
    "facts.system-scope",
]
BUYERS = [
    ("mic", "true", "central-government"),
    ("mod", "true", "defence"),
    ("city-a", "true", "local-government"),
    ("carrier-a", "false", "carrier"),
    ("shop", "false", "retail"),
]
VENDORS = [
    ("huawei", "Huawei", "CN", "supply-chain-concern"),
    ("zte", "ZTE", "CN", "supply-chain-concern"),
    ("nec", "NEC", "JP", ""),
    ("fujitsu", "Fujitsu", "JP", ""),
    ("lenovo", "Lenovo", "HK", ""),
    ("cisco", "Cisco", "US", ""),
]
CATEGORIES = ["telecom/network/router", "telecom/radio", "it/server", "it/endpoint", "office"]
SCOPES = ["", "general", "confidential", "core-infrastructure"]


def generate(path: Path, rows: int, broken: tuple[int, ...]) -> None:
    rnd = random.Random(2018)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            buyer = rnd.choice(BUYERS)
            vendor = rnd.choice(VENDORS)
            row = [
                f"po-{i:06d}",
                f"20{rnd.randint(18, 24)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                *buyer,
                "JP",
                *vendor,
                rnd.choice(CATEGORIES),
                str(rnd.randint(1, 10**8)),
                "JPY",
                rnd.choice(SCOPES),
            ]
            if i in broken:  # three kinds of damage: a typo, a bad country, a bad date
                kind = broken.index(i)
                if kind == 0:
                    row[3] = "ture"
                elif kind == 1:
                    row[8] = "CNN"
                else:
                    row[1] = "2019-02-30"
            writer.writerow(row)


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    broken = (rows // 7, rows // 2, rows - 5)
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger.csv"
        output = Path(tmp) / "results.csv"
        generate(ledger, rows, broken)
        size = ledger.stat().st_size
        command = [
            sys.executable,
            "-m",
            "vendorpolicy",
            "check",
            str(RULES),
            str(ledger),
            "--output",
            str(output),
            "--quiet",
        ]
        start = time.perf_counter()
        done = subprocess.run(command, check=False)  # noqa: S603 - our own module
        elapsed = time.perf_counter() - start
        with output.open(encoding="utf-8", newline="") as handle:
            records = list(csv.DictReader(handle))
    errors = sum(r["status"] == "error" for r in records)
    decisions = sum(r["status"] == "decided" for r in records)
    print(
        f"ledger: {rows:,} rows, {size / 1e6:.1f} MB, broken rows at lines "
        f"{', '.join(str(b + 2) for b in broken)}"
    )
    print(f"exit code {done.returncode}; {decisions:,} decisions, {errors} error records")
    print(f"wall time {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s (end to end, one process)")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    ok = done.returncode == 3 and errors == 3 and decisions == rows - 3
    print("result as expected" if ok else "UNEXPECTED RESULT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
