"""A request to join the programme, as the public form made it and as the organizers decide it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from esja.model import Language, LegalForm

CONSENT_WORDING = "adhesion-2026-12"  # the version of the consent text the form shows (join.consent.text)
CONSENT_HOW = "formulaire web ESJA (demande d'adhésion)"
PENDING_RETENTION = timedelta(days=90)  # a request nobody decided is deleted after this
DECIDED_RETENTION = timedelta(days=30)  # a declined (or approved: the enterprise now holds it) request


class JoinState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class JoinDetails:
    enterprise_name: str
    neq: str  # 10 digits
    legal_form: LegalForm
    region: str
    # Personal information (Law 25): kept out of repr so it never reaches a log by accident.
    contact_name: str = field(repr=False)
    email: str = field(repr=False)
    language: Language


@dataclass(frozen=True, slots=True)
class JoinRequest:
    id: str
    details: JoinDetails
    created_at: datetime
    consent_wording: str
    expires_at: datetime
    state: JoinState = JoinState.PENDING
    decided_by: str = ""  # the organizer's id
    enterprise_id: str = ""  # once approved
