"""What a pledge says, in its signatory's language: the rows its confirmation page and its confirmation
e-mail both show, each a label and a value (an institution's name is never glued into a sentence)."""

from __future__ import annotations

from esja.geo.regions import region_name
from esja.pledges.model import PledgeDetails
from esja.rendering import wording


def summary(details: PledgeDetails, lang: str) -> tuple[tuple[str, str], ...]:
    share = wording("pledge.summary.share", lang, share=details.target_share) if details.target_share else ""
    categories = ", ".join(wording(f"pledge.category.{c.value}", lang) for c in details.categories)
    values = {
        "institution_name": details.institution_name,
        "institution_type": wording(f"pledge.type.{details.institution_type.value}", lang),
        "region": region_name(details.region, lang),
        "signatory_name": details.signatory_name,
        "signatory_title": details.signatory_title,
        "target_share": share or wording("pledge.summary.none", lang),
        "categories": categories or wording("pledge.summary.none_plural", lang),
    }
    return tuple((wording(f"pledge.summary.{name}", lang), value) for name, value in values.items())
