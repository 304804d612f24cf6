"""A tender's public notice page in the reader's language, as a link safe to put in an e-mail.

CanadaBuys publishes each notice on two pages, English and French, at addresses built from the
reference number (its CSV leaves the address empty for its own `cb-` notices, FORMATS.md §B); MERX
pages take the language as a parameter. SEAO, SAP Ariba and the OCDS publishers have one page.
"""

from __future__ import annotations

import re

CANADABUYS_PAGES = {
    "en": "https://canadabuys.canada.ca/en/tender-opportunities/tender-notice/{}",
    "fr": "https://canadabuys.canada.ca/fr/occasions-de-marche/appels-d-offres/{}",
}
_MERX_LANGUAGE = re.compile(r"(?i)(^https://www\.merx\.com/.*[?&]language=)(en|fr)\b")


def notice_page(url: str | None, lang: str) -> str:
    """The page for a reader of `lang`; "" for anything but a web address (a feed could carry a
    javascript: or data: URL)."""
    if not url or not url.lower().startswith(("https://", "http://")):
        return ""
    for prefix in (page.removesuffix("{}") for page in CANADABUYS_PAGES.values()):
        if url.startswith(prefix):
            return CANADABUYS_PAGES[lang if lang in CANADABUYS_PAGES else "fr"].format(url[len(prefix) :])
    return _MERX_LANGUAGE.sub(lambda m: m[1] + lang.upper(), url)
