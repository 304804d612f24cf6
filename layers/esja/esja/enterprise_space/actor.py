"""Who is acting in the enterprises' space, and the one refusal of the use cases.

Until the sign-in's own Actor (esja.people, issue 12) lands, the use cases need only this of it: the
enterprise the person acts for, or None when they act for none (an organizer, a signatory).
"""

from __future__ import annotations

from typing import Protocol


class EnterpriseActor(Protocol):
    @property
    def enterprise_id(self) -> str | None: ...


class NotAllowed(Exception):
    """The person may not do this (they do not act for an enterprise)."""


def enterprise_of(actor: EnterpriseActor) -> str:
    """The enterprise the person acts for; NotAllowed when none."""
    enterprise_id = actor.enterprise_id
    if not enterprise_id:
        raise NotAllowed("not acting for an enterprise")
    return enterprise_id
