"""The preferences form as posted → Preferences, or the reasons it cannot be saved (wording keys).

Checkboxes: a ticked box is posted, an unticked one is not; `profiles` lists the profiles left on.
Nothing outside the choices offered is accepted: the page never offers it, so it is not a person's slip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from esja.alerts.model import Listing, Preferences
from esja.l10n import LANGUAGES
from esja.model import FREQUENCIES, one_of


@dataclass(frozen=True, slots=True)
class PreferencesForm:
    preferences: Preferences | None
    errors: tuple[str, ...] = ()


def read_preferences(fields: Mapping[str, Sequence[str]], listing: Listing) -> PreferencesForm:
    frequency = one_of(_one(fields, "frequency"), FREQUENCIES)
    language = one_of(_one(fields, "language"), LANGUAGES)
    known = {p.ref for p in listing.profiles}
    kept_on = set(fields.get("profiles", ()))
    errors = []
    if frequency is None:
        errors.append("preferences.error.frequency")
    if language is None:
        errors.append("preferences.error.language")
    if not kept_on <= known:
        errors.append("preferences.error.profiles")
    if frequency is None or language is None or errors:
        return PreferencesForm(None, tuple(errors))
    return PreferencesForm(
        Preferences(
            frequency=frequency,
            language=language,
            reminders="reminders" in fields,
            paused="paused" in fields,
            invitations_at_once="invitations" in fields,
            profiles_off=frozenset(known - kept_on),
        )
    )


def _one(fields: Mapping[str, Sequence[str]], name: str) -> str:
    values = fields.get(name, ())
    return values[0] if len(values) == 1 else ""
