"""« Ajouter à mon agenda »: the closing date as an RFC 5545 event, read back by a real parser (icalendar)
and checked octet by octet against the rules a strict calendar client applies."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

from esja.alerts.calendar import CRLF, LINE_OCTETS, TIME_ZONE_ID, closing_event, file_name
from esja.model import Buyer, Status, Tender, Text

TORONTO = ZoneInfo("America/Toronto")
NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
PAGE = "https://canadabuys.canada.ca/fr/occasions-de-marche/appels-d-offres/cb-227-40918356"
TENDER = Tender(
    source="canadabuys",
    native_id="cb-227-40918356",
    revision="000",
    title=Text(
        "Services de déchiquetage sécurisé de documents sur place – Institut Maurice-Lamontagne",
        "Secure On-Site Document Shredding Services – Maurice Lamontagne Institute",
    ),
    status=Status.OPEN,
    reference="30004-27-0015",
    buyer=Buyer(Text("Pêches et Océans Canada", "Fisheries and Oceans Canada")),
    closing_at=datetime(2026, 12, 17, 14, 0, tzinfo=TORONTO),
)


def event(tender: Tender = TENDER, lang: str = "fr", url: str = PAGE) -> str:
    return closing_event(tender, lang, url=url, uid_domain="esja.example.org", now=NOW)


def parsed(text: str) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(text)
    [found] = calendar.walk("VEVENT")
    return found


def test_the_event_is_the_closing_date_and_time_in_montreal() -> None:
    found = parsed(event())

    start = found.decoded("DTSTART")
    assert start == TENDER.closing_at and start.tzinfo is not None
    assert found["DTSTART"].params["TZID"] == TIME_ZONE_ID == "America/Toronto"
    assert "DTSTART;TZID=America/Toronto:20261217T140000\r\n" in event()
    assert found.decoded("DTSTAMP") == NOW and str(found["UID"]) == "canadabuys:cb-227-40918356@esja.example.org"
    assert str(found["URL"]) == PAGE


@pytest.mark.parametrize(
    ("lang", "summary", "words"),
    [
        (
            "fr",
            "Clôture de l'appel d'offres : Services de déchiquetage sécurisé de documents sur place – Institut "
            "Maurice-Lamontagne",
            ("Acheteur : Pêches et Océans Canada", "17 décembre 2026 à 14 h", "Avis public : https://"),
        ),
        (
            "en",
            "Tender closes: Secure On-Site Document Shredding Services – Maurice Lamontagne Institute",
            ("Buyer: Fisheries and Oceans Canada", "December 17, 2026 at 2:00", "Public notice: https://"),
        ),
    ],
)
def test_the_event_speaks_the_readers_language(lang: str, summary: str, words: tuple[str, ...]) -> None:
    found = parsed(event(lang=lang))

    assert str(found["SUMMARY"]).replace("\u00a0", " ") == summary
    assert found["SUMMARY"].params["LANGUAGE"] == f"{lang}-CA"
    description = str(found["DESCRIPTION"]).replace("\u00a0", " ").replace("\u202f", " ")
    for said in words:
        assert said in description, said
    assert len(description.splitlines()) == 4  # buyer, closing, number, notice: one a line


def test_every_line_ends_with_crlf_and_is_folded_at_75_octets_without_cutting_a_character() -> None:
    long_title = "Déneigement, « épandage » et entretien hivernal; " * 6  # accents: 2 octets each
    text = event(replace(TENDER, title=Text(long_title)))

    assert text.endswith(CRLF) and "\n" not in text.replace(CRLF, "")
    lines = text.split(CRLF)[:-1]
    assert all(len(line.encode("utf-8")) <= LINE_OCTETS for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the summary was folded
    for line in lines:
        line.encode("utf-8").decode("utf-8")  # each physical line is whole UTF-8
    unfolded = text.replace(CRLF + " ", "")
    assert "Déneigement\\, « épandage » et entretien hivernal\\; " * 6 in unfolded


def test_text_from_a_feed_is_escaped_and_cannot_add_properties_or_events() -> None:
    hostile = "Titre\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:piège; a, b \\ c\x07"
    text = event(replace(TENDER, title=Text(hostile, hostile), buyer=Buyer(Text("A;B,C"))))

    calendar = icalendar.Calendar.from_ical(text)
    [found] = calendar.walk("VEVENT")
    assert str(found["SUMMARY"]).endswith("Titre\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:piège; a, b \\ c")
    assert "\x07" not in text
    assert "Acheteur : A;B,C" in str(found["DESCRIPTION"]).replace("\u00a0", " ")


def test_the_time_zone_is_described_and_agrees_with_the_tz_database() -> None:
    calendar = icalendar.Calendar.from_ical(event())
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == TIME_ZONE_ID
    rules = {str(part["TZNAME"]): part for part in zone.subcomponents}
    for name, offset in (("EDT", timedelta(hours=-4)), ("EST", timedelta(hours=-5))):
        part = rules[name]
        assert part.decoded("TZOFFSETTO") == offset
        starts = rrulestr(part["RRULE"].to_ical().decode(), dtstart=part.decoded("DTSTART"))
        for change in starts.between(datetime(2026, 1, 1), datetime(2036, 1, 1)):
            # An hour after each change, the tz database agrees on the new offset.
            after = (change + timedelta(hours=1)).replace(tzinfo=TORONTO)
            assert after.utcoffset() == offset, (name, change)


def test_an_amended_tender_replaces_the_event_and_a_cancelled_one_says_so() -> None:
    amended = parsed(event(replace(TENDER, amendment_number=2, closing_at=datetime(2027, 1, 14, 14, tzinfo=TORONTO))))
    cancelled = parsed(event(replace(TENDER, status=Status.CANCELLED)))

    assert amended["SEQUENCE"] == 2 and amended.decoded("DTSTART").date() == date(2027, 1, 14)
    assert str(cancelled["STATUS"]) == "CANCELLED" and str(parsed(event())["STATUS"]) == "CONFIRMED"


def test_a_reminder_two_days_before_and_no_time_booked() -> None:
    found = parsed(event())

    [alarm] = found.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-2) and str(alarm["ACTION"]) == "DISPLAY"
    assert str(found["TRANSP"]) == "TRANSPARENT"


def test_the_file_name_is_safe_whatever_the_feeds_identifier() -> None:
    assert file_name(TENDER, "fr") == "cloture-cb-227-40918356.ics"
    assert file_name(replace(TENDER, native_id='../"x"\r\n'), "en") == "closing-x.ics"
