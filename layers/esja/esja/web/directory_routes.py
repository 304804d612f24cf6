"""The public directory: /repertoire (search by words, region, category, code family) and each listed
enterprise's page, /repertoire/<id>. GET only, no JavaScript, French and English; what they show is only
what each enterprise chose to show (esja.directory)."""

from __future__ import annotations

import re
from functools import partial
from typing import Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.config import SenderIdentity
from esja.directory.public import PublicDirectory
from esja.directory.search import (
    CATEGORIES,
    CATEGORY,
    FAMILY,
    MAX_WORDS_LENGTH,
    PAGE,
    PARAMETERS,
    REGION,
    WORDS,
    SearchForm,
    read_search,
)
from esja.geo.regions import all_regions, region_name
from esja.unspsc import code_title
from esja.web.openapi import LANG, Page, add_pages, html, query
from esja.web.pages import error_page, page
from esja.web.requests import RequestReader

DIRECTORY_PATH = "/repertoire"
ENTRY_PATH = f"{DIRECTORY_PATH}/<enterprise_id>"
TAGS = ["Directory"]
# An enterprise's id as the spreadsheet gives it (esja.matching.profiles_csv): a slug.
ENTERPRISE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
ENTERPRISE_PARAMETER = {
    "name": "enterprise_id",
    "in": "path",
    "required": True,
    "description": "The enterprise's id",
    "schema": {"type": "string", "pattern": f"^{ENTERPRISE_ID.pattern}$"},
}


def directory_context(lang: str) -> dict[str, Any]:
    """What the directory's templates (pages/directory_macros.html) call: region and code family names."""
    return {"region_name": region_name, "family_title": partial(code_title, lang=lang)}


def directory_router(directory: PublicDirectory, sender: SenderIdentity) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    request = RequestReader(router)

    def search() -> Response[str]:
        lang = request.language()
        form = read_search({name: request.query(name) for name in PARAMETERS})
        return page(
            "pages/directory.html",
            lang,
            sender=sender,
            status=400 if form.errors else 200,
            path=DIRECTORY_PATH,
            form=form,
            form_errors={error.field: error for error in form.errors},
            results=directory.search(form.query, lang),
            regions=all_regions(),
            categories=CATEGORIES,
            max_words=MAX_WORDS_LENGTH,
            page_link=partial(_page_link, form, lang),
            **directory_context(lang),
        )

    def entry(enterprise_id: str) -> Response[str]:
        lang = request.language()
        found = directory.entry(enterprise_id) if ENTERPRISE_ID.fullmatch(enterprise_id) else None
        if found is None:
            return error_page(lang, 404, "error.not_found", sender=sender)
        context = directory_context(lang)
        return page("pages/directory_entry.html", lang, sender=sender, path=DIRECTORY_PATH, entry=found, **context)

    filters = (
        query(WORDS, f"Words, French or English, or a UNSPSC code (at most {MAX_WORDS_LENGTH} characters)"),
        query(REGION, "An administrative region served, 01–17", schema={"pattern": "^(0[1-9]|1[0-7])$"}),
        query(CATEGORY, "What it sells", schema={"enum": list(CATEGORIES)}),
        query(FAMILY, "A UNSPSC family (4 digits)", schema={"pattern": "^[0-9]{4}$"}),
        query(PAGE, "The page of results", schema={"type": "integer", "minimum": 1}),
    )
    add_pages(
        router,
        TAGS,
        [
            Page(
                "GET",
                DIRECTORY_PATH,
                search,
                "Search the enterprises listed in the directory",
                {200: html("The search form and what it found"), 400: html("A filter that is none of ours")},
                (*filters, LANG),
            ),
            Page(
                "GET",
                ENTRY_PATH,
                entry,
                "A listed enterprise's page",
                {200: html("What the enterprise chose to show"), 404: html("No enterprise listed under this id")},
                (ENTERPRISE_PARAMETER, LANG),
            ),
        ],
    )
    return router


def _page_link(form: SearchForm, lang: str, number: int) -> str:
    kept = {name: value for name, value in form.values.items() if value and name != PAGE}
    return f"{DIRECTORY_PATH}?{urlencode({**kept, PAGE: number, 'lang': lang})}"
