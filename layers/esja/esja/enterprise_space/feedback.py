"""Was it relevant? The enterprise's feedback, profile by profile, as its people answered from their alerts, and
what the « pas pertinent » answers suggest changing (esja.feedback.suggestions); accepting one opens the
profile's form with the change applied and its preview."""

from __future__ import annotations

from typing import Protocol

from esja.enterprise_space.home import EnterpriseReader, own_enterprise
from esja.feedback.model import Vote
from esja.feedback.suggestions import Kind, Suggestion
from esja.feedback.summary import ProfileFeedback, profile_feedback
from esja.people.actor import Actor, NotAllowed


class VoteReader(Protocol):
    def votes_of(self, enterprise_id: str) -> list[Vote]: ...


class EnterpriseFeedback:
    def __init__(self, *, enterprises: EnterpriseReader, votes: VoteReader) -> None:
        self._enterprises = enterprises
        self._votes = votes

    def show(self, actor: Actor) -> tuple[ProfileFeedback, ...]:
        enterprise = own_enterprise(actor, self._enterprises)
        return profile_feedback(self._enterprises.profiles_of(enterprise.id), self._votes.votes_of(enterprise.id))

    def suggestion(self, actor: Actor, profile_id: str, kind: Kind) -> Suggestion:
        """The suggestion of that kind for one of the enterprise's profiles, as it stands now; NotAllowed (404)
        when there is none (any more: the profile changed, or new answers came)."""
        found = next((f for f in self.show(actor) if f.profile.id == profile_id), None)
        suggestion = next((s for s in found.suggestions if s.kind == kind), None) if found else None
        if suggestion is None:
            raise NotAllowed("no such suggestion", hidden=True)
        return suggestion
