"""Where a decision's time goes on the shared ratio benchmark, and the ratio's ceiling.

Run from the project root: python benchmarks/bench_ratio_split.py [KIT] [PURCHASES] [RULES]
(defaults: ``../shared/bench``, 5000, ``small,large``; RULES as ``ratio.py --rules``).

Uses the kit's own workload, reference interpreter and adapter (``vendorpolicy_adapter``) in
``prebuilt``, ``plain`` and ``registry`` mode, and prints microseconds per purchase, each the
best of several runs over the same purchases (the kit's ``ratio.py`` gives the medians; compare
its ratios):

- ``reference``: the reference interpreter's decision;
- ``vendorpolicy``: the benchmark's whole timed work (build the values, ``RuleSet.evaluate``,
  read ``effect`` and every ``matched`` rule id);
- ``harness``: the same loop with ``Money``, ``Purchase`` (and in ``plain`` and ``registry``
  mode ``Buyer`` and ``Vendor``) replaced by plain slotted classes that check nothing, and
  ``evaluate`` by a list lookup of an answer of the same shape: what the benchmark itself does
  per purchase, which no change to vendorpolicy can remove;
- ``values``, ``evaluate``, ``read``: building the validated values (over the harness's own
  building), ``RuleSet.evaluate`` on purchases built just before, and reading the decisions;
- ``ceiling``: reference / harness, the ratio a vendorpolicy that cost nothing would reach;
- ``bytecodes``: Python bytecode instructions per purchase of the whole timed work, and of the
  harness's, counted by a tracer over the first purchases: a count the machine's load does not
  change (work done in C, such as setting a slot or a dictionary lookup, counts as the one
  instruction that calls it).
"""

from __future__ import annotations

import gc
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _counting import bytecodes

RUNS = 7
#: Purchases whose bytecode instructions are counted (tracing is slow).
COUNTED = 500


