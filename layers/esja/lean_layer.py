"""A build step of the layer (layers/esja/Makefile, run by `sam build`): Babel's CLDR data for ESJA's locales only.

Babel ships the data of every locale in the world: 32 MB of a 55 MB layer. ESJA speaks the locales of
esja.l10n (fr_CA, en_CA), which Babel loads merged over their parents (fr, en, root): only those stay. The
step then formats a date and an amount in each language with what is left, so a build that pruned too
much fails here, not in Lambda.

    python3.12 lean_layer.py SITE   # SITE: the layer's python/ folder, with babel/ and esja/ installed
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path


def with_parents(locales: Iterable[str]) -> set[str]:
    """The locales and every locale Babel merges them over (babel.localedata.load's rule)."""
    from babel.core import get_global

    exceptions = get_global("parent_exceptions")
    needed = {"root"}
    for wanted in locales:
        locale = wanted
        while locale != "root":
            needed.add(locale)
            locale = exceptions.get(locale) or ("_".join(locale.split("_")[:-1]) or "root")
    return needed


def prune(site: Path) -> tuple[set[str], int]:
    """Remove every locale's data but ESJA's; returns (the locales kept, the bytes removed)."""
    sys.path.insert(0, str(site))  # the layer's own babel and esja, not the build tool's
    from esja.l10n import _LOCALES  # the locales esja.l10n formats with (its one table)

    keep = with_parents(_LOCALES.values())
    removed = 0
    for data in (site / "babel" / "locale-data").glob("*.dat"):
        if data.stem not in keep:
            removed += data.stat().st_size
            data.unlink()
    return keep, removed


def check() -> None:
    """Dates and money in every language, with the data left (raises if a locale is missing)."""
    from datetime import UTC, datetime

    from esja import l10n

    for lang in l10n.LANGUAGES:
        l10n.date_time(datetime(2026, 10, 22, 14, tzinfo=UTC), lang)
        l10n.money(45990, lang)
        l10n.count(1234, lang)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    kept, removed = prune(Path(argv[1]))
    check()
    print(f"Babel locale data: kept {', '.join(sorted(kept))}; removed {removed / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
