"""The error summary every form shows above itself (pages/form_fields.html `error_summary`): announced when
the page comes, named by its heading, focusable by a script, each error a link to its field in the form's
own words, the title counting the errors in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest

from esja.rendering import environment, translator

TEMPLATE = """{% from "pages/form_fields.html" import count_title, error_summary with context %}
{% macro first_region(error) %}{{ error.field }}-01{% endmacro %}
<form><input id="name"><input id="regions-01"></form>
{% call(error) error_summary(count_title("pledge.errors", errors) if counted else "Corrigez", errors,
    anchor=first_region if to_first_region else none, level=level) %}
{{- error.field }} — {{ error.text -}}
{% endcall %}"""


@dataclass(frozen=True)
class Error:
    field: str
    text: str


class Summary(HTMLParser):
    """The summary as a screen reader meets it: its box's attributes, its heading, its links."""

    def __init__(self) -> None:
        super().__init__()
        self.box: dict[str, str | None] = {}
        self.heading: tuple[str, dict[str, str | None]] = ("", {})
        self.heading_text = ""
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self._in: str = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "div" and found.get("class") == "summary":
            self.box = found
        elif tag in ("h2", "h3") and self.box:
            self.heading, self._in = (tag, found), "heading"
        elif tag == "a":
            self.links.append((str(found.get("href")), ""))
            self._in = "link"

    def handle_endtag(self, tag: str) -> None:
        self._in = ""

    def handle_data(self, data: str) -> None:
        if self._in == "heading":
            self.heading_text += data
        elif self._in == "link":
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)


def summary(
    errors: list[Error], lang: str = "fr", counted: bool = True, level: int = 2, to_first_region: bool = False
) -> Summary:
    context = {"errors": errors, "counted": counted, "level": level, "to_first_region": to_first_region}
    parsed = Summary()
    parsed.feed(environment().from_string(TEMPLATE).render(lang=lang, _=translator(lang), **context))
    return parsed


def test_the_summary_is_announced_named_by_its_heading_and_can_take_focus() -> None:
    shown = summary([Error("name", "Ce champ est obligatoire.")])
    assert shown.box["role"] == "alert" and shown.box["id"] == "error-summary"
    assert shown.box["tabindex"] == "-1"  # a script (or the browser on #error-summary) may move focus to it
    tag, heading = shown.heading
    assert tag == "h2" and heading["id"] == shown.box["aria-labelledby"]


def test_each_error_links_to_its_field_in_the_forms_own_words_and_order() -> None:
    shown = summary([Error("name", "Ce champ est obligatoire."), Error("regions-01", "Choisissez une région.")])
    assert shown.links == [
        ("#name", "name — Ce champ est obligatoire."),
        ("#regions-01", "regions-01 — Choisissez une région."),
    ]
    assert {href[1:] for href, _ in shown.links} <= shown.ids  # every link lands on a field of the page


def test_a_form_names_the_field_to_link_to_when_it_is_not_the_errors() -> None:
    shown = summary([Error("regions", "Choisissez une région.")], to_first_region=True)
    assert shown.links == [("#regions-01", "regions — Choisissez une région.")]


@pytest.mark.parametrize(
    ("lang", "count", "title"),
    [
        ("fr", 1, "Une erreur empêche l'envoi du formulaire\u00a0:"),
        ("fr", 3, "3 erreurs empêchent l'envoi du formulaire\u00a0:"),
        ("en", 1, "One error prevents sending the form:"),
        ("en", 3, "3 errors prevent sending the form:"),
    ],
)
def test_the_title_counts_the_errors_in_the_readers_language(lang: str, count: int, title: str) -> None:
    shown = summary([Error(f"f{n}", "x") for n in range(count)], lang=lang)
    assert shown.heading_text == title and len(shown.links) == count


def test_a_summary_inside_a_section_takes_the_level_below_it() -> None:
    shown = summary([Error("name", "x")], counted=False, level=3)
    assert shown.heading[0] == "h3" and shown.heading_text == "Corrigez"


def test_what_a_person_typed_is_shown_as_text_never_as_markup() -> None:
    shown = summary([Error("name", '<img id="x" src="x" onerror="alert(1)"> est trop long.')])
    assert shown.links[0][1] == 'name — <img id="x" src="x" onerror="alert(1)"> est trop long.'
    assert "x" not in shown.ids and len(shown.links) == 1
