"""Section 6: pledges signed, confirmed and withdrawn in the week; signatory institutions in force."""

from __future__ import annotations

from datetime import timedelta

from esja.digest.facts import WeekFacts
from esja.digest.sections import Figure, pledge_figures
from tests.digest_builders import ESBSL, LAST, LAST_MONDAY, MONDAY, pledge, week_data


def test_new_confirmed_withdrawn_and_total_signatories_beside_last_week() -> None:
    pledges = (
        pledge("kept", "Ville de Rimouski"),  # signed and confirmed last week
        pledge("again", "VILLE DE RIMOUSKI", created_at=MONDAY, confirmed_at=MONDAY),  # same institution
        pledge("matane", "Ville de Matane", created_at=MONDAY, confirmed_at=MONDAY + timedelta(hours=1)),
        pledge("pending", "Cégep de Rimouski", created_at=MONDAY, confirmed_at=None),
        pledge("montreal", "Ville de Montréal", "06", created_at=MONDAY, confirmed_at=MONDAY),
        pledge("gone", "MRC de La Mitis", withdrawn_at=MONDAY + timedelta(days=1)),
        pledge("replaced", "MRC des Basques", withdrawn_at=MONDAY, replaced_by="again"),
        pledge("old", "Ville de Mont-Joli", created_at=LAST.start - timedelta(days=3), confirmed_at=LAST_MONDAY),
    )

    section = pledge_figures(WeekFacts(week_data(pledges=pledges)), ESBSL)

    assert section.new == Figure(4, 3)
    assert section.confirmed == Figure(3, 4)
    assert section.withdrawn == Figure(1, 0)  # a pledge replaced by a newer one is not a withdrawal
    # At the week's end: Rimouski (twice, one institution), Matane, Montréal, Mont-Joli; a week before:
    # Rimouski, La Mitis, Les Basques, Mont-Joli.
    assert section.signatories == Figure(4, 4)
    assert section.confirmed_in_regions == ("VILLE DE RIMOUSKI", "Ville de Matane")
