"""The organizers' spreadsheet of pledges (`esja pledges export --format csv`).

The cells hold what strangers typed into a public form: any that a spreadsheet would read as a
formula (=, +, -, @, tab, carriage return first) is prefixed with an apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from esja.pledges.model import Pledge, PledgeStatus

COLUMNS = (
    "pledge_id",
    "status",
    "created_at",
    "confirmed_at",
    "withdrawn_at",
    "replaced_by",
    "institution_name",
    "institution_type",
    "region",
    "signatory_name",
    "signatory_title",
    "email",
    "phone",
    "target_share",
    "categories",
    "registry_consent",
    "language",
    "consent_version",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class PledgeReader(Protocol):
    def everything(self, now: datetime) -> Iterable[Pledge]: ...


@dataclass(frozen=True, slots=True)
class PledgeFile:
    csv: str
    count: int


class PledgeExport:
    """Every pledge not yet purged, for the organizers: personal information, so each export is theirs to keep safe."""

    def __init__(self, pledges: PledgeReader, clock: Callable[[], datetime]) -> None:
        self._pledges = pledges
        self._clock = clock

    def export(self, status: PledgeStatus | None = None) -> PledgeFile:
        chosen = [p for p in self._pledges.everything(self._clock()) if status in (None, p.status)]
        return PledgeFile(write_pledges_csv(chosen), len(chosen))


def write_pledges_csv(pledges: Iterable[Pledge]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for pledge in sorted(pledges, key=lambda p: p.created_at):
        writer.writerow([spreadsheet_cell(value) for value in _row(pledge)])
    return out.getvalue()


def _row(pledge: Pledge) -> tuple[object, ...]:
    details = pledge.details
    return (
        pledge.id,
        pledge.status,
        pledge.created_at,
        pledge.confirmed_at,
        pledge.withdrawn_at,
        pledge.replaced_by,
        details.institution_name,
        details.institution_type,
        details.region,
        details.signatory_name,
        details.signatory_title,
        details.email,
        details.phone,
        details.target_share,
        ";".join(details.categories),
        "yes" if details.registry_consent else "no",
        pledge.language,
        pledge.consent_version,
    )


def spreadsheet_cell(value: object) -> str:
    """A cell's text: empty for None, a moment in ISO 8601, and never a formula a spreadsheet would run."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
