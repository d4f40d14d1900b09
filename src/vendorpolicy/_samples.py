"""The bundled example: a rule set modelled on Japan's December 2018 procurement rule, and sample
purchases to screen with it (``vendorpolicy demo``).

Sources for the regime (see docs/concepts.md for how the model simplifies it):
- Inter-ministerial agreement on IT procurement, 10 Dec 2018 (IT調達に係る国の物品等又は役務の
  調達方針及び調達手続に関する申合せ); NISC, https://www.nisc.go.jp/ ; dated 10 Dec 2018 in NISC's
  "Cybersecurity 2024" annex 4-3. Applies to procurement from 1 Apr 2019 (Jiji Press, 10 Dec 2018;
  Nikkei, 14 Dec 2018, https://www.nikkei.com/article/DGXMZO38955250U8A211C1000000/).
  Criteria-based: it names no vendor.
- Private carriers are not bound: the 5G spectrum guideline approved by the Radio Regulatory
  Council on 14 Dec 2018 (issued 24 Jan 2019) only asks them to take note of the agreement.

The vendor designation `supply-chain-concern` in the sample data stands for the agreement's
criterion; that press reports named Huawei and ZTE as its targets is why the sample vendors carry
it, not a finding of this library.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from vendorpolicy._convert import purchase_from_dict
from vendorpolicy._model import Effect, Purchase
from vendorpolicy._predicates import buyer, category, components, fact, vendor
from vendorpolicy._rules import Case, Rule, RuleSet

__all__ = ["sample_purchases", "sample_rule_set"]

_AGREEMENT = (
    "Inter-ministerial agreement on IT procurement (IT調達に係る国の物品等又は役務の調達方針及び"
    "調達手続に関する申合せ), 10 Dec 2018, NISC https://www.nisc.go.jp/"
)


def sample_rule_set() -> RuleSet:
    """The example rule set: public buyers denied, private buyers advised."""
    concern = vendor.designated("supply-chain-concern", through_ownership=True)
    risky = (concern | components.any(concern)) & category.within("telecom", "it")
    in_scope = fact("system-scope").in_(
        {"national-security", "confidential", "personal-data", "core-infrastructure"}
    )
    return RuleSet(
        id="jp-gov-2018-example",
        version="2018-12-10",
        title="Japan, government IT procurement (example modelled on the 10 Dec 2018 agreement)",
        rules=[
            Rule(
                id="no-supply-chain-risk",
                when=risky,
                effect=Effect.DENY,
                cases=[
                    Case(
                        when=buyer.is_private,
                        effect=Effect.WARN,
                        reason="private carriers are only asked to take note",
                    )
                ],
                reason=(
                    "equipment from a maker with supply-chain-risk concerns that cannot be "
                    "dispelled is not to be procured"
                ),
                source=_AGREEMENT,
                in_force_from=dt.date(2019, 4, 1),
            ),
            Rule(
                id="consult-nisc",
                when=buyer.is_public & in_scope & category.within("telecom", "it"),
                effect=Effect.REVIEW,
                obligations=[
                    "obtain maker and model of component candidates",
                    "consult NISC before award",
                ],
                reason="in-scope systems need a supply-chain review with NISC before award",
                source=_AGREEMENT,
                in_force_from=dt.date(2019, 4, 1),
            ),
        ],
    )


def sample_purchases() -> list[Purchase]:
    """The bundled sample purchases."""
    text = resources.files("vendorpolicy").joinpath("data/sample-purchases.json").read_text("utf-8")
    return [purchase_from_dict(item) for item in json.loads(text)]
