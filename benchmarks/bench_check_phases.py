"""Where the time of ``vendorpolicy check`` goes, on ``bench_bulk.py``'s ledger and rule set.

Run: python benchmarks/bench_check_phases.py [ROWS] [--bytecodes N] [--profile]

Prints the CPU time of each phase of the command: start-up (importing the command line, in a
process of its own, with and without a bytecode cache), setup (the rule file, the bundled
registry, the ledger's header), the bulk writer's first pass over the ledger (learning
included) and a second pass with everything learnt (same screener, same ledger), each the
best of three. ``--bytecodes N`` also counts the Python bytecode instructions per row of both
passes over the first N rows (traced: slow, but the load does not change it); ``--profile``
prints the 25 functions with the most time of a first pass under ``cProfile``. The passes
write to a file in a temporary directory, and the second pass's file must be the first's.
"""

from __future__ import annotations

import cProfile
import io
import itertools
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _counting import bytecodes
from bench_bulk import machine, rules_100
from bench_ledger import generate

from vendorpolicy import ColumnMapping, bundled_registry, load_rule_set, save_rule_set, screen
from vendorpolicy._bulk import BulkRows, BulkRun, _write


def start_up(env: dict[str, str]) -> float:
    """CPU seconds of a process that imports the command line and stops."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-c", "import vendorpolicy._cli"]
    subprocess.run(command, check=True, env=env)  # noqa: S603 - our own module
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def passes(rules: Path, ledger: Path, out: Path) -> tuple[float, float, float, bool]:
    """Setup, first pass and second pass, in CPU seconds, and whether the files agree."""
    start = time.process_time()
    rule_set = load_rule_set(rules)
    registry = bundled_registry()
    run = screen(rule_set, BulkRows(ledger, mapping=ColumnMapping()), registry=registry)
    assert isinstance(run, BulkRun)
    setup = time.process_time() - start
    with out.open("w", encoding="utf-8", newline="") as handle:
        start = time.process_time()
        run.write(handle, format="csv", keep=())
        first = time.process_time() - start
    again = BulkRows(ledger, mapping=ColumnMapping())
    second_out = out.with_suffix(".again.csv")
    with second_out.open("w", encoding="utf-8", newline="") as handle:
        start = time.process_time()
        _write(run.screener, again.records, handle, "csv", ())
        second = time.process_time() - start
    again.close()
    return setup, first, second, out.read_bytes() == second_out.read_bytes()


def main() -> int:
    args = sys.argv[1:]
    rows = int(args[0]) if args and args[0].isdigit() else 100_000
    traced = int(args[args.index("--bytecodes") + 1]) if "--bytecodes" in args else 0
    with tempfile.TemporaryDirectory() as tmp:
        ledger, rules, out = Path(tmp) / "ledger.csv", Path(tmp) / "rules.toml", Path(tmp) / "out"
        save_rule_set(rules_100(), rules)
        generate(ledger, rows, (rows // 7, rows // 2, rows - 5))
        plain = dict(os.environ)
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        start_up(cached)  # fills the cache
        compiled = min(start_up(plain) for _ in range(3))
        cache = min(start_up(cached) for _ in range(3))
        runs = [passes(rules, ledger, out.with_suffix(".csv")) for _ in range(3)]
        setup, first, second = (min(r[i] for r in runs) for i in range(3))
        same = all(r[3] for r in runs)
        print(f"check phases, {rows:,} rows, 100 rules, bundled registry (CPU s, best of 3):")
        print(f"  start-up (import): {compiled:.3f} compiling the modules"
              f"{' (as this environment runs)' if sys.flags.dont_write_bytecode else ''}, "
              f"{cache:.3f} with a bytecode cache")  # fmt: skip
        print(f"  setup (rules, registry, header): {setup:.3f}")
        print(f"  first pass: {first:.3f} ({rows / first:,.0f} rows per CPU second)")
        print(f"  second pass, everything learnt: {second:.3f} ({rows / second:,.0f} rows per "
              f"CPU second); result files {'identical' if same else 'DIFFER'}")  # fmt: skip
        if traced:
            prefix = Path(tmp) / "prefix.csv"
            with ledger.open(encoding="utf-8") as handle:
                prefix.write_text("".join(itertools.islice(handle, traced + 1)), "utf-8")
            run = screen(
                load_rule_set(rules),
                BulkRows(prefix, mapping=ColumnMapping()),
                registry=bundled_registry(),
            )
            assert isinstance(run, BulkRun)
            a = bytecodes(lambda: run.write(io.StringIO(), format="csv", keep=()))
            again = BulkRows(prefix, mapping=ColumnMapping())
            b = bytecodes(lambda: _write(run.screener, again.records, io.StringIO(), "csv", ()))
            print(f"  bytecodes per row (first {traced:,} rows): first pass {a / traced:.0f}, "
                  f"second pass {b / traced:.0f}")  # fmt: skip
        if "--profile" in args:
            run = screen(
                load_rule_set(rules),
                BulkRows(ledger, mapping=ColumnMapping()),
                registry=bundled_registry(),
            )
            assert isinstance(run, BulkRun)
            profile = cProfile.Profile()
            profile.runcall(run.write, io.StringIO(), format="csv", keep=())
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    print(f"machine: {machine()}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
