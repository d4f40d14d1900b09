"""The catalog question as one SQL condition (``to_sql_where``), folded and as compiled.

Run: python benchmarks/bench_sql_where.py [--rows N] [--repeat K] [--registry] [PACK ...]

For each rule set (the bundled packs, and the 100-rule set of ``bench_analysis.generated``)
and two buyers (a public ministry and a private shop, the purchase dated 2024-04-01), prints
the length of the condition as compiled (``fold=False``) and folded, the CPU seconds to write
each, and the CPU seconds DuckDB takes to count the rows each selects from a catalog of
``--rows`` rows (default 200,000: vendor ids, countries, designations and categories drawn
from the packs' own), the two runs alternated ``--repeat`` times (default 3) and the least
kept. The two counts must be equal (``same`` is printed); ``--registry`` asks with the bundled
registry. CPU seconds are the process's (``time.process_time``), DuckDB's threads included;
on a shared machine quote them as ratios, with the load average printed at the top.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import duckdb
from bench_analysis import generated

from vendorpolicy import Buyer, RuleSet, bundled_registry, packs, to_sql_where
from vendorpolicy.analysis import Partial

_BUYERS = {
    "ministry": Buyer(id="mic", public=True, sector="central-government"),
    "shop": Buyer(id="shop", public=False, sector="retail"),
}
_VENDORS = ["huawei", "zte", "hikvision", "nec", "fujitsu", "ericsson", "nokia", "x", ""]
_COUNTRIES = ["CN", "JP", "SE", "FI", "US", "RU", "", "cn"]
_CATEGORIES = [
    "telecom/network", "telecom/radio/base-station", "it/server", "video/surveillance/camera",
    "uas/aircraft", "office/supplies", "telecom", "Telecom", "", "unlisted/thing",
]  # fmt: skip


def _catalog(con: duckdb.DuckDBPyConnection, rows: int) -> None:
    def pick(values: list[str], salt: int) -> str:
        listed = ", ".join("'" + v + "'" for v in values)
        return f"[{listed}][1 + (hash(i + {salt}) % {len(values)})::INTEGER]"

    columns = (
        f"{pick(_VENDORS, 1)} AS vendor_id, {pick(_COUNTRIES, 2)} AS vendor_country, "
        "CASE WHEN i % 7 = 0 THEN ['covered'] ELSE []::VARCHAR[] END AS vendor_designations, "
        f"{pick(_CATEGORIES, 3)} AS category"
    )
    query = f"CREATE TABLE catalog AS SELECT {columns} FROM range({rows}) AS t(i)"  # noqa: S608
    con.execute(query)


def _timed(con: duckdb.DuckDBPyConnection, where: str) -> tuple[float, int]:
    start = time.process_time()
    (count,) = con.execute(f"SELECT count(*) FROM catalog WHERE {where}").fetchone() or (0,)  # noqa: S608
    return time.process_time() - start, int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packs", nargs="*")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--registry", action="store_true")
    args = parser.parse_args()
    registry = bundled_registry() if args.registry else None
    sets: list[tuple[str, RuleSet]] = [(n, packs.load(n)) for n in args.packs or packs.names()]
    if not args.packs:
        sets.append(("generated-100", generated(100)))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, load {load:.1f}; {args.rows:,} catalog rows", end="")
    print(", bundled registry" if registry else "")
    print(
        f"{'rule set':22} {'buyer':8} {'length':>8} {'folded':>8} {'ratio':>6} "
        f"{'write s':>8} {'folded':>8} {'query s':>8} {'folded':>8} {'ratio':>6}  rows"
    )
    con = duckdb.connect()
    _catalog(con, args.rows)
    for name, rule_set in sets:
        for who, buyer in _BUYERS.items():
            partial = Partial(buyer=buyer, date=dt.date(2024, 4, 1))
            start = time.process_time()
            plain = to_sql_where(rule_set, partial, registry=registry, fold=False)
            write_plain = time.process_time() - start
            start = time.process_time()
            folded = to_sql_where(rule_set, partial, registry=registry)
            write_folded = time.process_time() - start
            best = [float("inf"), float("inf")]
            counts = set()
            for _ in range(args.repeat):
                for k, where in enumerate((plain, folded)):
                    spent, count = _timed(con, where)
                    best[k] = min(best[k], spent)
                    counts.add(count)
            same = "same" if len(counts) == 1 else f"DIFFER {sorted(counts)}"
            print(
                f"{name:22} {who:8} {len(plain):8} {len(folded):8} "
                f"{len(folded) / len(plain):6.2f} {write_plain:8.3f} {write_folded:8.3f} "
                f"{best[0]:8.3f} {best[1]:8.3f} {best[1] / max(best[0], 1e-9):6.2f}  "
                f"{counts.pop():,} {same}"
            )


if __name__ == "__main__":
    main()
