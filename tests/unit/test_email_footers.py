"""The lines every e-mail ends with, in the reader's language only: who sends (after a colon, never
glued into a sentence), how to reach them, and the privacy officer under the title of that language."""

from __future__ import annotations

import pytest

from esja.alerts.compose import compose_alert
from esja.digest.compose import compose_digest
from esja.emails import Email
from tests.digest_builders import CESIM, ESBSL
from tests.unit.test_alert_rendering import LINKS, LISTING, NOW, TENDER, new
from tests.unit.test_digest_rendering import ARCHIVE_URL, digest
from tests.unit.test_typography import SENDER, _confirmation

OTHER_LANGUAGE = {
    "en": ("Responsable", "renseignements", "Expéditeur", "Pour nous joindre", "j'achète"),
    "fr": ("Privacy", "Sender:", "Contact us", "I Buy Social Economy"),
}
OFFICER = {"fr": "Responsable de la protection des renseignements personnels\u00a0: ", "en": "Privacy officer: "}


def emails(lang: str) -> dict[str, Email]:
    alert = compose_alert(
        new(TENDER), to="a@example.org", listing=LISTING, lang=lang, links=LINKS, sender=SENDER, now=NOW
    )
    organizer = ESBSL if lang == "fr" else CESIM
    return {"alert": alert, "digest": compose_digest(digest(organizer), archive_url=ARCHIVE_URL, sender=SENDER),
            "confirmation": _confirmation(lang)}  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_footer_speaks_the_readers_language_only(lang: str) -> None:
    for kind, email in emails(lang).items():
        for part in (email.text, email.html.replace("&#39;", "'")):
            end = part[part.rindex("Chantier de l") - 400 :]  # from the sender's line on
            assert not [w for w in OTHER_LANGUAGE[lang] if w in end], (kind, end)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_privacy_officer_is_named_with_the_title_of_the_readers_language(lang: str) -> None:
    for kind in ("alert", "confirmation"):
        email = emails(lang)[kind]
        for part in (email.text, email.html):
            assert f"{OFFICER[lang]}vieprivee@esja.example.org" in part, kind


def test_the_organisation_comes_after_a_colon_never_glued_into_a_sentence() -> None:
    for lang, said in (("fr", "Expéditeur\u00a0: Chantier de l"), ("en", "Sender: Chantier de l")):
        for kind, email in emails(lang).items():
            text = email.text
            assert said in text, (kind, lang)
            assert (
                "de Chantier de l" not in text
                and "by Chantier" not in text
                and "Chantier de l'économie sociale's" not in text
            )
