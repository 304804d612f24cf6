"""The organizers' spreadsheet of pledges (the console's export and `esja pledges export`, esja.console.pledge_export).

The cells hold what strangers typed into a public form: any that a spreadsheet would read as a
formula (=, +, -, @, tab, carriage return first) is prefixed with an apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from esja.pledges.model import Pledge

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
    "verification",
    "verified_at",
    "verified_by",
    "verified_how",
    "withdrawal_reason",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_pledges_csv(pledges: Iterable[Pledge]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for pledge in sorted(pledges, key=lambda p: p.created_at):
        writer.writerow([spreadsheet_cell(value) for value in _row(pledge)])
    return out.getvalue()


def _row(pledge: Pledge) -> tuple[object, ...]:
    details, verdict = pledge.details, pledge.verdict
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
        verdict and verdict.state,
        verdict and verdict.at,
        verdict and verdict.by,
        verdict and " ".join(filter(None, (verdict.how, verdict.domain))),
        pledge.withdrawal_reason,
    )


def spreadsheet_cell(value: object) -> str:
    """A cell's text: empty for None, a moment in ISO 8601, and never a formula a spreadsheet would run."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
