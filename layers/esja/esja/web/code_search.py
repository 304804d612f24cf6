"""The UNSPSC code search of the forms that name codes: an enterprise's alert profile (profile_routes, in its
own space and in the console) and a signatory's invitation (invitation_space_routes). One search, one block of
page (templates/pages/space/code_search.html), one script (static/profile-form.js), for both.

Without JavaScript the block's buttons post the whole form back, the draft kept as typed, with what they ask:
« Chercher » the words (`action=chercher`, `code_query`), « Ajouter » a code (`ajouter`), « Voir ce qu'il
contient » a code's family (`famille`). Where the script loads it answers as one types through the space's
own JSON route (GET …/codes?q=, behind the space's session) and adds the code in place; the pages of those
forms alone allow it (`scripted`: `script-src 'self'` and `connect-src 'self'`, nothing else).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response

from esja.enterprise_space.codes import CodeChoice
from esja.matching.unspsc import padded
from esja.unspsc import code_title
from esja.unspsc.search import CodeEntry
from esja.web.forms import single
from esja.web.openapi import LANG, Page, query
from esja.web.security import SECURITY_HEADERS

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

SCRIPT_PATH = "/static/profile-form.js"
SCRIPT = (resources.files("esja") / "web" / "static" / "profile-form.js").read_text(encoding="utf-8")
# The forms with a code search are the pages with a script: ours, and its calls to our own code search.
SCRIPTED_CSP = f"{SECURITY_HEADERS['Content-Security-Policy']}; script-src 'self'; connect-src 'self'"
QUERY, SEARCH = "q", "chercher"
# What the block posts, for a route's OpenAPI form.
FORM_FIELDS: Mapping[str, Mapping[str, str]] = {
    "ajouter": {"type": "string", "description": "a code to add"},
    "famille": {"type": "string", "description": "a code whose family to show"},
    "code_query": {"type": "string", "description": "words or a code to search"},
}
LONGEST_QUERY = 100


@dataclass(frozen=True, slots=True)
class CodeStep:
    """What a post asked of the code search, from the button pressed."""

    searched: str  # the words in the search field, kept on every round trip
    added: str = ""
    family: str = ""
    search: bool = False  # « Chercher » pressed (with words or without)

    @classmethod
    def read(cls, fields: dict[str, list[str]]) -> CodeStep:
        return cls(
            single(fields, "code_query")[:LONGEST_QUERY],
            single(fields, "ajouter")[:LONGEST_QUERY],
            single(fields, "famille")[:LONGEST_QUERY],
            single(fields, "action") == SEARCH,
        )

    @property
    def asked(self) -> bool:
        return bool(self.added or self.family or self.search)

    def codes(self, typed: Sequence[str]) -> list[str]:
        """The codes typed, and the one added at the end unless it is there."""
        codes = list(typed)
        if self.added and self.added not in codes:
            codes.append(self.added)
        return codes


@dataclass(frozen=True, slots=True)
class CodeSearch:
    choice: CodeChoice

    def context(self, searched: str, family: str, lang: str) -> dict[str, Any]:
        """What the block shows: the codes found for the words, a code's family, and how to word them."""
        lineage = self.choice.lineage(family) if family else ()
        return {
            "found": self.choice.search(searched, lang) if searched.strip() else None,
            "searched": searched,
            "lineage": lineage,
            "children": self.choice.children(lineage[-1].code) if lineage else (),
            "title_of": _title_of(lang),
            "lineage_of": self.choice.lineage,
            "padded": padded,
        }

    def answer(self, words: str, lang: str) -> Response[str]:
        """The script's search: JSON, the same results the page shows."""
        found = self.choice.search(words[:LONGEST_QUERY], lang)
        body = {"total": found.total, "entries": [self._entry(e, lang) for e in found.entries]}
        return Response(200, "application/json; charset=utf-8", json.dumps(body, ensure_ascii=False))

    def _entry(self, entry: CodeEntry, lang: str) -> dict[str, Any]:
        title, title_lang = code_title(entry.code, lang, entry.title)
        lineage = self.choice.lineage(entry.code)
        above = [{"code": e.published, "title": code_title(e.code, lang, e.title)[0]} for e in lineage]
        return {"code": entry.published, "level": entry.level, "title": title, "lang": title_lang, "lineage": above}


def scripted(answer: Response[str]) -> Response[str]:
    """A page of a form with the code search: its script may run, and call our own code search."""
    answer.headers["Content-Security-Policy"] = SCRIPTED_CSP
    return answer


def script() -> Response[str]:
    headers = {"Cache-Control": "public, max-age=3600"}
    return Response(200, "text/javascript; charset=utf-8", SCRIPT, headers=headers)


def codes_page(
    path: str,
    handler: Callable[..., Response[str]],
    guarded: Mapping[int, OpenAPIResponse],
    named: Sequence[Mapping[str, Any]] = (),
) -> Page:
    """The OpenAPI declaration of a space's JSON code search."""
    found: OpenAPIResponse = {
        "description": "The codes found",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    return Page(
        "GET",
        path,
        handler,
        "The UNSPSC codes by words or code (for the form's script)",
        {200: found, **guarded},
        (*named, query(QUERY, "Words in French or English, or a code"), LANG),
    )


def _title_of(lang: str) -> Callable[[str, Any], tuple[str, str]]:
    def title_of(code: str, given: Any = None) -> tuple[str, str]:
        return code_title(code, lang, given)

    return title_of
