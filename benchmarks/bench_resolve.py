"""Benchmark: resolve 100,000 ledger names against a registry of 10,000 vendors with 30,000
aliases, and evaluate purchases against it.

Run: ``.venv/bin/python benchmarks/bench_resolve.py`` (options: ``--vendors``, ``--names``).
The registry and ledger are generated from a fixed seed, so runs are comparable. The ledger
mixes names written exactly as an alias, names written differently (case, spacing, punctuation,
another legal form), misspelt names (only similar names exist: fuzzy candidates), and names of
companies that are not in the registry at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import time

from vendorpolicy import (
    Buyer,
    DesignationList,
    Effect,
    Entity,
    Listing,
    Purchase,
    Registry,
    Relation,
    Rule,
    RuleSet,
    vendor,
)

SYLLABLES = [
    "ka", "ro", "zen", "tel", "dyn", "ova", "mar", "lux", "vi", "tor", "sen", "qua", "bri",
    "nex", "ul", "fa", "gor", "pli", "ster", "mon", "ash", "del", "ix", "cor", "wen",
]  # fmt: skip
WORDS = ["Systems", "Technologies", "Telecom", "Electronics", "Networks", "Holding", "Devices"]
FORMS = ["Co., Ltd.", "Inc.", "Corporation", "K.K.", "GmbH", "AB", "Pty Ltd", "LLC", "Limited"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()


def build_registry(rng: random.Random, vendors: int) -> Registry:
    entities = []
    for i in range(vendors):
        core = f"{_word(rng)} {rng.choice(WORDS)}"
        form, other = rng.sample(FORMS, 2)
        aliases = [
            f"{core} {other}",  # the same name with another legal form
            f"{_word(rng)} {_word(rng)}",  # a trading name
            f"{_word(rng)} {rng.choice(WORDS)} {rng.choice(FORMS)}",  # a former name
        ]
        entities.append(Entity(id=f"v{i}", name=f"{core} {form}", aliases=aliases, country="JP"))
    relations = [
        Relation(
            owner=f"v{rng.randrange(0, i)}",
            owned=f"v{i}",
            valid_from=dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000)),
        )
        for i in range(1, vendors)
        if rng.random() < 0.5
    ]
    listed = rng.sample(range(vendors), vendors // 100)
    lists = [
        DesignationList(
            id="bench.covered",
            propagates="subsidiaries-and-affiliates",
            entries=[Listing(entity=f"v{i}", added=dt.date(2018, 8, 13)) for i in listed],
        )
    ]
    return Registry(id="bench", version="1", entities=entities, relations=relations, lists=lists)


def _misspell(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1 :]


def build_ledger(rng: random.Random, registry: Registry, names: int) -> list[str]:
    every = [n for e in registry.entities for n in e.names]
    out = []
    for _ in range(names):
        roll = rng.random()
        name = rng.choice(every)
        if roll < 0.4:
            out.append(name)
        elif roll < 0.8:
            words = name.replace(",", "").replace(".", "").split()
            text = "  ".join(w.upper() if rng.random() < 0.5 else w.lower() for w in words)
            out.append(f"{text}, {rng.choice(FORMS)}")
        elif roll < 0.9:
            out.append(_misspell(rng, name))
        else:
            out.append(f"{_word(rng)} {_word(rng)} {rng.choice(FORMS)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(4)

    t0 = time.perf_counter()
    registry = build_registry(rng, args.vendors)
    t1 = time.perf_counter()
    index = registry.index
    t2 = time.perf_counter()
    ledger = build_ledger(rng, registry, args.names)
    aliases = sum(len(e.names) for e in registry.entities)

    t3 = time.perf_counter()
    matches = [index.resolve(name) for name in ledger]
    t4 = time.perf_counter()
    methods: dict[str, int] = {}
    for m in matches:
        key = "ambiguous" if m.ambiguous else m.method.value
        methods[key] = methods.get(key, 0) + 1

    rules = RuleSet(
        id="bench",
        version="1",
        rules=[Rule(id="covered", when=vendor.designated({"bench.covered"}), effect=Effect.DENY)],
    )
    buyer = Buyer(id="agency", public=True, sector="central-government")
    purchases = [
        Purchase(buyer=buyer, supplier=name, date=dt.date(2021, 4, 1), components=())
        for name in ledger[: args.purchases]
    ]
    t5 = time.perf_counter()
    effects: dict[str, int] = {}
    for p in purchases:
        effect = rules.evaluate(p, registry=registry).effect.name
        effects[effect] = effects.get(effect, 0) + 1
    t6 = time.perf_counter()

    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(
        f"registry: {len(registry.entities):,} vendors, {aliases - len(registry.entities):,} "
        f"aliases besides the legal names, {len(registry.relations):,} relations"
    )
    print(f"build registry (validation, cycle check): {t1 - t0:6.2f} s")
    print(f"build name index:                         {t2 - t1:6.2f} s")
    print(
        f"resolve {len(ledger):,} ledger names:            {t4 - t3:6.2f} s "
        f"({len(ledger) / (t4 - t3):,.0f} names/s)"
    )
    print("  by method: " + ", ".join(f"{k} {v:,}" for k, v in sorted(methods.items())))
    print(
        f"evaluate {len(purchases):,} purchases with the registry: {t6 - t5:6.2f} s "
        f"({len(purchases) / (t6 - t5):,.0f} purchases/s)"
    )
    print("  effects: " + ", ".join(f"{k} {v:,}" for k, v in sorted(effects.items())))


if __name__ == "__main__":
    main()
