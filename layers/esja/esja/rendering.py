"""Jinja2 for every e-mail and page: autoescaping on for every template whatever its file name,
strict undefined variables, and the French/English helpers every template gets.

Wording lives in catalogues, one JSON file per feature under templates/i18n/ ({"key": {"fr", "en"}}),
merged at load; templates write `{{ _("key") }}` or `{{ _("key", name=value) }}` (str.format fields).

Whatever is rendered in French gets its typography here, once, on the whole output (esja.typography):
catalogues and templates are written with ordinary spaces, and Babel's spacing goes through the same
rule.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from esja import l10n
from esja.typography import typeset


class MissingWording(KeyError):
    """A template asked for a catalogue key that does not exist (caught by the catalogue test)."""


@lru_cache(maxsize=1)
def catalogue() -> Mapping[str, Mapping[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("esja") / "templates" / "i18n"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            for key, texts in json.loads(entry.read_text(encoding="utf-8")).items():
                if key in merged:
                    raise ValueError(f"wording key {key!r} is defined twice ({entry.name})")
                merged[key] = texts
    return merged


def wording(key: str, lang: str, **fields: Any) -> str:
    """Catalogue wording as plain text, typeset (subjects, values): templates escape it where it lands."""
    return typeset(catalogue()[key][lang].format(**fields), lang)


def translator(lang: str) -> Callable[..., Markup]:
    texts = catalogue()

    def wording(key: str, **fields: Any) -> Markup:
        try:
            text = texts[key][lang]
        except KeyError:
            raise MissingWording(f"{key!r} has no {lang!r} wording") from None
        # The wording is ours (trusted); Markup.format escapes every value put into it.
        return Markup(text).format(**fields)  # noqa: S704 - trusted wording, escaped values

    return wording


class TypesetTemplate(Template):
    """A template whose output, rendered with `lang="fr"`, gets French typography (pages, e-mails)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        lang = dict(*args, **kwargs).get("lang")
        text = super().render(*args, **kwargs)
        return typeset(text, lang) if isinstance(lang, str) else text


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("esja", "templates"),
        autoescape=True,  # every template, .html, .txt or .j2: a title can never inject markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.template_class = TypesetTemplate
    env.filters["date_time"] = l10n.date_time
    env.filters["day"] = l10n.day
    env.filters["money"] = l10n.money
    env.filters["percent"] = l10n.percent
    return env


def render(template: str, lang: str, **context: Any) -> str:
    """Render a template in a language; it gets `lang`, `_` (wording) and the l10n filters."""
    lang = l10n.language(lang)
    return environment().get_template(template).render(lang=lang, _=translator(lang), **context)
