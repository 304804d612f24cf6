"""The directory's pages behind sign-in: an enterprise's own listing (/entreprise/repertoire: edit, preview,
save, publish, withdraw) and the organizers' take-downs (/organisation/repertoire).

Each page: `require(role)` → the use case with the Actor (it decides what the actor may touch) → the page.
A change answers 303 to its page (reloading does not post again), which says what was done.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.directory.form import FORM_ORDER, MAX_LENGTH, REGION_CHOICES, message_key
from esja.directory.moderation import REASON_FIELD, REASON_LIMITS, ListingModeration, Moderated, Outcome
from esja.directory.space import CONSENT_FIELD, WORDING_FIELD, ListingPage, ListingSpace, Notice
from esja.geo.regions import region_name
from esja.model import Category
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.form import CHECKED
from esja.rendering import wording
from esja.signin.links import CSRF_FIELD, SPACE_HOMES
from esja.unspsc import code_title
from esja.web.directory_routes import DIRECTORY_PATH, directory_context
from esja.web.forms import single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.requests import RequestReader
from esja.web.session import SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

LISTING_PATH = f"{SPACE_HOMES[Role.ENTERPRISE]}repertoire"
LISTING_PATHS = {"publish": f"{LISTING_PATH}/publier", "unpublish": f"{LISTING_PATH}/retirer"}
MODERATION_PATH = f"{SPACE_HOMES[Role.ORGANIZER]}repertoire"
MODERATION_PATHS = {"take_down": f"{MODERATION_PATH}/retrait", "restore": f"{MODERATION_PATH}/retablir"}
ACTIONS = {"preview": "apercu", "save": "enregistrer"}
ENTERPRISE_FIELD = "entreprise"
NOTICE_PARAMETER = "avis"  # after a change, the page it answers 303 to says what was done
DONE = {Notice.SAVED, Notice.SAVED_PUBLIC, Notice.PUBLISHED, Notice.UNPUBLISHED}


@dataclass(frozen=True, slots=True)
class ListingPages:
    _space: ListingSpace
    _moderation: ListingModeration
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    # --- the enterprise's listing ---

    def listing(self) -> Response[str]:
        actor = self._access.require(Role.ENTERPRISE)
        shown = self._space.show(actor)
        told = next((n for n in DONE if n.value == self._request.query(NOTICE_PARAMETER)), Notice.NONE)
        return self._listing_page(actor, replace(shown, notice=told))

    def edit(self) -> Response[str]:
        actor = self._access.require(Role.ENTERPRISE)
        fields = self._request.form()
        if single(fields, "action") == ACTIONS["save"]:
            return self._after(actor, self._space.save(actor, fields))
        return self._listing_page(actor, self._space.preview(actor, fields))

    def publish(self) -> Response[str]:
        actor = self._access.require(Role.ENTERPRISE)
        return self._after(actor, self._space.publish(actor, self._request.form()))

    def unpublish(self) -> Response[str]:
        actor = self._access.require(Role.ENTERPRISE)
        return self._after(actor, self._space.unpublish(actor))

    def _after(self, actor: Actor, done: ListingPage) -> Response[str]:
        if done.notice in DONE and done.status == 200:
            return see_other(f"{LISTING_PATH}?lang={self._request.language()}&{NOTICE_PARAMETER}={done.notice}")
        return self._listing_page(actor, done)

    def _listing_page(self, actor: Actor, shown: ListingPage) -> Response[str]:
        lang = self._request.language()
        families = dict.fromkeys((*shown.suggested_families, *shown.form.values.get("families", ())))
        context: dict[str, Any] = {
            "page": shown,
            "paths": LISTING_PATHS,
            "actions": ACTIONS,
            "directory_path": DIRECTORY_PATH,
            "message_key": message_key,
            "max_length": MAX_LENGTH,
            "anchors": _anchors(),
            "region_options": [(code, _region(code, lang), "") for code in REGION_CHOICES],
            "category_options": [(c.value, _category(c, lang), "") for c in Category],
            "family_options": [(f, *code_title(f, lang)) for f in families],
            "consent_field": CONSENT_FIELD,
            "wording_field": WORDING_FIELD,
            "checked": CHECKED,
            **directory_context(lang),
        }
        return self._page("pages/space/listing.html", actor, LISTING_PATH, status=shown.status, **context)

    # --- the organizers' take-downs ---

    def moderation(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        asked = self._request.query(NOTICE_PARAMETER)
        told = next((Moderated(o) for o in (Outcome.TAKEN_DOWN, Outcome.RESTORED) if o == asked), None)
        return self._moderation_page(actor, told)

    def take_down(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        fields = self._request.form()
        enterprise_id = single(fields, ENTERPRISE_FIELD)
        done = self._moderation.take_down(actor, enterprise_id, single(fields, REASON_FIELD))
        return self._moderated(actor, done, enterprise_id)

    def restore(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        enterprise_id = single(self._request.form(), ENTERPRISE_FIELD)
        return self._moderated(actor, self._moderation.restore(actor, enterprise_id), enterprise_id)

    def _moderated(self, actor: Actor, done: Moderated, enterprise_id: str) -> Response[str]:
        if done.status == 200:
            return see_other(f"{MODERATION_PATH}?lang={self._request.language()}&{NOTICE_PARAMETER}={done.outcome}")
        return self._moderation_page(actor, done, enterprise_id)

    def _moderation_page(self, actor: Actor, done: Moderated | None, enterprise_id: str = "") -> Response[str]:
        context: dict[str, Any] = {
            "records": self._moderation.listings(actor),
            "notice": done.outcome.value if done and done.outcome is not Outcome.INVALID else "",
            "error": done.error if done else None,
            "error_for": enterprise_id,
            "reason": done.reason if done else "",
            "reason_max": REASON_LIMITS[1],
            "paths": MODERATION_PATHS,
            "directory_path": DIRECTORY_PATH,
            **directory_context(self._request.language()),
        }
        status = done.status if done else 200
        return self._page("pages/space/organizer_directory.html", actor, MODERATION_PATH, status=status, **context)

    def _page(self, template: str, actor: Actor, here: str, *, status: int, **context: Any) -> Response[str]:
        lang = self._request.language()
        return space_page(
            template, lang, Viewer.of(actor), sender=self._spaces.sender, here=here, status=status, **context
        )


def _anchors() -> dict[str, str]:
    """Where each field's error in the summary leads: the field, or a group's first choice."""
    return (
        {name: name for name in FORM_ORDER}
        | {"regions": "regions-01", "categories": "categories-goods"}
        | {"families": "other_families"}
    )


def _region(code: str, lang: str) -> str:
    return wording("directory.all_quebec", lang) if code == "QC" else region_name(code, lang)


def _category(category: Category, lang: str) -> str:
    return wording(f"directory.category.{category.value}", lang)


def listing_router(space: ListingSpace, moderation: ListingModeration, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = ListingPages(space, moderation, spaces, RequestReader(router), spaces.access(router))
    guarded: dict[int, OpenAPIResponse] = {
        303: redirect("Done (to the page, which says so), or not signed in in this role: to the sign-in page"),
        403: html("Not this role, or a form without this session's anti-forgery token: nothing done"),
    }
    told = query(NOTICE_PARAMETER, "What the change just made was (shown by the page)")
    token = {CSRF_FIELD: {"type": "string"}}
    listing_form = {
        "type": "object",
        "properties": {
            **{name: {"type": "string"} for name in ("description_fr", "description_en", "other_families")},
            **{name: {"type": "string"} for name in ("website", "contact_email")},
            **{name: {"type": "array", "items": {"type": "string"}} for name in ("regions", "categories", "families")},
            "action": {"enum": list(ACTIONS.values())},
            **token,
        },
    }
    publish_form = {
        "type": "object",
        "properties": {CONSENT_FIELD: {"enum": [CHECKED]}, WORDING_FIELD: {"type": "string"}, **token},
    }
    moderation_form = {
        "type": "object",
        "properties": {ENTERPRISE_FIELD: {"type": "string"}, REASON_FIELD: {"type": "string"}, **token},
    }
    refused = {409: html("Not possible now (taken down, changed meanwhile, nothing saved yet): the page says why")}
    add_pages(
        router,
        ["Enterprises' space"],
        [
            Page("GET", LISTING_PATH, pages.listing, "The listing", {200: html("The form"), **guarded}, (told, LANG)),
            Page(
                "POST",
                LISTING_PATH,
                pages.edit,
                "Preview the listing (nothing saved), or save it (audited; in the directory at once if listed)",
                {200: html("The preview"), 422: html("The form with its errors"), **refused, **guarded},
                form=listing_form,
            ),
            Page(
                "POST",
                LISTING_PATHS["publish"],
                pages.publish,
                "Choose to appear in the directory (recorded with the consent's wording version; audited)",
                {422: html("The consent was not ticked"), **refused, **guarded},
                form=publish_form,
            ),
            Page(
                "POST",
                LISTING_PATHS["unpublish"],
                pages.unpublish,
                "Withdraw from the directory, at once (recorded; audited)",
                {**refused, **guarded},
                form={"type": "object", "properties": token},
            ),
        ],
    )
    add_pages(
        router,
        ["Organizers' console"],
        [
            Page(
                "GET",
                MODERATION_PATH,
                pages.moderation,
                "The listings of the organizer's regions",
                {200: html("Each listing, with its take-down or restore form"), **guarded},
                (told, LANG),
            ),
            Page(
                "POST",
                MODERATION_PATHS["take_down"],
                pages.take_down,
                "Take an abusive listing down, with a reason told to the enterprise (audited)",
                {404: html("No such listing"), 422: html("No valid reason"), **refused, **guarded},
                form=moderation_form,
            ),
            Page(
                "POST",
                MODERATION_PATHS["restore"],
                pages.restore,
                "Lift a take-down: the enterprise may publish again (audited)",
                {404: html("No such listing"), **refused, **guarded},
                form=moderation_form,
            ),
        ],
    )
    return router
