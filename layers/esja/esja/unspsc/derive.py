"""Rebuild the bilingual UNSPSC table (esja/unspsc/data/titles.tsv.gz) from the shared reference files.

    python -m esja.unspsc.derive ../shared/data layers/esja/esja/unspsc/data

The base is the only complete bilingual list found, UNSPSC v7.0901 (2005, 20,789 codes, distributed with
OpenACS). Its French was damaged when it was exported: about a thousand titles are the last word of a
longer one (« bureaux » for "General building and office cleaning and maintenance services") and a
hundred run on into the English title (« Outils et machineries Tools and General »). The English run is
cut off, and what is left that does not start like a title is dropped: a reader then sees the English
title, marked as English, rather than a fragment. The titles the publishers give codes in real notices
come first (SEAO's French, then CanadaBuys' French and English): they are current (UNSPSC v21+, some 40
codes the old list lacks) and written by people. The unit tests check the shipped table is exactly this.
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

from esja.unspsc.titles import TABLE, format_table

V7_LIST = "unspsc/unspsc_v7.0901_en_fr.csv"
OBSERVED = "unspsc/unspsc_codes_observed_in_real_notices.csv"
MIN_TITLE = 3  # characters: « X » is no title


def derive(shared: Path) -> str:
    """The table's text (before gzip), from the files under `shared`."""
    titles: dict[str, tuple[str, str]] = {}
    for row in _rows(shared / V7_LIST):
        en = _clean(row["title_en"])
        titles[row["code"]] = (_repaired_french(_clean(row["title_fr"]), en), en)
    for row in _rows(shared / OBSERVED):
        old_fr, old_en = titles.get(row["code"], ("", ""))
        fr = _clean(row["title_fr_seao"]) or _clean(row["title_fr_canadabuys"]) or old_fr
        titles[row["code"]] = (fr, _clean(row["title_en_canadabuys"]) or old_en)
    return format_table((code, fr, en) for code, (fr, en) in titles.items())


def _repaired_french(fr: str, en: str) -> str:
    """The French title without the English one run on into it, or "" when what is left is a fragment."""
    words = en.split()
    for length in range(len(words), 1, -1):
        at = fr.find(" ".join(words[:length]))
        if at > 0:
            fr = fr[:at].rstrip(" ,")
            break
    looks_like_a_title = len(fr) >= MIN_TITLE and (fr[0].isupper() or fr[0].isdigit())
    return fr if looks_like_a_title else ""


def _clean(title: str) -> str:
    return " ".join(title.split())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main(shared: str, out: str) -> None:
    # mtime=0: the same table always makes the same file.
    (Path(out) / TABLE).write_bytes(gzip.compress(derive(Path(shared)).encode("utf-8"), 9, mtime=0))


if __name__ == "__main__":
    main(*sys.argv[1:3])
