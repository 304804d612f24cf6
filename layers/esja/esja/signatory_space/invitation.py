"""An invitation: what a signatory institution asks for, how to answer, and who may answer.

Posted by a person acting for a verified signatory's pledge (the space's Actor); owned by the institution
(its name and region, as the registry groups them): the people of one institution see and change its
invitations together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from esja.folding import fold_name
from esja.model import Category, Text, UpdateKind


class Audience(StrEnum):
    OPEN = "open"  # any enterprise whose profiles match it
    NAMED = "named"  # only the enterprises it names (from the directory)


class InvitationStatus(StrEnum):
    OPEN = "open"  # until its closing date; « closed » is read from the clock, never stored
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Institution:
    """The institution an invitation is from: a name in a region, as the public registry shows it."""

    name: str
    region: str  # "01" … "17"

    @property
    def key(self) -> str:
        """One institution whatever the spelling of its name: « Ville de Lévis » and "VILLE DE LEVIS" are one."""
        return f"{self.region}#{fold_name(self.name)}"

    @property
    def party_id(self) -> str:
        """Its id in the OCDS releases: public, stable, readable (« esja-01-ville-de-rimouski »)."""
        words = "".join(c if c.isascii() and c.isalnum() else " " for c in fold_name(self.name)).split()
        return "-".join(["esja", self.region, *words])


@dataclass(frozen=True, slots=True)
class Answer:
    """How to answer: at least one of the three."""

    email: str | None = None  # a contact address, published on the invitation's page
    url: str | None = None  # a link (https) where bids are taken or the request is described
    documents: str | None = None  # where the documents are: a place, or a link

    def __bool__(self) -> bool:
        return bool(self.email or self.url or self.documents)


@dataclass(frozen=True, slots=True)
class InvitationDetails:
    """What the form said, validated (esja.signatory_space.invitation_form)."""

    title: Text  # French required, English optional
    description: Text
    codes: tuple[str, ...]  # UNSPSC, 8 digits, each in the UNSPSC table
    category: Category
    region: str  # "01" … "17": chosen, or the municipality's
    municipality: str | None
    value: Decimal | None  # estimated, in Canadian dollars
    closing_at: datetime  # time-zone aware
    answer: Answer
    audience: Audience = Audience.OPEN
    named: tuple[str, ...] = ()  # enterprise ids, when the audience is « named »


@dataclass(frozen=True, slots=True)
class Invitation:
    id: str  # 10 hexadecimal digits: the public page's address and the ocid's end
    institution: Institution
    details: InvitationDetails
    published_at: datetime
    status: InvitationStatus = InvitationStatus.OPEN
    version: int = 1  # +1 on every amendment or cancellation
    changed_at: datetime | None = None  # the latest version's time (None: never changed)
    # Every version after the first, oldest first: what it did and when (every enterprise told is told again).
    changes: tuple[tuple[UpdateKind, datetime], ...] = ()
    # Who posted it (never published): the audit and the space know the pledge, the public only the institution.
    pledge_id: str = field(default="", repr=False)

    @property
    def version_at(self) -> datetime:
        return self.changed_at or self.published_at

    def closed(self, now: datetime) -> bool:
        return self.details.closing_at <= now

    def open_at(self, now: datetime) -> bool:
        return self.status is InvitationStatus.OPEN and not self.closed(now)

    def state(self, now: datetime) -> str:
        """« open », « closed » (its deadline passed) or « cancelled », as the pages say it."""
        if self.status is InvitationStatus.CANCELLED:
            return "cancelled"
        return "closed" if self.closed(now) else "open"
