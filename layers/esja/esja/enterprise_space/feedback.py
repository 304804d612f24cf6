"""Was it relevant? The enterprise's feedback, profile by profile, as its people answered from their alerts, and
what the « pas pertinent » answers suggest changing (esja.feedback.suggestions). Accepting a suggestion opens the
profile's form with the change applied and its preview (the profiles' form, over the version read here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from esja.enterprise_space.home import EnterpriseLookup, own_enterprise
from esja.enterprise_space.profile_store import StoredProfile
from esja.feedback.model import Vote
from esja.feedback.summary import ProfileFeedback, profile_feedback
from esja.people.actor import Actor


class VoteReader(Protocol):
    def votes_of(self, enterprise_id: str) -> list[Vote]: ...


class StoredProfiles(EnterpriseLookup, Protocol):
    def stored_profiles(self, enterprise_id: str) -> list[StoredProfile]: ...


@dataclass(frozen=True, slots=True)
class OwnFeedback:
    profiles: tuple[ProfileFeedback, ...]
    versions: Mapping[str, str]  # each profile's stored version, by id: a suggestion's form saves over it


class EnterpriseFeedback:
    def __init__(self, *, enterprises: StoredProfiles, votes: VoteReader) -> None:
        self._enterprises = enterprises
        self._votes = votes

    def show(self, actor: Actor) -> OwnFeedback:
        enterprise = own_enterprise(actor, self._enterprises)
        stored = self._enterprises.stored_profiles(enterprise.id)
        profiles = profile_feedback([s.profile for s in stored], self._votes.votes_of(enterprise.id))
        return OwnFeedback(profiles, {s.profile.id: s.version for s in stored})
