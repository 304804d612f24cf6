"""The words of an alert's « pourquoi »: each reason in French and English.

Texts are cached: thousands of profiles share the same tender code, keyword or buyer.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from esja.matching.unspsc import padded
from esja.model import Category, Reason, Text

NBSP = "\u00a0"  # French typography: before « : » and inside « »

WHERE = {
    "title": ("dans le titre", "in the title"),
    # A bilingual notice whose title has the keyword in one language only: the reader of the other sees a
    # title without it, and is told where it is.
    "title-fr": ("dans le titre", "in the French title"),
    "title-en": ("dans le titre anglais", "in the title"),
    "description": ("dans la description", "in the description"),
    "classification": ("dans la classification", "in the classification"),
    "category": ("dans la catégorie de l'avis", "in the notice category"),
}

CATEGORY_NAMES = {
    Category.GOODS: ("biens", "goods"),
    Category.SERVICES: ("services", "services"),
    Category.WORKS: ("travaux de construction", "construction work"),
}


def code_reason(published: str, description: Text) -> Reason:
    fr, en = _code_texts(published, description)
    return Reason("unspsc", fr, en, published)


@lru_cache(maxsize=1 << 14)
def related_code_reason(published: str, description: Text, profile_code: str) -> Reason:
    fr, en = _code_texts(published, description)
    mine = padded(profile_code)
    fr_why, en_why = f"plus général que votre code {mine}", f"broader than your code {mine}"
    return Reason("unspsc-related", f"{fr} ({fr_why})", f"{en} ({en_why})", published)


@lru_cache(maxsize=1 << 14)
def keyword_reason(keyword: str, where: str) -> Reason:
    fr, en = WHERE[where]
    return Reason("keyword", f"mot-clé «{NBSP}{keyword}{NBSP}» {fr}", f"keyword “{keyword}” {en}")


@lru_cache(maxsize=8)
def category_reason(category: Category) -> Reason:
    fr, en = CATEGORY_NAMES[category]
    return Reason("category", f"catégorie{NBSP}: {fr}", f"category: {en}")


@lru_cache(maxsize=1 << 12)
def value_reason(amount: Decimal) -> Reason:
    from esja.l10n import money  # Babel: loaded only once a profile with a value band matches

    return Reason(
        "value", f"valeur {money(amount, 'fr')} dans votre fourchette", f"value {money(amount, 'en')} within your range"
    )


@lru_cache(maxsize=1 << 12)
def buyer_reason(name_fr: str, name_en: str) -> Reason:
    return Reason("buyer", f"acheteur{NBSP}: {name_fr}", f"buyer: {name_en}")


@lru_cache(maxsize=1 << 10)
def invited_reason(buyer_fr: str, buyer_en: str) -> Reason:
    """An invitation that names the enterprise (esja.signatory_space)."""
    return Reason(
        "invited", f"{buyer_fr} invite votre entreprise nommément", f"{buyer_en} invites your enterprise by name"
    )


def _code_texts(published: str, description: Text) -> tuple[str, str]:
    fr_desc, en_desc = description.fr or description.en, description.en or description.fr
    fr = f"code UNSPSC {published}" + (f" – {fr_desc}" if fr_desc else "")
    en = f"UNSPSC code {published}" + (f" – {en_desc}" if en_desc else "")
    return fr, en
