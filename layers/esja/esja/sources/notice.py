"""What every parser decides the same way about a notice: its status from its closing date, and a
title, when it has none, from its own words."""

from __future__ import annotations

import re
from datetime import datetime

from esja.model import Status, Text

DERIVED_TITLE_LENGTH = 160  # a derived title longer than this is cut at a word, with « … »

# A sentence ends at « . », « ! » or « ? » before a capital (or the end): « No. 2026-14 » goes on.
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÀ-ÖØ-Þ«\"'(]|\s*$)")


def status_by_closing(closing: datetime | None, now: datetime) -> Status:
    """The status of a notice neither cancelled nor awarded: open only while a closing date that
    could be read is still to come; unknown without one (never open)."""
    if closing is None:
        return Status.UNKNOWN
    return Status.OPEN if closing > now else Status.CLOSED


def one_line(text: str) -> str:
    """Collapse runs of whitespace (TABs, newlines, double spaces) in a title or a name."""
    return " ".join(text.split())


def first_sentence(text: str) -> str:
    """A description's first sentence (of its first paragraph) on one line, to serve as its title."""
    paragraph = next((line for line in text.splitlines() if line.strip()), "")
    end = _SENTENCE_END.search(paragraph)
    if end is not None:
        paragraph = paragraph[: end.start() + (paragraph[end.start()] != ".")]
    return shortened(one_line(paragraph))


def title_from_description(description: Text) -> Text:
    """A title for a notice that has none: its description's first sentence, in each language."""
    fr = description.fr and first_sentence(description.fr)
    en = description.en and first_sentence(description.en)
    return Text(fr=fr or None, en=en or None)


def shortened(title: str) -> str:
    if len(title) <= DERIVED_TITLE_LENGTH:
        return title
    cut = title[: DERIVED_TITLE_LENGTH - 1].rsplit(" ", 1)[0]
    return f"{cut.rstrip(' ,;:')}…"
