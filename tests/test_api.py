"""The public surface: what is exported, documented and versioned."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import vendorpolicy
import vendorpolicy.errors
import vendorpolicy.predicates

ROOT = Path(__file__).resolve().parent.parent


class TestSurface:
    def test_all_is_sorted_and_complete(self) -> None:
        """`__all__` is sorted (constants, classes, then functions) and names every public
        attribute of the package."""
        names = vendorpolicy.__all__

        def kind(name: str) -> int:
            if name.isupper():
                return 0
            return 1 if name[0].isupper() else (2 if name.startswith("__") else 3)

        assert names == sorted(names, key=lambda n: (kind(n), n))
        public = {
            n
            for n in dir(vendorpolicy)
            if not n.startswith("_")
            and n != "annotations"  # from __future__ import annotations
            and not isinstance(getattr(vendorpolicy, n), type(vendorpolicy))
        }
        assert public == set(names) - {"__version__"}

    def test_every_public_name_is_documented(self) -> None:
        """Every exported name appears in the API reference."""
        reference = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
        modules = [vendorpolicy, vendorpolicy.errors, vendorpolicy.predicates]
        missing = [
            f"{m.__name__}.{n}"
            for m in modules
            for n in m.__all__
            if n != "__version__" and not re.search(rf"`{re.escape(n)}\b", reference)
        ]
        assert missing == []

    def test_version_from_metadata(self) -> None:
        """`__version__` is the installed distribution's version."""
        assert vendorpolicy.__version__ == importlib.metadata.version("vendorpolicy")

    def test_typed(self) -> None:
        """The package ships a py.typed marker."""
        assert (Path(vendorpolicy.__file__).parent / "py.typed").exists()
