"""Each bundled pack's page shows its escalation coverage as the analysis computes it now
(the section ``scripts/pack_escalations.py`` writes)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pack_escalations.py"

#: The packs whose escalations take seconds at most. `us-fcc-covered-list` and `uk-telecoms`
#: take minutes today (about 47 CPU-seconds for uk-telecoms; the Covered List's answer has
#: hundreds of thousands of exact regions), too long for the suite: their pages have no
#: section yet.
FAST = ("jp-2018", "us-ndaa-889", "au-5g-2018", "nz-ticsa", "se-pts-2020", "eu-5g-toolbox")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pack_escalations", _SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", FAST)
def test_page_shows_the_escalations_computed_now(name: str) -> None:
    """The page's section is what `escalations(pack)` gives now (regenerate with
    `scripts/pack_escalations.py --write PACK`)."""
    script = _script()
    page = (script.PAGES / f"{name}.md").read_text(encoding="utf-8")
    held = script.page_section(page)
    assert held is not None, f"docs/packs/{name}.md has no escalation coverage section"
    assert held == script.section(name)


def test_section_lists_each_missing_fact_of_a_pack() -> None:
    """The jp-2018 page names the ESPA action and the carriers' network as facts whose absence
    escalates, each with the one rule that reads it."""
    script = _script()
    section = script.page_section((script.PAGES / "jp-2018.md").read_text(encoding="utf-8"))
    assert section is not None
    assert "| `facts.action` | REVIEW | `espa-prior-notification` |" in section
    assert "| `facts.network` | WARN, REVIEW | `carriers-take-note` |" in section
