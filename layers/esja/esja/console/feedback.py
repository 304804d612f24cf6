"""The feedback of the enterprises of an organizer's regions: how many tenders their people judged relevant or
not from their alerts, and where a profile's « pas pertinent » answers suggest a change — to coach them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from esja.enterprise_space.feedback import VoteReader
from esja.feedback.summary import ProfileFeedback, profile_feedback
from esja.matching.regions import ALL_QUEBEC, CANADA
from esja.model import Enterprise, Profile
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role


class EnterpriseList(Protocol):
    def all_enterprises(self) -> list[Enterprise]:
        """Every enterprise (without its profiles)."""
        ...

    def enterprise(self, enterprise_id: str) -> Enterprise | None: ...
    def profiles_of(self, enterprise_id: str) -> list[Profile]: ...


@dataclass(frozen=True, slots=True)
class EnterpriseFeedbackLine:
    enterprise: Enterprise
    profiles: tuple[ProfileFeedback, ...]

    @property
    def judged(self) -> int:
        return sum(p.judged for p in self.profiles)

    @property
    def not_relevant(self) -> int:
        return sum(p.not_relevant for p in self.profiles)

    @property
    def suggestions(self) -> int:
        return sum(len(p.suggestions) for p in self.profiles)


class ConsoleFeedback:
    def __init__(self, *, enterprises: EnterpriseList, votes: VoteReader) -> None:
        self._enterprises = enterprises
        self._votes = votes

    def overview(self, actor: Actor) -> tuple[EnterpriseFeedbackLine, ...]:
        """The organizer's enterprises whose people answered, those with suggestions first."""
        actor.require(Role.ORGANIZER)
        lines = [
            self._line(enterprise)
            for enterprise in self._enterprises.all_enterprises()
            if covers_enterprise(actor, enterprise)
        ]
        answered = [line for line in lines if line.judged]
        return tuple(sorted(answered, key=lambda line: (-line.suggestions, -line.not_relevant, line.enterprise.name)))

    def enterprise(self, actor: Actor, enterprise_id: str) -> EnterpriseFeedbackLine:
        actor.require(Role.ORGANIZER)
        enterprise = self._enterprises.enterprise(enterprise_id) if enterprise_id else None
        if enterprise is None or not covers_enterprise(actor, enterprise):
            raise NotAllowed("not an enterprise of the organizer's regions", hidden=True)
        return self._line(enterprise)

    def _line(self, enterprise: Enterprise) -> EnterpriseFeedbackLine:
        votes = self._votes.votes_of(enterprise.id)
        profiles = profile_feedback(self._enterprises.profiles_of(enterprise.id), votes) if votes else ()
        return EnterpriseFeedbackLine(enterprise, profiles)


def covers_enterprise(actor: Actor, enterprise: Enterprise) -> bool:
    """An enterprise serving one of the organizer's regions (or all of Québec, or saying nothing) is theirs, as
    in the digest (esja.digest.organizers.Organizer.covers_enterprise)."""
    served = enterprise.regions_served
    wide = not served or ALL_QUEBEC in served or CANADA in served
    return actor.role is Role.ORGANIZER and (wide or actor.covers_all or any(map(actor.covers, served)))
