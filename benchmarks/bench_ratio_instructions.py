"""Machine instructions per purchase on the shared ratio benchmark, counted by valgrind's
callgrind: a figure the machine's load does not change, which, unlike the Python bytecode count
of ``bench_ratio_split.py``, includes the work done in C (building values, dictionary lookups,
the garbage collector).

Run from the project root, beside the kit (needs ``valgrind`` on the path; a few minutes, most
of it the reference interpreter under callgrind):

    python benchmarks/bench_ratio_instructions.py [KIT] [MODES] [RULES] [PURCHASES]

(defaults: ``../shared/bench``, ``plain,registry``, ``1000``, 200). For each rule set and mode:
the kit's workload, reference interpreter and adapter are set up and warmed up (vendorpolicy
twice over the purchases, so its caches hold them, as in ``ratio.py``'s timed runs), then the
reference and vendorpolicy each decide the same purchases inside their own call of
``operator.call``, which callgrind is told to count (``--toggle-collect``) and to write out
separately (``--dump-after``). Printed: instructions per purchase of each, and their ratio (an
instruction of the reference's is not an instruction of vendorpolicy's in time: compare these
ratios with each other, before and after a change, not with ``ratio.py``'s).
"""

from __future__ import annotations

import operator
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

INNER = "--inner"


def _inner(kit: str, mode: str, rules: str, count: int) -> None:
    """The measured process (under callgrind): one counted region per engine."""
    sys.path.insert(0, kit)
    import vendorpolicy_adapter as adapter  # noqa: PLC0415 - from the kit, found at run time
    from reference import ReferenceEngine  # noqa: PLC0415
    from workload import make_policy, make_world  # noqa: PLC0415

    world = make_world(max(count, 2000))
    policy = make_policy(world, rules)
    engine = adapter.VendorPolicyEngine(world, policy, mode)
    reference = ReferenceEngine(world, policy)
    purchases = world.purchases[:count]
    engine.evaluate_many(purchases)
    engine.evaluate_many(purchases)
    reference.evaluate_many(purchases[:20])
    out: dict[str, Any] = {}
    operator.call(lambda: out.setdefault("reference", reference.evaluate_many(purchases)))
    operator.call(lambda: out.setdefault("vendorpolicy", engine.evaluate_many(purchases)))
    if out["reference"] != out["vendorpolicy"]:
        raise SystemExit("vendorpolicy's decisions differ from the reference's")


def _counted(folder: Path, stem: str) -> list[int]:
    """The instructions of each dumped region, in order (the final dump, outside, is empty)."""
    found = []
    # ``stem.<pid>`` is the last dump (nothing counted after the regions), ``stem.<pid>.<n>``
    # the n-th region's.
    dumps = sorted(folder.glob(f"{stem}.*.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    for path in dumps:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("summary:"):
                found.append(int(line.split()[1]))
                break
    return [n for n in found if n > 0]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == INNER:
        _inner(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    kit = str(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/bench").resolve())
    modes = (sys.argv[2] if len(sys.argv) > 2 else "plain,registry").split(",")
    rules = (sys.argv[3] if len(sys.argv) > 3 else "1000").split(",")
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("bench_ratio_instructions.py needs valgrind on the path")
    print(f"callgrind instructions per purchase, over {count} purchases")
    print("rules | mode | reference | vendorpolicy | ratio")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for rule_set in rules:
            for mode in modes:
                stem = f"{rule_set}-{mode}"
                subprocess.run(  # noqa: S603 - valgrind on this very script
                    [
                        valgrind,
                        "--tool=callgrind",
                        "--collect-atstart=no",
                        "--toggle-collect=_operator_call",
                        "--dump-after=_operator_call",
                        f"--callgrind-out-file={folder / stem}.%p",
                        sys.executable,
                        __file__,
                        INNER,
                        kit,
                        mode,
                        rule_set,
                        str(count),
                    ],
                    check=True,
                    stderr=subprocess.DEVNULL,
                )
                reference, vendorpolicy = _counted(folder, stem)
                print(
                    f"{rule_set} | {mode} | {reference / count:,.0f} | {vendorpolicy / count:,.0f}"
                    f" | {reference / vendorpolicy:.1f}"
                )


if __name__ == "__main__":
    main()
