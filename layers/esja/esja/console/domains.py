"""The institutions' e-mail domains an organizer keeps (/organisation/domaines): a pledge confirmed from an
address of a domain listed for the institution it names is verified at once (esja.pledges.domains). Each
organizer lists and removes the domains of their regions' institutions; each change writes its audit record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.console.errors import Conflict, InvalidForm
from esja.digest.organizers import Organizer
from esja.geo.regions import all_regions
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role
from esja.pledges.domains import DomainRefused, InstitutionDomain, checked_domain
from esja.pledges.form import TEXT_FIELDS, FieldError, clean, text_errors


class DomainDirectory(Protocol):
    def organizers(self) -> list[Organizer]: ...
    def domains(self) -> list[InstitutionDomain]: ...
    def add_domain(self, listed: InstitutionDomain) -> bool: ...
    def remove_domain(self, key: str, now: datetime, by: str) -> InstitutionDomain | None: ...


@dataclass(frozen=True, slots=True)
class ListedDomains:
    domains: tuple[tuple[InstitutionDomain, str], ...]  # each domain, and the name of the organizer who listed it


class DomainList:
    def __init__(self, *, organizers: DomainDirectory, audit: Audit, clock: Callable[[], datetime]) -> None:
        self._domains = organizers
        self._audit = audit
        self._clock = clock

    def domains(self, actor: Actor) -> ListedDomains:
        """The domains of the actor's regions' institutions, by region, institution and domain."""
        actor.require(Role.ORGANIZER)
        mine = sorted((d for d in self._domains.domains() if actor.covers(d.region)), key=lambda d: d.key)
        names = {o.id: o.name for o in self._domains.organizers()}
        return ListedDomains(tuple((d, names.get(d.listed_by, d.listed_by)) for d in mine))

    def add(self, actor: Actor, *, institution: str, region: str, domain: str) -> InstitutionDomain:
        """List a domain for an institution of one of the actor's regions. Raises InvalidForm (each field's error:
        a public mail domain is refused, and says why), Conflict when it is listed already."""
        actor.require(Role.ORGANIZER)
        institution = clean(institution)
        errors = text_errors("institution", institution, TEXT_FIELDS["institution_name"])
        if region not in {r.code for r in all_regions()} or not actor.covers(region):
            errors.append(FieldError("region", "region"))
        try:
            domain = checked_domain(domain)
        except DomainRefused as refused:
            errors.append(FieldError("domain", refused.code))
        if errors:
            raise InvalidForm(*errors)
        listed = InstitutionDomain(institution, region, domain, actor.item_id, self._clock())
        if not self._domains.add_domain(listed):
            raise Conflict("already-listed")
        self._record(actor, "domain.add", listed)
        return listed

    def remove(self, actor: Actor, key: str) -> InstitutionDomain:
        """Take a domain off the list: pledges confirmed from it from now on wait to be verified (those it
        verified stay verified). Another region's domain is answered as no domain (404)."""
        actor.require(Role.ORGANIZER)
        region = key.partition("#")[0]
        if not actor.covers(region):
            raise NotAllowed("another region's domain", hidden=True)
        removed = self._domains.remove_domain(key, self._clock(), actor.item_id)
        if removed is None:
            raise NotAllowed("no such domain", hidden=True)
        self._record(actor, "domain.remove", removed)
        return removed

    def _record(self, actor: Actor, action: str, listed: InstitutionDomain) -> None:
        details = {"institution": listed.institution, "domain": listed.domain}
        self._audit.record(actor, action, Item("domain", listed.key), regions=(listed.region,), details=details)
