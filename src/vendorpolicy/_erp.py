"""A generated purchase export in the shape SAP and Oracle systems write: the ERP's own column
names, its codes for material groups (UNSPSC-style), purchasing organisations and company
codes, supplier numbers with free-text names, and a mapping file that screens it.

It is what a new user tries first, so the docs, the tests and ``benchmarks/bench_erp.py`` screen
it. The suppliers are fictional except for makers that the bundled registry lists (named as the
registry names them), and the codes are illustrative: they are not taken from a real company's
chart of material groups.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
from decimal import Decimal
from pathlib import Path
from typing import Literal

from attrs import frozen

__all__ = ["ErpExport", "erp_export"]

#: Purchasing organisations: code -> (buyer id, public, sector, share of the rows).
ORGS: dict[str, tuple[str, bool, str, float]] = {
    "1100": ("us-army-contracting", True, "defence", 0.30),
    "1200": ("us-gsa-region-4", True, "central-government", 0.20),
    "2100": ("state-dot", True, "local-government", 0.20),
    "2200": ("county-hospital", True, "healthcare", 0.10),
    "3100": ("northwind-corp", False, "enterprise", 0.20),
}
#: Company codes: code -> buyer country; each purchasing org buys for one company code.
COMPANY_CODES = {"1000": "US", "2000": "US", "3000": "US"}
ORG_COMPANY = {"1100": "1000", "1200": "1000", "2100": "2000", "2200": "2000", "3100": "3000"}

#: Material groups: code -> (category path, short texts, net value range in USD).
MATERIAL_GROUPS: dict[str, tuple[str, tuple[str, ...], tuple[int, int]]] = {
    "43222609": ("telecom/network/router", ("edge router", "core router"), (2_000, 90_000)),
    "43222612": ("telecom/network/switch", ("access switch 48p", "core switch"), (800, 40_000)),
    "43222640": ("telecom/network", ("wireless access point", "network tap"), (150, 2_500)),
    "43191501": ("telecom/endpoint/handset", ("mobile phone", "rugged phone"), (150, 1_200)),
    "43191510": ("telecom/radio/handset", ("two-way radio", "radio handset"), (300, 2_000)),
    "46171610": ("video/surveillance/camera", ("IP camera", "dome camera"), (90, 1_500)),
    "46171619": ("video/surveillance/recorder", ("network video recorder",), (400, 6_000)),
    "43211503": ("it/endpoint/laptop", ("notebook 14in", "notebook 15in"), (700, 3_000)),
    "43211507": ("it/endpoint/desktop", ("desktop PC", "workstation"), (600, 4_000)),
    "43211501": ("it/server", ("rack server", "blade server"), (3_000, 60_000)),
    "43232": ("it/software", ("licence renewal", "subscription"), (100, 50_000)),
    "56": ("office/furniture", ("desk", "office chair", "cabinet"), (80, 3_000)),
    "44": ("office/supplies", ("paper A4", "toner", "pens"), (5, 800)),
    "80": ("other/professional-services", ("consulting", "audit"), (1_000, 200_000)),
    "78": ("other/travel", ("air fare", "hotel"), (100, 5_000)),
    "15": ("other/fuel", ("diesel", "heating oil"), (200, 20_000)),
}
#: Codes the export writes for the prefix groups (an ERP writes full 8-digit codes).
PREFIX_CODES = {
    "43232": ("43232101", "43232304"),
    "56": ("56101703", "56112102"),
    "44": ("44121618", "44103103"),
    "80": ("80101505", "80111601"),
    "78": ("78111502", "78111803"),
    "15": ("15101505", "15101506"),
}

_NETWORK = ("43222609", "43222612", "43222640")
_DEVICES = ("43211503", "43211507", "43211501")
_GENERAL = ("43232", "56", "44", "80", "78", "15")

#: Suppliers: vendor number -> (name as the ERP has it, country, material groups, listed in
#: the bundled registry, weight). Fictional unless listed. The vendor master
#: (:attr:`ErpExport.vendors`) has every other supplier but the one-time vendors (``9…``), whom
#: nobody can identify.
SUPPLIERS: dict[str, tuple[str, str, tuple[str, ...], bool, int]] = {
    "100001": ("Huawei Technologies Co., Ltd.", "CN", (*_NETWORK, "43191501"), True, 2),
    "100002": ("ZTE USA", "US", (*_NETWORK, "43191501"), True, 1),
    "100003": ("Hikvision USA Inc.", "US", ("46171610", "46171619"), True, 2),
    "100004": ("Dahua Technology USA Inc.", "US", ("46171610", "46171619"), True, 1),
    "100005": ("Hytera America, Inc.", "US", ("43191510",), True, 1),
    "100006": ("Huawei Device Co., Ltd.", "CN", ("43211503",), True, 1),
    "200001": ("Bluebird Networks Inc.", "US", _NETWORK, False, 6),
    "200002": ("Kestrel Switching GmbH", "DE", _NETWORK, False, 3),
    "200003": ("Harbor Mobile LLC", "US", ("43191501", "43191510"), False, 4),
    "200004": ("Lumen Optics Security Ltd.", "GB", ("46171610", "46171619"), False, 3),
    "200005": ("Fabrikam Computers Inc.", "US", _DEVICES, False, 8),
    "200006": ("Tohoku Devices K.K.", "JP", _DEVICES, False, 4),
    "200007": ("Shenzhen Brightway Electronics Co.", "CN", _DEVICES, False, 2),
    "200008": ("Contoso Software Corp.", "US", ("43232",), False, 6),
    "200009": ("Adatum Office Furniture", "US", ("56",), False, 5),
    "200010": ("Paperclip Supplies Co.", "US", ("44",), False, 8),
    "200011": ("Wide World Consulting LLP", "US", ("80",), False, 5),
    "200012": ("Margie's Travel", "US", ("78",), False, 4),
    "200013": ("Coho Fuels Inc.", "US", ("15",), False, 3),
    "200014": ("Proseware Data Systems", "US", (*_DEVICES, "43232"), False, 4),
    "900001": ("One-time vendor: Tailspin Trading", "US", ("43222640", "43211503", "44"), False, 1),
}
#: Parts a device or network item declares: maker (supplier number or a registry name),
#: category, description, essential. A part of a listed maker makes the item covered.
PARTS: dict[str, tuple[tuple[str, str, str, bool], ...]] = {
    "43211503": (
        ("Fabrikam Computers Inc.", "it/component/cpu", "processor", True),
        ("Huawei Technologies Co., Ltd.", "telecom/component/lte-module", "LTE modem", True),
        ("Tohoku Devices K.K.", "telecom/component/lte-module", "LTE modem", True),
    ),
    "43211507": (("Fabrikam Computers Inc.", "it/component/cpu", "processor", True),),
    "43211501": (
        ("Proseware Data Systems", "it/component/memory", "memory modules", False),
        ("Kestrel Switching GmbH", "telecom/component/optics", "optical transceiver", True),
    ),
    "43222609": (("Kestrel Switching GmbH", "telecom/component/optics", "optics", True),),
    "43222612": (("Bluebird Networks Inc.", "telecom/component/chipset", "switch ASIC", True),),
    "43222640": (("Bluebird Networks Inc.", "telecom/component/chipset", "radio chipset", True),),
    "43191501": (("Harbor Mobile LLC", "telecom/component/chipset", "baseband", True),),
    "43191510": (("Harbor Mobile LLC", "telecom/component/chipset", "baseband", True),),
    "46171610": (("Lumen Optics Security Ltd.", "video/surveillance/component", "sensor", True),),
    "46171619": (("Proseware Data Systems", "it/component/memory", "storage", False),),
}
#: Uses of equipment (a column of the export's facts variant) -> purpose.
USES = {
    "SEC": "government-facility-security",
    "PS": "public-safety",
    "OFF": "office-use",
    "NET": "network-operations",
}

Dialect = Literal["plain", "sap"]


@frozen(kw_only=True)
class ErpExport:
    """The files :func:`erp_export` wrote."""

    #: The purchase export.
    export: Path
    #: The mapping file that screens it (``vendorpolicy check --mapping``).
    mapping: Path
    #: The buyer's vendor master, a registry CSV of the suppliers the bundled registry does not
    #: list; written with ``facts=True``.
    vendors: Path | None
    #: The components file (parts of devices and network items, by purchase id); written with
    #: ``facts=True``.
    components: Path | None
    rows: int


def erp_export(
    folder: str | os.PathLike[str],
    *,
    rows: int = 10_000,
    seed: int = 0,
    facts: bool = False,
    dialect: Dialect = "plain",
) -> ErpExport:
    """Write an ERP-style purchase export of ``rows`` rows into ``folder``, with its mapping file.

    The export has the columns an SAP or Oracle purchasing report gives (``PO Number``,
    ``Item``, ``PO Date``, ``Purchasing Org``, ``Company Code``, ``Supplier``, ``Supplier
    Name``, ``Supplier Country``, ``Material Group``, ``Short Text``, ``Net Value``,
    ``Currency``). With ``facts``, it also has the columns that settle what the first run
    leaves open (``Fund``, the funding source; ``Use``, what the equipment is for; ``889 Rep``,
    the supplier's §889 Part B representation), and :attr:`ErpExport.components` and
    :attr:`ErpExport.vendors` are written. ``dialect="sap"`` writes what a German-locale SAP
    download gives: ``;`` between cells, cp1252 text, dates as ``31.12.2020``, amounts as
    ``1.016,20`` and credit memos as negative amounts (``1.016,20-``).
    """
    base = Path(folder)
    base.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)  # noqa: S311 - generated test data, not secrets
    sap = dialect == "sap"
    header = [
        "PO Number",
        "Item",
        "PO Date",
        "Purchasing Org",
        "Company Code",
        "Supplier",
        "Supplier Name",
        "Supplier Country",
        "Material Group",
        "Short Text",
        "Net Value",
        "Currency",
    ]
    if facts:
        header += ["Fund", "Use", "889 Rep"]
    orgs = list(ORGS)
    org_weights = [ORGS[o][3] for o in orgs]
    suppliers = list(SUPPLIERS)
    supplier_weights = [SUPPLIERS[s][4] for s in suppliers]
    start = dt.date(2019, 1, 2)
    span = (dt.date(2025, 12, 31) - start).days
    export = base / "export.csv"
    parts: list[list[str]] = []
    with export.open("w", encoding="cp1252" if sap else "utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";" if sap else ",", lineterminator="\n")
        out.writerow(header)
        po = 4500000000
        item = 0
        for n in range(rows):
            if n == 0 or rnd.random() < 0.6:
                po += 1
                item = 10
            else:
                item += 10
            org = rnd.choices(orgs, org_weights)[0]
            supplier = rnd.choices(suppliers, supplier_weights)[0]
            name, country, groups, listed, _ = SUPPLIERS[supplier]
            group = rnd.choice(groups)
            category, texts, (low, high) = MATERIAL_GROUPS[group]
            code = rnd.choice(PREFIX_CODES[group]) if group in PREFIX_CODES else group
            date = start + dt.timedelta(days=rnd.randrange(span))
            cents = rnd.randrange(low * 100, high * 100)
            amount = Decimal(cents) / 100
            if sap and rnd.random() < 0.02:
                amount = -amount  # a credit memo
            text = rnd.choice(texts)
            if sap and rnd.random() < 0.05:
                text += " für Büro"  # cp1252 text
            row = [
                str(po),
                f"{item:05d}",
                date.strftime("%d.%m.%Y") if sap else date.isoformat(),
                org,
                ORG_COMPANY[org],
                supplier,
                name,
                country,
                code,
                text,
                _german(amount) if sap else f"{amount:.2f}",
                "USD",
            ]
            purchase_id = f"{po}-{item:05d}"
            if facts:
                row += _facts_cells(rnd, org, category, listed)
                parts.extend(_parts(rnd, purchase_id, group, name))
            out.writerow(row)
    mapping = base / "mapping.toml"
    mapping.write_text(_mapping_text(facts=facts, sap=sap), encoding="utf-8")
    vendors = _write_vendors(base / "vendors.csv") if facts else None
    components = _write_components(base / "components.csv", parts) if facts else None
    return ErpExport(
        export=export, mapping=mapping, vendors=vendors, components=components, rows=rows
    )


def _german(amount: Decimal) -> str:
    """An amount as a German-locale SAP download writes it: ``1.016,20``, ``1.016,20-``."""
    text = f"{abs(amount):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text + ("-" if amount < 0 else "")


def _write_vendors(path: Path) -> Path:
    """The buyer's vendor master: the suppliers the bundled registry does not list."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["id", "name", "country"])
        for number, (name, country, _, listed, _) in SUPPLIERS.items():
            if not listed and not number.startswith("9"):
                out.writerow([f"v{number}", name, country])
    return path


def _write_components(path: Path, parts: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["purchase_id", "maker", "category", "description", "facts.essential"])
        out.writerows(parts)
    return path


def _facts_cells(rnd: random.Random, org: str, category: str, listed: bool) -> list[str]:
    """``Fund``, ``Use`` and ``889 Rep`` for one row, as a buyer's records would give them."""
    public_other = org in ("2100", "2200")
    fund = ""
    if public_other:
        fund = rnd.choice(("FG", "FG", "OWN", "FL"))
    elif org == "3100":
        fund = rnd.choice(("OWN", "OWN", "OWN", "FG"))
    use = "OFF"
    if category.startswith("video"):
        use = rnd.choice(("SEC", "PS", "OFF"))
    elif category.startswith("telecom"):
        use = rnd.choice(("NET", "OFF"))
    # The Part B representation: a supplier that is itself a listed maker represents that it
    # uses covered equipment; one supplier in fifty of the others does too.
    rep = "Y" if listed or rnd.random() < 0.02 else "N"
    return [fund, use, rep]


def _parts(rnd: random.Random, purchase_id: str, group: str, supplier: str) -> list[list[str]]:
    """The parts of one item, for the components file (none for goods without parts)."""
    choices = PARTS.get(group)
    if not choices:
        return []
    picked = [choices[0]]
    if len(choices) > 1:
        # The modem of a laptop: a listed maker's in one laptop in twenty-five.
        extra = choices[1] if rnd.random() < 0.04 else choices[-1]
        if extra is not choices[0]:
            picked.append(extra)
    return [
        [purchase_id, maker if maker != supplier else supplier, category, text, str(essential)]
        for maker, category, text, essential in picked
    ]


def _mapping_text(*, facts: bool, sap: bool) -> str:
    """The mapping file for the export."""
    lines = [
        "# Screens the generated ERP export: column names, codes and constants.",
        "format_version = 1",
        "",
        'id = ["PO Number", "Item"]',
        'date = "PO Date"',
        'supplier = "Supplier Name"',
        'supplier_country = "Supplier Country"',
        'value = "Net Value"',
        'currency = "Currency"',
        'description = "Short Text"',
        'keep = ["PO Number", "Item"]',
        'ignore = ["Supplier"]',
    ]
    if sap:
        lines += [
            'date_format = "%d.%m.%Y"',
            'delimiter = ";"',
            'encoding = "cp1252"',
            'decimal = ","',
            'thousands = "."',
        ]
    lines += [
        "",
        "# Purchasing organisations are buyers.",
        "[[value_maps]]",
        'column = "Purchasing Org"',
    ]
    for org, (buyer, public, sector, _) in ORGS.items():
        lines.append(
            f'exact."{org}" = {{ buyer_id = "{buyer}", buyer_public = {str(public).lower()}, '
            f'buyer_sector = "{sector}" }}'
        )
    lines += ["", "# Company codes give the buyer's country.", "[[value_maps]]"]
    lines += ['column = "Company Code"', 'into = "buyer_country"']
    lines += [f'exact."{code}" = "{country}"' for code, country in COMPANY_CODES.items()]
    lines += [
        "",
        "# Material groups (UNSPSC-style codes) are categories: whole codes, then prefixes.",
        "[[value_maps]]",
        'column = "Material Group"',
        'into = "category"',
    ]
    for code, (category, _, _) in MATERIAL_GROUPS.items():
        kind = "prefix" if code in PREFIX_CODES else "exact"
        lines.append(f'{kind}."{code}" = "{category}"')
    if facts:
        lines += [
            "",
            "# The funding source, as the finance system codes it.",
            "[[value_maps]]",
            'column = "Fund"',
            'into = "facts.funding"',
            'exact = { FG = "federal-grant", FL = "federal-loan", OWN = "own-budget" }',
            "",
            "# The supplier's Part B representation (FAR 52.204-24/-26), Y or N.",
            "[[value_maps]]",
            'column = "889 Rep"',
            'into = "facts.uses-covered-equipment"',
            "exact = { Y = true, N = false }",
            "",
            "# What the equipment is for.",
            "[[value_maps]]",
            'column = "Use"',
            'into = "purpose"',
        ]
        lines += [f'exact.{code} = "{purpose}"' for code, purpose in USES.items()]
    return "\n".join(lines) + "\n"
