"""« Ajouter à mon agenda »: a tender's closing date as an iCalendar event (RFC 5545), in the reader's
language, in Montréal's time.

A small writer rather than a library: one event of a dozen properties needs the three rules a library
would apply — TEXT escaping (§3.3.11), lines folded at 75 octets without splitting a UTF-8 character
(§3.1), CRLF line ends — and a VTIMEZONE for the TZID it names (§3.6.5). The tests read the output back
with the `icalendar` package and check those rules octet by octet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from esja import l10n
from esja.model import Status, Tender
from esja.rendering import catalogue

CRLF = "\r\n"
LINE_OCTETS = 75
PRODID = "-//ESJA//Appels d'offres//FR"
# America/Toronto since 2007 (Energy Policy Act; Ontario and Québec follow): second Sunday of March to
# first Sunday of November. The DTSTART of each rule is the usual 1970 anchor clients expect.
TIME_ZONE_ID = "America/Toronto"
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TIME_ZONE_ID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:-0500",
    "TZOFFSETTO:-0400",
    "TZNAME:EDT",
    "DTSTART:19700308T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:-0400",
    "TZOFFSETTO:-0500",
    "TZNAME:EST",
    "DTSTART:19701101T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # every control character but HTAB is refused in TEXT


def closing_event(tender: Tender, lang: str, *, url: str, uid_domain: str, now: datetime) -> str:
    """The iCalendar object of a tender's closing (`tender.closing_at` must be known); `url` is its notice
    page in the reader's language."""
    if tender.closing_at is None:
        raise ValueError(f"{tender.key} has no closing date")
    lang = l10n.language(lang)
    title = tender.title.read_in(lang)[0]
    language = f"{lang}-CA"
    facts = [
        _wording("calendar.buyer", lang, buyer=tender.buyer.name.read_in(lang)[0]) if tender.buyer else "",
        _wording("calendar.closing", lang, closing=l10n.date_time(tender.closing_at, lang)),
        _wording("calendar.reference", lang, reference=tender.reference) if tender.reference else "",
        _wording("calendar.notice", lang, url=url) if url else "",
    ]
    event = [
        "BEGIN:VEVENT",
        f"UID:{_text(tender.key)}@{uid_domain}",
        f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID={TIME_ZONE_ID}:{tender.closing_at.astimezone(l10n.TIME_ZONE):%Y%m%dT%H%M%S}",
        f"SEQUENCE:{tender.amendment_number}",  # an addendum that moves the date replaces the event
        f"SUMMARY;LANGUAGE={language}:{_text(_wording('calendar.summary', lang, title=title))}",
        f"DESCRIPTION;LANGUAGE={language}:{_text(chr(10).join(f for f in facts if f))}",
        *([f"URL:{_CONTROL.sub('', url)}"] if url else []),
        "TRANSP:TRANSPARENT",  # a deadline, not a meeting: it books no time
        f"STATUS:{'CANCELLED' if tender.status is Status.CANCELLED else 'CONFIRMED'}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-P2D",  # two days ahead: time left to file a bid
        f"DESCRIPTION;LANGUAGE={language}:{_text(_wording('calendar.summary', lang, title=title))}",
        "END:VALARM",
        "END:VEVENT",
    ]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    return _content([*lines, *VTIMEZONE, *event, "END:VCALENDAR"])


def file_name(tender: Tender, lang: str) -> str:
    """« cloture-cb-227-40918356.ics »: only letters, digits and dashes, whatever the feed's ids."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", tender.native_id).strip("-").lower() or "avis"
    return f"{'closing' if lang == 'en' else 'cloture'}-{safe}.ics"


def _wording(key: str, lang: str, **fields: object) -> str:
    return catalogue()[key][lang].format(**fields)


def _text(value: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon and comma escaped, line ends as \\n, no control
    character (a feed's title may hold any)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def _content(lines: Iterable[str]) -> str:
    return "".join(_folded(line) + CRLF for line in lines)


def _folded(line: str) -> str:
    """Lines of at most 75 octets, each continuation starting with one space; a UTF-8 character is never
    cut in two."""
    parts, current, size = [], "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > LINE_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += octets
    return CRLF.join([*parts, current])
