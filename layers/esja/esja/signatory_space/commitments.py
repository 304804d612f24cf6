"""The pledge itself, in its signatory's space (/signataire/engagement): as it stands, its target and
categories updated, its colleagues (esja.signatory_space.colleagues), and its withdrawal.

Only the pledge's own signer changes it; colleagues see it. The target share and the categories are the
signer's to change (audited, what changed and nothing personal); the public registry shows neither (it
shows the institution, its type and region, and who signed), so nothing public moves. Withdrawing takes the
pledge off the registry and the counts at once — the same withdrawal as the e-mailed link's — erases the
colleagues' addresses and ends every open session of the signer and of its colleagues: the space is closed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.model import Category
from esja.people.actor import Actor, NotAllowed
from esja.people.keys import AddressKeys
from esja.pledges.form import FieldError, Form, choices, clean, read_share, sent_once
from esja.pledges.model import WITHDRAWN_RETENTION, Pledge
from esja.signatory_space.acting import acting_pledge, signed_by, signed_pledge
from esja.signatory_space.colleagues import PledgePeople


@dataclass(frozen=True, slots=True)
class Commitment:
    """What the signer may change: the target share (per cent, or none) and the categories it buys."""

    target_share: int | None
    categories: tuple[Category, ...]


class PledgeCommitments(Protocol):
    def get(self, pledge_id: str) -> Pledge | None: ...

    def update_commitment(
        self, pledge_id: str, target_share: int | None, categories: Sequence[Category]
    ) -> Pledge | None:
        """The confirmed pledge with its new target and categories; None when it is no longer confirmed."""
        ...

    def withdraw(self, pledge_id: str, at: datetime, purge_at: datetime) -> Pledge | None: ...


@dataclass(frozen=True, slots=True)
class PledgeView:
    pledge: Pledge
    own: bool  # the actor signed it (may change it); a colleague only sees it


@dataclass(frozen=True, slots=True)
class Withdrawn:
    pledge: Pledge
    sessions_ended: int


class Commitments:
    def __init__(
        self,
        *,
        pledges: PledgeCommitments,
        pledge_people: PledgePeople,
        address_keys: AddressKeys,
        audit: Audit,
        clock: Callable[[], datetime],
    ) -> None:
        self._pledges = pledges
        self._people = pledge_people
        self._keys = address_keys
        self._audit = audit
        self._clock = clock

    def show(self, actor: Actor) -> PledgeView:
        pledge = acting_pledge(actor, self._pledges, self._clock())
        return PledgeView(pledge, signed_by(actor, pledge, self._keys))

    def update(self, actor: Actor, fields: Mapping[str, Sequence[str]]) -> tuple[Pledge | None, Form[Commitment]]:
        """(the pledge as updated — None when nothing was saved —, the form as read)."""
        pledge = self._own(actor)
        form = read_commitment(fields)
        wanted = form.details
        if wanted is None:
            return None, form
        if (wanted.target_share, wanted.categories) == (pledge.details.target_share, pledge.details.categories):
            return pledge, form
        updated = self._pledges.update_commitment(pledge.id, wanted.target_share, wanted.categories)
        if updated is None:
            raise NotAllowed("the pledge is no longer confirmed")
        details = {
            "target_share": "" if wanted.target_share is None else str(wanted.target_share),
            "categories": ";".join(wanted.categories),
        }
        self._audit.record(actor, "pledge.update", Item("pledge", pledge.id), regions=_regions(pledge), details=details)
        return updated, form

    def withdraw(self, actor: Actor) -> Withdrawn:
        """Withdrawn, its colleagues removed, every session of its people ended."""
        pledge = self._own(actor)
        now = self._clock()
        withdrawn = self._pledges.withdraw(pledge.id, now, now + WITHDRAWN_RETENTION)
        if withdrawn is None:
            raise NotAllowed("the pledge is no longer in force")
        ended = self._people.close(pledge, now)
        details = {"by": "signatory", "sessions": str(ended)}
        self._audit.record(
            actor, "pledge.withdraw", Item("pledge", pledge.id), regions=_regions(pledge), details=details
        )
        return Withdrawn(withdrawn, ended)

    def _own(self, actor: Actor) -> Pledge:
        return signed_pledge(actor, self._pledges, self._keys, self._clock())


def read_commitment(fields: Mapping[str, Sequence[str]]) -> Form[Commitment]:
    """The target share (as the pledge form reads it: « 10 », « 10 % ») and the categories; raises MalformedForm."""
    share_text = clean(sent_once(fields, "target_share"))[:5]
    categories = choices(fields, "categories")
    values: dict[str, str | tuple[str, ...]] = {"target_share": share_text, "categories": categories}
    share, errors = read_share(share_text)
    known = {c.value for c in Category}
    if any(c not in known for c in categories):
        errors = [*errors, FieldError("categories", "choice")]
    if errors:
        return Form(values, tuple(errors), None)
    chosen = tuple(c for c in Category if c.value in categories)
    return Form(values, (), Commitment(share, chosen))


def _regions(pledge: Pledge) -> tuple[str, ...]:
    return (pledge.details.region,)