def _best(work: Callable[[], Any], count: int, runs: int = RUNS) -> float:
    """Microseconds per item of the fastest of ``runs`` runs of ``work`` over ``count`` items."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times) / count * 1e6


def _instructions(work: Callable[[], Any], count: int) -> float:
    """Python bytecode instructions per item executed by ``work`` over ``count`` items (the
    frames it calls, not its own)."""
    return bytecodes(work) / count


class _PlainBuyer:
    """What the benchmark builds, as classes that check nothing."""

    __slots__ = ("country", "id", "name", "public", "sector")

    def __init__(self, *, id: Any, public: Any, sector: Any, name: Any, country: Any) -> None:  # noqa: A002
        self.id = id
        self.public = public
        self.sector = sector
        self.name = name
        self.country = country


class _PlainVendor:
    __slots__ = ("country", "designations", "id", "name", "parent")

    def __init__(
        self,
        *,
        id: Any,  # noqa: A002
        name: Any = "",
        country: Any = None,
        parent: Any = None,
        designations: Any = frozenset(),
    ) -> None:
        self.id = id
        self.name = name
        self.country = country
        self.parent = parent
        self.designations = designations


class _PlainMoney:
    __slots__ = ("amount", "currency")

    def __init__(self, *, amount: Any, currency: str) -> None:
        self.amount = amount
        self.currency = currency


class _PlainPurchase:
    __slots__ = ("buyer", "category", "date", "id", "value", "vendor")

    def __init__(
        self,
        *,
        buyer: Any,
        vendor: Any,
        category: Any,
        date: Any,
        value: Any,
        id: Any,  # noqa: A002
    ) -> None:
        self.buyer = buyer
        self.vendor = vendor
        self.category = category
        self.date = date
        self.value = value
        self.id = id


class _Answer:
    __slots__ = ("effect", "matched")


class _Matched:
    __slots__ = ("rule",)


def _answers(decisions: list[Any]) -> list[_Answer]:
    """Answers shaped like the decisions (``effect``, ``matched`` items with ``rule``)."""
    out = []
    for d in decisions:
        answer = _Answer()
        answer.effect = d.effect
        items = []
        for r in d.matched:
            item = _Matched()
            item.rule = r.rule
            items.append(item)
        answer.matched = tuple(items)
        out.append(answer)
    return out


def _split(adapter: Any, engine: Any, reference: Any, purchases: list[Any]) -> dict[str, float]:
    n = len(purchases)
    engine.evaluate_many(purchases)  # warm: every class seen, every outcome decoded
    request, call, decode = engine.request, engine.call, engine.decode
    decisions = [call(request(p)) for p in purchases]
    out = {
        "reference": _best(lambda: reference.evaluate_many(purchases), n, 3),
        "vendorpolicy": _best(lambda: engine.evaluate_many(purchases), n),
    }
    values = _best(lambda: [request(p) for p in purchases], n)

    def evaluate_fresh() -> float:
        times = []
        for _ in range(RUNS):
            built = [request(p) for p in purchases]
            gc.collect()
            start = time.perf_counter()
            for q in built:
                call(q)
            times.append(time.perf_counter() - start)
        return min(times) / n * 1e6

    out["evaluate"] = evaluate_fresh()
    out["read"] = _best(lambda: [decode(d) for d in decisions], n)
    counted = purchases[:COUNTED]
    out["bytecodes"] = _instructions(lambda: engine.evaluate_many(counted), len(counted))
    kept = {name: getattr(adapter, name) for name in ("Money", "Purchase", "Buyer", "Vendor")}
    answers = _answers(decisions)
    try:
        adapter.Money, adapter.Purchase = _PlainMoney, _PlainPurchase
        adapter.Buyer, adapter.Vendor = _PlainBuyer, _PlainVendor
        following = iter(answers * (RUNS + 2)).__next__
        engine.call = lambda _: following()
        out["harness"] = _best(lambda: engine.evaluate_many(purchases), n)
        out["harness bytecodes"] = _instructions(
            lambda: engine.evaluate_many(counted), len(counted)
        )
        plain_values = _best(lambda: [request(p) for p in purchases], n)
    finally:
        for name, value in kept.items():
            setattr(adapter, name, value)
        engine.call = call
    out["values"] = values - plain_values
    out["ceiling"] = out["reference"] / out["harness"]
    out["ratio"] = out["reference"] / out["vendorpolicy"]
    return out


def main() -> None:
    kit = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/bench").resolve()
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    rules = (sys.argv[3] if len(sys.argv) > 3 else "small,large").split(",")
    sys.path.insert(0, str(kit))
    import vendorpolicy_adapter as adapter  # noqa: PLC0415 - from the kit, found at run time
    from reference import ReferenceEngine  # noqa: PLC0415
    from workload import make_policy, make_world  # noqa: PLC0415

    world = make_world(count)
    purchases = world.purchases
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, python "
        f"{platform.python_version()}, load average {load:.1f}; {count} purchases"
    )
    print("us per purchase (best of runs)")
    header = ("rules", "mode", "reference", "vendorpolicy", "harness", "values", "evaluate")
    print(" | ".join(header) + " | read | ratio | ceiling | bytecodes (harness)")
    for name in rules:
        policy = make_policy(world, name)
        reference = ReferenceEngine(world, policy)
        for mode in ("prebuilt", "plain", "registry"):
            engine = adapter.VendorPolicyEngine(world, policy, mode)
            s = _split(adapter, engine, reference, purchases)
            print(
                f"{len(policy['rules'])} | {mode} | {s['reference']:.2f} | {s['vendorpolicy']:.2f}"
                f" | {s['harness']:.2f} | {s['values']:.2f} | {s['evaluate']:.2f}"
                f" | {s['read']:.2f} | {s['ratio']:.1f} | {s['ceiling']:.1f}"
                f" | {s['bytecodes']:.0f} ({s['harness bytecodes']:.0f})"
            )


if __name__ == "__main__":
    main()
