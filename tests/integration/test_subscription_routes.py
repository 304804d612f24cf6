"""Unsubscribe and preferences pages through the web function's real handler (HTTP API v2 events), on moto."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from itsdangerous.timed import TimestampSigner

from esja.alerts.links import SubscriberLinks
from esja.tokens import SigningKeys
from local.http_adapter import to_event
from local.runtime import LocalAws
from tests.alert_builders import (
    BASE_URL,
    KEY,
    QUIET,
    WEB,
    AlertWorld,
    emails_to,
    enterprise,
    profile,
    subscriber,
    tender,
)
from tests.moto_tables import LOCAL_KEYS

JULIE = "direction@coop.example.org"
HOST = urlsplit(BASE_URL).netloc
DAY = 86_400


class Browser:
    """Requests as API Gateway hands them to the web function."""

    def __init__(self, aws: LocalAws, keys: str = KEY) -> None:
        self.aws = aws
        self.env = {"PUBLIC_BASE_URL": BASE_URL, "SIGNING_KEYS": keys, **QUIET}

    def get(self, target: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        return self.send("GET", target, b"", headers or {})

    def post(self, target: str, fields: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
        sent = {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL, **(headers or {})}
        return self.send("POST", target, urlencode(fields, doseq=True).encode(), sent)

    def send(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        answer: dict[str, Any] = self.aws.invoke(
            WEB, to_event(method, target, {"host": HOST, **headers}, body, HOST), self.env
        )
        return answer


@pytest.fixture
def world(aws: LocalAws) -> AlertWorld:
    world = AlertWorld(aws)
    world.add(
        [enterprise("coop", subscriber(JULIE), name="Coop de propreté")],
        [profile("coop"), profile("coop", "vitres", "Lavage de vitres")],
    )
    world.run("weekly")  # registers Julie (daily): her opaque id is what the links carry
    return world


@pytest.fixture
def browser(aws: LocalAws) -> Browser:
    return Browser(aws)


def links(keys: list[str] | None = None) -> SubscriberLinks:
    return SubscriberLinks(BASE_URL, SigningKeys.from_list(keys or [KEY]))


def sid(world: AlertWorld) -> str:
    found: str | None = world.state(JULIE).subscriber_id
    assert found
    return found


def path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def unsubscribe_token(world: AlertWorld, *, days_ago: int = 0, keys: list[str] | None = None) -> str:
    signer = links(keys)
    if not days_ago:
        return signer.unsubscribe_token(sid(world))
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - days_ago * DAY)
        return signer.unsubscribe_token(sid(world))


def history(world: AlertWorld) -> list[str]:
    return [record.kind for record in world.subscriptions.history(LOCAL_KEYS(JULIE))]


# --- Unsubscribe ----------------------------------------------------------------------------------------


def test_opening_the_unsubscribe_link_shows_a_button_and_changes_nothing(world: AlertWorld, browser: Browser) -> None:
    token = unsubscribe_token(world)

    page = browser.get(f"/desabonnement?jeton={token}&lang=fr")

    assert page["statusCode"] == 200
    assert "Voulez-vous cesser de recevoir les alertes d'appels d'offres pour Coop de propreté" in page["body"]
    assert f'name="jeton" value="{token}"' in page["body"] and 'action="/desabonnement?lang=fr"' in page["body"]
    assert world.state(JULIE).unsubscribed_at is None and history(world) == ["consent"]


def test_the_button_unsubscribes_and_records_how_and_which_wording(world: AlertWorld, browser: Browser) -> None:
    token = unsubscribe_token(world)

    done = browser.post("/desabonnement?lang=en", {"jeton": token})
    again = browser.post("/desabonnement?lang=en", {"jeton": token})

    assert done["statusCode"] == again["statusCode"] == 200 and "You are unsubscribed" in done["body"]
    assert world.state(JULIE).unsubscribed_at is not None
    [record] = [r for r in world.subscriptions.history(LOCAL_KEYS(JULIE)) if r.kind == "unsubscribe"]
    assert record.how == "page de désabonnement" and record.wording_version == "desabonnement-page-2026-11"
    assert record.details == {"language": "en"}
    assert "has been unsubscribed since" in browser.get(f"/desabonnement?jeton={token}&lang=en")["body"]


def test_mail_clients_unsubscribe_in_one_click_from_their_own_servers(world: AlertWorld, browser: Browser) -> None:
    one_click = path(links().one_click_url(unsubscribe_token(world)))

    # Gmail's servers: no Origin of ours, the RFC 8058 body, the List-Unsubscribe URL as it is.
    answer = browser.send(
        "POST", one_click, b"List-Unsubscribe=One-Click", {"content-type": "application/x-www-form-urlencoded"}
    )

    assert answer["statusCode"] == 200 and world.state(JULIE).unsubscribed_at is not None
    [record] = [r for r in world.subscriptions.history(LOCAL_KEYS(JULIE)) if r.kind == "unsubscribe"]
    assert record.wording_version == "rfc8058-one-click"


def test_a_one_click_post_without_the_rfc_8058_body_changes_nothing(world: AlertWorld, browser: Browser) -> None:
    one_click = path(links().one_click_url(unsubscribe_token(world)))

    answer = browser.send("POST", one_click, b"", {"content-type": "application/x-www-form-urlencoded"})

    assert answer["statusCode"] == 400 and world.state(JULIE).unsubscribed_at is None


def test_opening_the_one_click_address_in_a_browser_only_shows_the_page(world: AlertWorld, browser: Browser) -> None:
    page = browser.get(path(links().one_click_url(unsubscribe_token(world))))

    assert page["statusCode"] == 200 and "Me désabonner" in page["body"]
    assert world.state(JULIE).unsubscribed_at is None


def test_the_unsubscribe_form_refuses_posts_from_other_sites(world: AlertWorld, browser: Browser) -> None:
    answer = browser.post("/desabonnement", {"jeton": unsubscribe_token(world)}, {"origin": "https://evil.example"})

    assert answer["statusCode"] == 403 and world.state(JULIE).unsubscribed_at is None


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_forged_or_altered_link_gets_a_clear_page_and_changes_nothing(
    world: AlertWorld, browser: Browser, lang: str
) -> None:
    token = unsubscribe_token(world)
    forged = SubscriberLinks(BASE_URL, SigningKeys("someone-elses-key")).unsubscribe_token(sid(world))

    pages = [
        browser.get(f"/desabonnement?jeton={token[:-3]}abc&lang={lang}"),
        browser.post(f"/desabonnement?lang={lang}", {"jeton": forged}),
        browser.get(f"/preferences?jeton={token}&lang={lang}"),  # an unsubscribe token is not a preferences one
        browser.get(f"/desabonnement?lang={lang}"),
    ]

    title, unchanged = {
        "fr": ("Ce lien n'est pas valide", "Rien n'a été changé."),
        "en": ("This link is not valid", "Nothing was changed."),
    }[lang]
    for page in pages:
        assert page["statusCode"] == 400 and f'<html lang="{lang}">' in page["body"]
        assert title in page["body"] and unchanged in page["body"]
    assert world.state(JULIE).unsubscribed_at is None and history(world) == ["consent"]


def test_an_expired_link_gets_a_clear_page_and_changes_nothing(world: AlertWorld, browser: Browser) -> None:
    token = unsubscribe_token(world, days_ago=91)

    answer = browser.post("/desabonnement?lang=fr", {"jeton": token})

    assert answer["statusCode"] == 400 and "Ce lien a expiré" in answer["body"] and "90 jours" in answer["body"]
    assert world.state(JULIE).unsubscribed_at is None


def test_a_link_sent_60_days_ago_before_a_key_rotation_still_unsubscribes(world: AlertWorld, aws: LocalAws) -> None:
    token = unsubscribe_token(world, days_ago=60, keys=["key-before-rotation"])
    rotated = Browser(aws, keys="key-before-rotation,key-after-rotation")

    answer = rotated.post("/desabonnement?lang=fr", {"jeton": token})

    assert answer["statusCode"] == 200 and world.state(JULIE).unsubscribed_at is not None


# --- Preferences ----------------------------------------------------------------------------------------


def preferences_path(world: AlertWorld, lang: str = "fr") -> str:
    signer = links()
    return path(signer.preferences_url(signer.preferences_token(sid(world)), lang))


def token_of(page: dict[str, Any]) -> str:
    found = re.search(r'name="jeton" value="([^"]+)"', page["body"])
    assert found, page["body"]
    return found[1]


def test_the_preferences_page_shows_the_current_choices(world: AlertWorld, browser: Browser) -> None:
    page = browser.get(preferences_path(world))

    body = page["body"]
    assert page["statusCode"] == 200 and "Mes préférences d'alertes" in body
    assert re.search(r'value="daily" checked', body) and re.search(r'value="fr" checked', body)
    assert 'id="reminders" checked' in body and 'id="paused">' in body
    assert 'value="coop/menage" checked' in body and 'value="coop/vitres" checked' in body
    assert world.state(JULIE).preferences is None  # a GET changes nothing


def test_saving_preferences_answers_in_the_new_language_and_logs_the_change(
    world: AlertWorld, browser: Browser
) -> None:
    token = token_of(browser.get(preferences_path(world)))

    saved = browser.post(
        "/preferences?lang=fr",
        {"jeton": token, "frequency": "weekly", "language": "en", "reminders": "on", "profiles": ["coop/vitres"]},
    )

    assert saved["statusCode"] == 200 and "Your preferences are saved." in saved["body"]
    assert '<html lang="en">' in saved["body"] and 'value="weekly" checked' in saved["body"]
    preferences = world.state(JULIE).preferences
    assert preferences is not None and (preferences.frequency, preferences.language) == ("weekly", "en")
    assert preferences.profiles_off == frozenset({"coop/menage"}) and not preferences.paused
    assert history(world) == ["consent", "preferences"]


def test_preferences_that_were_not_offered_are_refused_and_nothing_changes(world: AlertWorld, browser: Browser) -> None:
    token = token_of(browser.get(preferences_path(world)))

    refused = browser.post(
        "/preferences?lang=fr", {"jeton": token, "frequency": "hourly", "language": "fr", "profiles": ["x/y"]}
    )

    assert refused["statusCode"] == 400
    assert "Choisissez une fréquence." in refused["body"] and "Un des profils choisis n'existe pas" in refused["body"]
    assert world.state(JULIE).preferences is None and history(world) == ["consent"]


def test_a_profile_turned_off_stops_its_alerts(world: AlertWorld, browser: Browser) -> None:
    token = token_of(browser.get(preferences_path(world)))
    browser.post("/preferences", {"jeton": token, "frequency": "daily", "language": "fr", "profiles": ["coop/vitres"]})
    world.match("coop", tender("a"), profile_ids=("menage",))
    world.match("coop", tender("b", "Lavage de vitres"), profile_ids=("vitres",))

    world.run("daily")

    [email] = emails_to(JULIE)
    assert "Lavage de vitres" in email.part("text/plain") and "Entretien ménager des" not in email.part("text/plain")


def test_the_preferences_of_an_unsubscribed_address_say_so(world: AlertWorld, browser: Browser) -> None:
    browser.post("/desabonnement", {"jeton": unsubscribe_token(world)})

    page = browser.get(preferences_path(world, "en"))

    assert page["statusCode"] == 200 and "This address is unsubscribed" in page["body"] and "<form" not in page["body"]


def test_the_links_of_a_sent_alert_open_these_pages(world: AlertWorld, browser: Browser) -> None:
    world.match("coop", tender("a"))
    world.run("daily")
    [email] = emails_to(JULIE)

    urls = re.findall(rf"{re.escape(BASE_URL)}/\S+", email.part("text/plain"))

    # The calendar and both « Pertinent » / « Pas pertinent » links too.
    assert len(urls) == 5 and all(browser.get(path(url))["statusCode"] == 200 for url in urls)
    assert world.state(JULIE).unsubscribed_at is None


# --- Links a page hands out --------------------------------------------------------------------------------


def link_in(page: dict[str, Any], route: str) -> str:
    found = re.search(rf'href="{re.escape(BASE_URL)}{route}\?jeton=([^"&]+)', page["body"])
    assert found, page["body"]
    return found[1]


def signed_days_ago(world: AlertWorld, sign: str, days: int) -> str:
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - days * DAY)
        token: str = getattr(links(), sign)(sid(world))
        return token


def test_the_preferences_page_hands_out_an_unsubscribe_link_that_ends_with_its_own(
    world: AlertWorld, browser: Browser
) -> None:
    presented = signed_days_ago(world, "preferences_token", 88)  # two days left of its 90

    page = browser.get(f"/preferences?jeton={presented}&lang=fr")
    handed_out = links().unsubscribing(link_in(page, "/desabonnement"))

    assert handed_out.subscriber_id == sid(world)
    assert handed_out.link_expires_at <= links().managing(presented).link_expires_at


def test_the_unsubscribe_page_hands_out_a_preferences_link_that_ends_with_its_own(
    world: AlertWorld, browser: Browser
) -> None:
    presented = signed_days_ago(world, "unsubscribe_token", 89)

    page = browser.get(f"/desabonnement?jeton={presented}&lang=fr")
    handed_out = links().managing(link_in(page, "/preferences"))

    assert handed_out.link_expires_at <= links().unsubscribing(presented).link_expires_at
