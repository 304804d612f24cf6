"""SES bounce and complaint events → suppressed addresses, which never receive an alert again.

Only what says the address is unusable or unwilling counts: a permanent bounce, or a complaint. A
transient bounce (mailbox full, greylisting) suppresses nothing: the next alert may get through.
The events come from the configuration sets' event destination (SNS), as "eventType"; SES's older
identity notifications say "notificationType" and are read the same way. A complaint stops the alerts
only when it is about an alert: anyone can type an address into the pledge form, and the person who
complains about that confirmation did not ask to lose their alerts. A permanent bounce counts whatever
the mail: the address does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from esja.alerts.model import SuppressionReason
from esja.people.keys import AddressKeys


@dataclass(frozen=True, slots=True)
class Suppression:
    address: str = field(repr=False)  # personal information: never in a repr
    reason: SuppressionReason
    detail: str  # "Permanent/General", "abuse"…
    event_id: str  # SES's feedback id: the same event delivered twice has the same
    at: datetime


@dataclass(slots=True)
class SuppressionOutcome:
    suppressed: int = 0
    already: int = 0  # address suppressed before (or the same event handled again)
    ignored: int = 0  # events that suppress nothing (transient bounces, deliveries…)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class SuppressionList(Protocol):
    def suppress(
        self, address_key: str, *, reason: SuppressionReason, detail: str, event_id: str, at: datetime
    ) -> bool: ...


def suppressions_in(message: str, alerts_configuration_set: str = "") -> list[Suppression]:
    """The addresses an SES event tells us to stop writing to (none for most events). Complaints count
    when the mail went through `alerts_configuration_set`, or through no set we can tell."""
    event: dict[str, Any] = json.loads(message)
    kind = event.get("eventType") or event.get("notificationType")
    if kind == "Bounce":
        bounce = event["bounce"]
        if bounce.get("bounceType") != "Permanent":
            return []
        detail = f"Permanent/{bounce.get('bounceSubType', 'General')}"
        return _each(bounce, "bouncedRecipients", "bounce", detail, event)
    if kind == "Complaint":
        sent_through = event.get("mail", {}).get("tags", {}).get("ses:configuration-set", [])
        if alerts_configuration_set and sent_through and alerts_configuration_set not in sent_through:
            return []
        complaint = event["complaint"]
        detail = complaint.get("complaintFeedbackType") or "complaint"
        return _each(complaint, "complainedRecipients", "complaint", detail, event)
    return []


class SuppressionRecorder:
    def __init__(
        self, suppressions: SuppressionList, address_keys: AddressKeys, alerts_configuration_set: str = ""
    ) -> None:
        self._suppressions = suppressions
        self._keys = address_keys
        self._alerts_configuration_set = alerts_configuration_set

    def record(self, messages: Iterable[str]) -> SuppressionOutcome:
        """Every address the events name, suppressed once: the same event twice changes nothing."""
        outcome = SuppressionOutcome()
        for message in messages:
            self._record(suppressions_in(message, self._alerts_configuration_set), outcome)
        return outcome

    def _record(self, found: list[Suppression], outcome: SuppressionOutcome) -> None:
        if not found:
            outcome.ignored += 1
        for suppression in found:
            written = self._suppressions.suppress(
                self._keys(suppression.address),
                reason=suppression.reason,
                detail=suppression.detail,
                event_id=suppression.event_id,
                at=suppression.at,
            )
            if written:
                outcome.suppressed += 1
            else:
                outcome.already += 1


def _each(
    feedback: dict[str, Any], recipients: str, reason: SuppressionReason, detail: str, event: dict[str, Any]
) -> list[Suppression]:
    event_id = feedback.get("feedbackId") or event.get("mail", {}).get("messageId", "")
    at = datetime.fromisoformat(feedback["timestamp"])
    return [Suppression(r["emailAddress"], reason, detail, event_id, at) for r in feedback.get(recipients, [])]
