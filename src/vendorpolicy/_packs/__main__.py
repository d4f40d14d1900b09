"""Regenerate the bundled pack files: ``python -m vendorpolicy._packs``."""

from __future__ import annotations

from pathlib import Path

from vendorpolicy._packs import file_text, names


def main() -> None:
    target = Path(__file__).resolve().parent.parent / "data" / "packs"
    target.mkdir(exist_ok=True)
    for name in names():
        (target / f"{name}.toml").write_text(file_text(name), encoding="utf-8")


if __name__ == "__main__":
    main()
