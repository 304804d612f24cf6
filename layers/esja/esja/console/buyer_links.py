"""Which buyer a signatory is, where the names differ: an organizer links a pledge to the buyer's SEAO id
(OP-…) or to the name a publisher gives it — in the console and with `esja pledges link` alike. The links
count once the pledge is verified (esja.digest.signatories.SignatoryIndex): in the digest and the alerts'
badge. Each link drawn or removed writes its audit record (a public body's id or name: nothing personal)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.audit.log import Audit, Item
from esja.console.errors import InvalidForm
from esja.console.pledges import PledgeReader, organizers_pledge
from esja.digest.signatories import SignatoryLink
from esja.people.actor import Actor
from esja.pledges.form import FieldError, clean, text_errors
from esja.pledges.model import Pledge

BUYER_ID_LENGTH = 40  # SEAO's are « OP-36518 »; other publishers' ids are longer, never this long
BUYER_NAME_LIMITS = (2, 200)  # as an institution's name


class LinkBook(Protocol):
    def add_link(self, link: SignatoryLink, now: datetime) -> bool: ...
    def remove_link(self, link: SignatoryLink, now: datetime, by: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Linked:
    pledge: Pledge
    links: tuple[tuple[SignatoryLink, bool], ...]  # each link, and whether it is new (link) or was there (unlink)


class BuyerLinks:
    def __init__(
        self, *, pledges: PledgeReader, organizers: LinkBook, audit: Audit, clock: Callable[[], datetime]
    ) -> None:
        self._pledges = pledges
        self._links = organizers
        self._audit = audit
        self._clock = clock

    def link(self, actor: Actor, pledge_id: str, *, buyer_id: str = "", buyer_name: str = "") -> Linked:
        """The pledge's signatory is this buyer id, or buys under this name, or both. Raises InvalidForm when
        neither (or an unfit one) is given, UnknownPledge when the pledge is not one the actor may see."""
        wanted = _links(pledge_id, buyer_id, buyer_name)
        pledge = organizers_pledge(actor, self._pledges, pledge_id, self._clock())
        done = tuple((link, self._links.add_link(link, self._clock())) for link in wanted)
        self._record(actor, "pledge.link", pledge, [link for link, new in done if new])
        return Linked(pledge, done)

    def unlink(self, actor: Actor, pledge_id: str, *, buyer_id: str = "", buyer_name: str = "") -> Linked:
        wanted = _links(pledge_id, buyer_id, buyer_name)
        pledge = organizers_pledge(actor, self._pledges, pledge_id, self._clock())
        done = tuple((link, self._links.remove_link(link, self._clock(), actor.item_id)) for link in wanted)
        self._record(actor, "pledge.unlink", pledge, [link for link, existed in done if existed])
        return Linked(pledge, done)

    def _record(self, actor: Actor, action: str, pledge: Pledge, links: list[SignatoryLink]) -> None:
        for link in links:
            details = {"buyer_id": link.buyer_id} if link.buyer_id else {"buyer_name": link.buyer_name or ""}
            item, regions = Item("pledge", pledge.id), (pledge.details.region,)
            self._audit.record(actor, action, item, regions=regions, details=details)


def _links(pledge_id: str, buyer_id: str, buyer_name: str) -> list[SignatoryLink]:
    buyer_id, buyer_name = buyer_id.strip(), clean(buyer_name)
    errors: list[FieldError] = []
    if not buyer_id and not buyer_name:
        errors.append(FieldError("buyer_id", "buyer"))
    if len(buyer_id) > BUYER_ID_LENGTH or any(c.isspace() for c in buyer_id):
        errors.append(FieldError("buyer_id", "buyer_id", {"max": BUYER_ID_LENGTH}))
    if buyer_name:
        errors += text_errors("buyer_name", buyer_name, BUYER_NAME_LIMITS)
    if errors:
        raise InvalidForm(*errors)
    wanted = [SignatoryLink(pledge_id, buyer_id=buyer_id)] if buyer_id else []
    return wanted + ([SignatoryLink(pledge_id, buyer_name=buyer_name)] if buyer_name else [])
