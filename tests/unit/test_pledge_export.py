"""The organizers' CSV of pledges."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from esja.pledges.export import COLUMNS, write_pledges_csv
from esja.pledges.form import read_pledge_form
from esja.pledges.model import CONSENT_VERSION, Pledge, PledgeStatus
from tests.pledge_builders import pledge_fields


def pledge(pledge_id: str, created: datetime, **overrides: str) -> Pledge:
    fields = {k: [v] if isinstance(v, str) else list(v) for k, v in pledge_fields(**overrides).items()}
    details = read_pledge_form(fields).details
    assert details is not None
    return Pledge(pledge_id, details, "fr", PledgeStatus.CONFIRMED, created, CONSENT_VERSION, confirmed_at=created)


def test_one_row_per_pledge_oldest_first_with_every_column() -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(
                write_pledges_csv(
                    [
                        pledge("b", datetime(2026, 10, 2, tzinfo=UTC)),
                        pledge("a", datetime(2026, 10, 1, tzinfo=UTC), target_share=""),
                    ]
                )
            )
        )
    )

    assert [r["pledge_id"] for r in rows] == ["a", "b"]
    assert tuple(rows[0]) == COLUMNS
    assert rows[1]["categories"] == "goods;services" and rows[1]["target_share"] == "15"
    assert rows[0]["target_share"] == "" and rows[0]["created_at"] == "2026-10-01T00:00:00+00:00"
    assert rows[0]["status"] == "confirmed" and rows[0]["registry_consent"] == "yes"


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused() -> None:
    text = write_pledges_csv(
        [
            pledge("a", datetime(2026, 10, 1, tzinfo=UTC), institution_name="=SUM(A1:A9) Ville"),
            pledge("b", datetime(2026, 10, 2, tzinfo=UTC), signatory_title="@Directrice", phone="+1 418 555-0123"),
        ]
    )

    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["institution_name"] == "'=SUM(A1:A9) Ville"
    assert rows[1]["signatory_title"] == "'@Directrice" and rows[1]["phone"] == "'+14185550123"
