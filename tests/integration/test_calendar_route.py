"""GET /agenda?jeton=…: « Ajouter à mon agenda » in an alert answers the tender's closing as a calendar
event, through the web function on moto: signed, GET only, with the security headers."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest

from esja.alerts.links import SubscriberLinks
from esja.clock import TIME_ZONE
from esja.tokens import SigningKeys
from local.http_adapter import to_event
from local.outbox import sent_emails
from tests.alert_builders import ENV, KEY, NOW, AlertWorld, enterprise, subscriber, tender

WEB = "WebFunction"
HOST = urlsplit(ENV["PUBLIC_BASE_URL"]).netloc


@pytest.fixture
def world(aws: Any) -> AlertWorld:
    return AlertWorld(aws)


def get(world: AlertWorld, url: str, method: str = "GET") -> dict[str, Any]:
    parts = urlsplit(url)
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    event = to_event(method, path, {"host": HOST, "accept-language": "fr-CA"}, b"", HOST)
    answer: dict[str, Any] = world.aws.invoke(WEB, event, ENV)
    return answer


def calendar_link(text: str) -> str:
    [link] = re.findall(r"(?:Ajouter à mon agenda|Add to my calendar)\s*:\s*(\S+)", text)
    return str(link)


def test_the_calendar_link_of_an_alert_gives_the_tenders_closing_as_an_event(world: AlertWorld) -> None:
    world.add([enterprise("coop", subscriber("julie@coop.example.org"))])
    world.match("coop", tender("a", title="Entretien ménager des bibliothèques"))
    world.run("daily")
    [email] = sent_emails()

    link = calendar_link(email.part("text/plain"))
    assert f'href="{link.replace("&", "&amp;")}"' in email.part("text/html")
    assert ">Ajouter à mon agenda</a>" in email.part("text/html")

    answer = get(world, link)

    assert answer["statusCode"] == 200
    headers = answer["headers"]
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Content-Disposition"] == 'attachment; filename="cloture-a.ics"'
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Strict-Transport-Security"]
    assert headers["Cache-Control"] == "private, no-store"
    [found] = icalendar.Calendar.from_ical(answer["body"]).walk("VEVENT")
    assert found.decoded("DTSTART") == (NOW + timedelta(days=10)).astimezone(TIME_ZONE).replace(microsecond=0)
    assert "Entretien ménager des bibliothèques" in str(found["SUMMARY"])


def test_an_addendum_that_moves_the_date_moves_the_event(world: AlertWorld) -> None:
    first = tender("a")
    world.publish(first)
    link = SubscriberLinks(ENV["PUBLIC_BASE_URL"], SigningKeys(KEY)).calendar_url(first.key, "en")
    moved = tender("a", revision="20261125150000", amendment_number=1, closing_in=timedelta(days=30))
    world.publish(moved)

    [found] = icalendar.Calendar.from_ical(get(world, link)["body"]).walk("VEVENT")

    assert found.decoded("DTSTART") == moved.closing_at and found["SEQUENCE"] == 1
    assert str(found["SUMMARY"]).startswith("Tender closes:")


def test_a_forged_or_altered_link_gets_a_clear_page_and_no_event(world: AlertWorld) -> None:
    world.publish(tender("a"))
    link = SubscriberLinks(ENV["PUBLIC_BASE_URL"], SigningKeys(KEY)).calendar_url("seao:a", "fr")
    forged = SubscriberLinks(ENV["PUBLIC_BASE_URL"], SigningKeys("not-our-key")).calendar_url("seao:a", "fr")
    unsubscribe = SubscriberLinks(ENV["PUBLIC_BASE_URL"], SigningKeys(KEY)).unsubscribe_token("sid")  # another purpose

    for url in (link.replace("jeton=", "jeton=x"), forged, f"{ENV['PUBLIC_BASE_URL']}/agenda?jeton={unsubscribe}"):
        answer = get(world, url)
        assert answer["statusCode"] == 400
        assert answer["headers"]["Content-Type"].startswith("text/html")
        assert "n'est pas valide" in answer["body"] and "BEGIN:VCALENDAR" not in answer["body"]


def test_a_tender_that_is_gone_is_not_found(world: AlertWorld) -> None:
    link = SubscriberLinks(ENV["PUBLIC_BASE_URL"], SigningKeys(KEY)).calendar_url("seao:never-stored", "fr")

    assert get(world, link)["statusCode"] == 404


def test_the_endpoint_answers_get_only(world: AlertWorld) -> None:
    world.publish(tender("a"))
    link = SubscriberLinks(ENV["PUBLIC_BASE_URL"], SigningKeys(KEY)).calendar_url("seao:a", "fr")

    for method in ("POST", "PUT", "DELETE"):
        answer = get(world, link, method)
        assert answer["statusCode"] >= 400 and "BEGIN:VCALENDAR" not in answer.get("body", "")
