"""The console's enterprises (/organisation/entreprises): an organizer lists, adds, edits, exports and removes the
enterprises of their regions (Actor.covers_enterprise: serving one of them, all of Québec or Canada, or none
said; an organizer with no region listed has them all). Another region's enterprise is never found (404).

An enterprise and its subscribers are written through the spreadsheet's validation (esja.console.enterprise_form);
its subscribers' addresses are personal information, shown to these organizers only. Every change and every
export writes one audit record, filed under the enterprise's regions, saying what changed — never who.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.console.enterprise_form import EnterpriseForm, FieldError, version_of
from esja.enterprises.removal import EnterpriseRemoval, Removal
from esja.enterprises.spreadsheet import EnterpriseChange, EnterpriseSpreadsheet, Export, change_of
from esja.matching.enterprise_book import SaveSummary
from esja.matching.profiles_csv import MAX_ID_LENGTH
from esja.model import Enterprise, Profile
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role


class EnterpriseDesk(Protocol):
    """The Enterprises table as the console reads and writes one enterprise."""

    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...
    def all_enterprises(self) -> list[Enterprise]: ...
    def enterprise(self, enterprise_id: str) -> Enterprise | None: ...
    def profiles_of(self, enterprise_id: str) -> list[Profile]: ...
    def save(self, enterprises: Sequence[Enterprise], profiles: Sequence[Profile]) -> SaveSummary: ...


class EnterpriseChanged(Exception):
    """Someone changed the enterprise since the person opened its page: nothing was written."""


@dataclass(frozen=True, slots=True)
class EnterpriseEntry:
    enterprise: Enterprise
    profiles: tuple[Profile, ...]


@dataclass(frozen=True, slots=True)
class Saved:
    entry: EnterpriseEntry
    change: EnterpriseChange


@dataclass(frozen=True, slots=True)
class Refused:
    """What is wrong, tied to the form's fields; nothing was written."""

    errors: tuple[FieldError, ...]


class ConsoleEnterprises:
    def __init__(
        self,
        *,
        enterprises: EnterpriseDesk,
        spreadsheet: EnterpriseSpreadsheet,
        removal: EnterpriseRemoval,
        audit: Audit,
    ) -> None:
        self._enterprises = enterprises
        self._spreadsheet = spreadsheet
        self._removal = removal
        self._audit = audit

    def list(self, actor: Actor) -> tuple[EnterpriseEntry, ...]:
        """The enterprises of the actor's regions, with their profiles, by name."""
        actor.require(Role.ORGANIZER)
        enterprises, profiles = self._enterprises.load()
        mine = sorted((e for e in enterprises if actor.covers_enterprise(e)), key=lambda e: (e.name.casefold(), e.id))
        return tuple(EnterpriseEntry(e, tuple(p for p in profiles if p.enterprise_id == e.id)) for e in mine)

    def entry(self, actor: Actor, enterprise_id: str) -> EnterpriseEntry:
        enterprise = self._covered(actor, enterprise_id)
        return EnterpriseEntry(enterprise, tuple(self._enterprises.profiles_of(enterprise_id)))

    def create(self, actor: Actor, form: EnterpriseForm) -> Saved | Refused:
        actor.require(Role.ORGANIZER)
        enterprise_id = form.cells.get("enterprise_id", "").strip()
        enterprise, errors = form.read(enterprise_id)
        if enterprise is not None and self._enterprises.enterprise(enterprise_id) is not None:
            errors += (FieldError("enterprise_id", "cet identifiant est déjà pris", "this id is already taken"),)
        if enterprise is not None and enterprise.neq:
            errors += self._neq_taken(enterprise.neq)
        return self._save(actor, None, enterprise, errors, ())

    def update(self, actor: Actor, enterprise_id: str, form: EnterpriseForm) -> Saved | Refused:
        """Raises EnterpriseChanged when the enterprise is no longer the version the form was made on."""
        before = self._covered(actor, enterprise_id)
        if form.version != version_of(before):
            raise EnterpriseChanged(enterprise_id)
        enterprise, errors = form.read(enterprise_id)
        if before.subscribers and enterprise is not None and not enterprise.subscribers:
            errors += (
                FieldError(
                    "abonnes",
                    "au moins une personne reste : elle reçoit les alertes et gère l'espace de l'entreprise",
                    "at least one person stays: they receive the alerts and manage the enterprise's space",
                ),
            )
        return self._save(actor, before, enterprise, errors, tuple(self._enterprises.profiles_of(enterprise_id)))

    def removal_plan(self, actor: Actor, enterprise_id: str) -> Removal:
        """What removing the enterprise would do; nothing is changed."""
        return self._removal.plan([self._covered(actor, enterprise_id).id])

    def remove(self, actor: Actor, enterprise_id: str) -> Removal:
        """Audited by the removal (esja.enterprises.removal)."""
        return self._removal.remove(actor, [self._covered(actor, enterprise_id).id])

    def export(self, actor: Actor) -> Export:
        """The actor's enterprises as the spreadsheet, audited by it (esja.enterprises.spreadsheet)."""
        return self._spreadsheet.export(actor)

    def _save(
        self,
        actor: Actor,
        before: Enterprise | None,
        enterprise: Enterprise | None,
        errors: tuple[FieldError, ...],
        profiles: tuple[Profile, ...],
    ) -> Saved | Refused:
        if enterprise is not None and not actor.covers_enterprise(enterprise):
            errors += (
                FieldError("regions_served", "choisissez au moins une de vos régions", "choose one of your regions"),
            )
        if errors or enterprise is None:
            return Refused(errors)
        change = change_of(enterprise, before, profiles, profiles)
        if not change:
            return Saved(EnterpriseEntry(enterprise, profiles), change)
        self._enterprises.save([enterprise], profiles)
        action = "enterprise.create" if before is None else "enterprise.update"
        self._audit.record(
            actor, action, Item("enterprise", enterprise.id), regions=change.regions, details=change.details()
        )
        return Saved(EnterpriseEntry(enterprise, profiles), change)

    def _neq_taken(self, neq: str) -> tuple[FieldError, ...]:
        """An enterprise is registered once: the one holding this NEQ already, named — whichever region it serves,
        so that the organizer knows whom to ask (an enterprise's name and NEQ are public, in the Registraire des
        entreprises)."""
        holder = next((e for e in self._enterprises.all_enterprises() if e.neq == neq), None)
        if holder is None:
            return ()
        return (
            FieldError(
                "neq",
                f"ce NEQ est déjà celui d'une entreprise inscrite : {holder.name} ({holder.id})",
                f"this NEQ is already registered, for {holder.name} ({holder.id})",
            ),
        )

    def _covered(self, actor: Actor, enterprise_id: str) -> Enterprise:
        return covered_enterprise(actor, enterprise_id, self._enterprises)


class EnterpriseLookup(Protocol):
    def enterprise(self, enterprise_id: str) -> Enterprise | None: ...


def covered_enterprise(actor: Actor, enterprise_id: str, enterprises: EnterpriseLookup) -> Enterprise:
    """The enterprise an organizer names, if it serves one of their regions; otherwise it is never found (404),
    as if it did not exist."""
    actor.require(Role.ORGANIZER)
    known = 0 < len(enterprise_id) <= MAX_ID_LENGTH  # a query no page of ours makes is no enterprise
    enterprise = enterprises.enterprise(enterprise_id) if known else None
    if enterprise is None or not actor.covers_enterprise(enterprise):
        raise NotAllowed("no such enterprise in the actor's regions", hidden=True)
    return enterprise
