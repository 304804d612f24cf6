"""The UNSPSC code list in French and English: every code's titles, so that a reader sees a code's
words in their own language even when the notice gave only the other one (SEAO is French only).

    titles = unspsc_titles()              # loaded on first use (~20,800 codes)
    titles.get("76111500")                # Text(fr=…, en=…), any level, short or 8-digit form
    code_title("7611", "en", given)       # the words to show, and their language

The table (data/titles.tsv.gz) is derived by `python -m esja.unspsc.derive ../shared/data
layers/esja/esja/unspsc/data`; the hierarchy (segment, family, class, commodity) is in the codes
themselves (esja.matching.unspsc).
"""

from esja.unspsc.titles import UnspscTitles, code_title, unspsc_titles

__all__ = ["UnspscTitles", "code_title", "unspsc_titles"]
