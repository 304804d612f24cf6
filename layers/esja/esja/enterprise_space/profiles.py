"""An enterprise's own alert profiles: see them, create, edit, pause, resume and delete one.

A profile is written as the person typed it, through the spreadsheet's own validation and messages
(esja.matching.profile_cells). Every use case takes the Actor first and works only on the profiles of the
enterprise they act for: an enterprise's person on their own enterprise's, an organizer (the console) on
those of the enterprise they name (`enterprise=`) if it is one of their regions' (Actor.covers_enterprise).
Another enterprise's profile is never found (`ProfileNotFound`, a 404), nor an enterprise out of the
organizer's regions (NotAllowed hidden, a 404). An edit
names the version of the profile the person saw; if a colleague changed or deleted it since, nothing is
written and the person is told (`ProfileChanged`). Every change writes one audit record, filed under the
regions the enterprise serves (its organizers see it), naming the profile and the criteria changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from esja.audit.log import Audit, Item
from esja.console.enterprises import covered_enterprise
from esja.enterprise_space.profile_store import ProfileStore, StoredProfile
from esja.folding import fold
from esja.matching.profile_cells import CellProblem, profile_cells, read_profile
from esja.model import Enterprise, Profile
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role

MAX_PROFILES = 20  # per enterprise: more than anyone needs, and the matcher's index stays small
_ID_LENGTH = 40
_NOT_ID = re.compile(r"[^a-z0-9]+")


class ProfileNotFound(NotAllowed):
    """No such profile for the enterprise the person acts for (another enterprise's ids included): a 404."""

    def __init__(self, profile_id: str) -> None:
        super().__init__(f"no profile {profile_id!r} for this enterprise", hidden=True)


class ProfileChanged(Exception):
    """The profile was changed or deleted since the person read it: nothing was written."""


class TooManyProfiles(Exception):
    """The enterprise already has MAX_PROFILES profiles."""


@dataclass(frozen=True, slots=True)
class Refused:
    """The form had problems (the spreadsheet's messages, by column); nothing was written."""

    problems: tuple[CellProblem, ...]
    draft: Profile  # what could be read of it


Form = Mapping[str, str]  # the spreadsheet's profile columns → the text typed (items separated by « ; »)


class EnterpriseProfiles:
    def __init__(self, *, profiles: ProfileStore, audit: Audit) -> None:
        self._profiles = profiles
        self._audit = audit

    def list(self, actor: Actor, *, enterprise: str = "") -> list[StoredProfile]:
        return self._profiles.stored_profiles(self.enterprise_of(actor, enterprise))

    def enterprise_of(self, actor: Actor, enterprise: str = "") -> str:
        """The id of the enterprise whose profiles the actor works on: their own (an enterprise's person), or
        the one an organizer names, if it serves one of their regions."""
        if actor.role is Role.ENTERPRISE:
            return actor.item_id
        return self.enterprise_named(actor, enterprise).id

    def enterprise_named(self, actor: Actor, enterprise: str) -> Enterprise:
        """The enterprise an organizer names, if it serves one of their regions (the console's pages)."""
        return covered_enterprise(actor, enterprise, self._profiles)

    def get(self, actor: Actor, profile_id: str, *, enterprise: str = "") -> StoredProfile:
        for stored in self.list(actor, enterprise=enterprise):
            if stored.profile.id == profile_id:
                return stored
        raise ProfileNotFound(profile_id)

    def read(
        self, actor: Actor, form: Form, profile_id: str | None = None, *, enterprise: str = ""
    ) -> tuple[Profile, Refused | None]:
        """The profile a form describes, for the enterprise the person acts for (not written)."""
        profile, problems = read_profile(self.enterprise_of(actor, enterprise), profile_id or "", form)
        return profile, Refused(problems, profile) if problems else None

    def create(self, actor: Actor, form: Form, *, enterprise: str = "") -> StoredProfile | Refused:
        existing = self.list(actor, enterprise=enterprise)
        if len(existing) >= MAX_PROFILES:
            raise TooManyProfiles(str(MAX_PROFILES))
        profile, refused = self.read(actor, form, enterprise=enterprise)
        if refused is not None:
            return refused
        taken = {s.profile.id for s in existing}
        # Active from the start; the spreadsheet's `active` column is the page's pause and resume buttons.
        profile = replace(profile, id=_new_id(profile.name, taken), active=True)
        stored = self._profiles.add(profile)
        if stored is None:  # a colleague's new profile took the id, or the enterprise left the programme
            raise ProfileChanged(profile.id)
        self._record(actor, "profile.create", profile, {"criteria": _criteria(profile)})
        return stored

    def update(
        self, actor: Actor, profile_id: str, form: Form, version: str, *, enterprise: str = ""
    ) -> StoredProfile | Refused:
        current = self.get(actor, profile_id, enterprise=enterprise)
        profile, refused = self.read(actor, form, profile_id, enterprise=enterprise)
        if refused is not None:
            return refused
        stored = self._replace(replace(profile, active=current.profile.active), version)
        self._record(actor, "profile.update", profile, {"changed": _changed(current.profile, profile)})
        return stored

    def set_active(
        self, actor: Actor, profile_id: str, active: bool, version: str, *, enterprise: str = ""
    ) -> StoredProfile:
        """Pause (False) or resume (True) the profile's alerts."""
        current = self.get(actor, profile_id, enterprise=enterprise)
        stored = self._replace(replace(current.profile, active=active), version)
        self._record(actor, "profile.resume" if active else "profile.pause", current.profile)
        return stored

    def delete(self, actor: Actor, profile_id: str, version: str, *, enterprise: str = "") -> Profile:
        current = self.get(actor, profile_id, enterprise=enterprise)
        if not self._profiles.remove_profile(current.profile.enterprise_id, profile_id, version):
            raise ProfileChanged(profile_id)
        self._record(actor, "profile.delete", current.profile)
        return current.profile

    def _replace(self, profile: Profile, version: str) -> StoredProfile:
        stored = self._profiles.replace(profile, version)
        if stored is None:
            raise ProfileChanged(profile.id)
        return stored

    def _record(self, actor: Actor, action: str, profile: Profile, details: Mapping[str, str] | None = None) -> None:
        enterprise = self._profiles.enterprise(profile.enterprise_id)
        regions = enterprise.regions_served if enterprise is not None else ()
        item = Item("profile", f"{profile.enterprise_id}/{profile.id}")
        self._audit.record(actor, action, item, regions=regions, details=details)


def _new_id(name: str, taken: set[str]) -> str:
    """« Entretien ménager » → "entretien-menager" (then "entretien-menager-2"…); "profil" without a name."""
    base = _NOT_ID.sub("-", fold(name)).strip("-")[:_ID_LENGTH].strip("-") or "profil"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _criteria(profile: Profile) -> str:
    """The columns a profile fills in ("unspsc keywords regions"): what it is about, no one's words."""
    return " ".join(column for column, text in profile_cells(profile).items() if text and column not in _NOT_CRITERIA)


def _changed(before: Profile, after: Profile) -> str:
    old, new = profile_cells(before), profile_cells(after)
    return " ".join(column for column in new if old[column] != new[column] and column not in _NOT_CRITERIA)


_NOT_CRITERIA = ("profile_id", "active")
