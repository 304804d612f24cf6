"""The preferences form: what a person may choose, and what is refused without changing anything."""

from __future__ import annotations

from datetime import UTC, datetime

from esja.alerts.model import ConsentRef, Listing, Preferences, ProfileRef
from esja.alerts.preferences_form import read_preferences
from esja.model import Consent

LISTING = Listing(
    enterprises=(("coop", "Coop"),),
    profiles=(ProfileRef("coop", "menage", "Entretien ménager"), ProfileRef("coop", "vitres", "Vitres")),
    defaults=Preferences("daily", "fr"),
    consents=(ConsentRef("coop", Consent(datetime(2026, 2, 3, tzinfo=UTC), "web", "c-1")),),
)


def test_ticked_boxes_are_on_and_unticked_profiles_are_off() -> None:
    fields = {"frequency": ["weekly"], "language": ["en"], "paused": ["on"], "profiles": ["coop/vitres"]}

    result = read_preferences(fields, LISTING)

    assert result.preferences == Preferences(
        frequency="weekly",
        language="en",
        reminders=False,
        paused=True,
        profiles_off=frozenset({"coop/menage"}),
        invitations_at_once=False,
    )


def test_invitations_at_once_stay_on_while_their_box_is_ticked() -> None:
    fields = {"frequency": ["weekly"], "language": ["fr"], "invitations": ["on"], "profiles": ["coop/menage"]}

    result = read_preferences(fields, LISTING)

    assert result.preferences is not None and result.preferences.invitations_at_once


def test_choices_that_were_not_offered_are_refused() -> None:
    fields = {"frequency": ["hourly"], "language": ["de"], "profiles": ["other/profile"]}

    result = read_preferences(fields, LISTING)

    assert result.preferences is None
    assert result.errors == ("preferences.error.frequency", "preferences.error.language", "preferences.error.profiles")


def test_a_frequency_sent_twice_is_refused() -> None:
    assert read_preferences({"frequency": ["daily", "weekly"], "language": ["fr"]}, LISTING).preferences is None
