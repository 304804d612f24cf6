"""The signatory's invitations (/signataire/invitations): list, post, amend, cancel.

Each page: the signatory's Actor (access.require), the use case (esja.signatory_space.invitations: it decides
what this person may do, and audits every change), the page. A form with errors comes back with each error
beside its field (422); a posted invitation redirects to the list, which links to its public page. The form
finds its codes with the enterprises' profile form's search (esja.web.code_search): its buttons bring the form
back as typed, with the codes found, a code's family or a code added; its script asks /signataire/codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from esja.enterprise_space.codes import CodeChoice
from esja.geo.regions import all_regions, region_name
from esja.model import Category
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.form import MalformedForm
from esja.signatory_space.invitation import Audience
from esja.signatory_space.invitation_form import (
    FORM_ORDER,
    MAX_CODES,
    MAX_LENGTH,
    MAX_NAMED,
    REQUIRED_FIELDS,
    typed_values,
)
from esja.signatory_space.invitations import REFERENCE_FIELD, InvitationService, Refusal, Saved
from esja.signatory_space.publication import INVITATIONS_PATH
from esja.web.code_search import FORM_FIELDS as CODE_SEARCH_FIELDS
from esja.web.code_search import QUERY, SCRIPT_PATH, SEARCH, CodeSearch, CodeStep, codes_page, scripted
from esja.web.forms import BadForm
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.requests import RequestReader
from esja.web.session import SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

LIST_PATH = "/signataire/invitations"
NEW_PATH = "/signataire/invitations/nouvelle"
ONE_PATH = "/signataire/invitations/<invitation_id>"
CANCEL_PATH = "/signataire/invitations/<invitation_id>/annulation"
CODES_PATH = "/signataire/codes"
TAGS = ["Signatories' space"]
STATUS = {Refusal.RATE_LIMITED: 429, Refusal.CLOSED: 409, Refusal.CANCELLED: 409, Refusal.CONFLICT: 409}
UNASKED = CodeStep("")  # the form shown without a code search
INVITATION_ID = {"name": "invitation_id", "in": "path", "required": True, "schema": {"type": "string"}}


@dataclass(frozen=True, slots=True)
class InvitationSpacePages:
    _service: InvitationService
    _codes: CodeSearch
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def list(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        mine = self._service.overview(actor)
        done = {key: self._request.query(key) for key in ("publiee", "modifiee", "annulee")}
        notice = next(((key, i) for key, value in done.items() for i, _ in mine if value and i.id == value), None)
        return self._page("pages/space/invitations.html", actor, invitations=mine, notice=notice)

    def blank(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        values = {
            "audience": Audience.OPEN.value,
            "closing_time": "14:00",
            REFERENCE_FIELD: self._service.new_reference(),
        }
        return self._form(actor, values=values)

    def post(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        fields = self._request.form()
        step = CodeStep.read(fields)
        if step.asked:
            return self._searched(actor, step, {**typed_values(fields), **_reference(fields)})
        saved = self._service.post(actor, fields)
        if saved.invitation is not None:
            return see_other(f"{LIST_PATH}?lang={self._request.language()}&publiee={saved.invitation.id}")
        return self._refused(actor, saved, {**dict(saved.form.values if saved.form else {}), **_reference(fields)})

    def shown(self, invitation_id: str) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        invitation = self._service.own(actor, invitation_id)
        return self._form(actor, values=self._service.form_values(invitation), invitation=invitation)

    def amend(self, invitation_id: str) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        fields = self._request.form()
        step = CodeStep.read(fields)
        if step.asked:
            invitation = self._service.own(actor, invitation_id)
            return self._searched(actor, step, typed_values(fields), invitation=invitation)
        saved = self._service.amend(actor, invitation_id, fields)
        if saved.refusal is None and saved.invitation is not None:
            return see_other(f"{LIST_PATH}?lang={self._request.language()}&modifiee={invitation_id}")
        invitation = saved.invitation or self._service.own(actor, invitation_id)
        values = saved.form.values if saved.form else self._service.form_values(invitation)
        return self._refused(actor, saved, dict(values), invitation=invitation)

    def cancel(self, invitation_id: str) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        saved = self._service.cancel(actor, invitation_id)
        if saved.refusal is None:
            return see_other(f"{LIST_PATH}?lang={self._request.language()}&annulee={invitation_id}")
        invitation = saved.invitation or self._service.own(actor, invitation_id)
        return self._refused(actor, saved, self._service.form_values(invitation), invitation=invitation)

    def codes(self) -> Response[str]:
        self._access.require(Role.SIGNATORY)
        return self._codes.answer(self._request.query(QUERY), self._request.language())

    def malformed_forms(self, app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[str]:
        """A field sent twice where one is taken: no form of ours does that (400, as any unreadable form)."""
        try:
            return next_middleware(app)
        except MalformedForm:
            raise BadForm("a field sent twice") from None

    def _refused(self, actor: Actor, saved: Saved, values: Mapping[str, Any], **context: Any) -> Response[str]:
        errors = saved.form.errors if saved.form and saved.refusal is None else ()
        status = STATUS[saved.refusal] if saved.refusal else 422
        notice = f"invitation.refusal.{saved.refusal.value}" if saved.refusal else ""
        return self._form(actor, values=values, errors=errors, notice=notice, status=status, **context)

    def _searched(self, actor: Actor, step: CodeStep, values: Mapping[str, Any], **context: Any) -> Response[str]:
        """The form back as typed, with what the code search was asked (a code added to the codes typed)."""
        return self._form(actor, values={**values, "codes": tuple(step.codes(values["codes"]))}, step=step, **context)

    def _form(
        self,
        actor: Actor,
        *,
        values: Mapping[str, Any],
        status: int = 200,
        step: CodeStep = UNASKED,
        **context: Any,
    ) -> Response[str]:
        errors = context.pop("errors", ())
        lang = self._request.language()
        choices = {
            "regions": [(r.code, region_name(r.code, lang)) for r in all_regions()],
            "categories": [c.value for c in Category],
            "audiences": [a.value for a in Audience],
            "max_length": MAX_LENGTH,
            "required": REQUIRED_FIELDS,
            "limits": {"codes": MAX_CODES, "enterprises": MAX_NAMED},
            "reference_field": REFERENCE_FIELD,
        }
        ordered = sorted(errors, key=lambda e: FORM_ORDER.index(e.field))
        field_errors = {e.field: e for e in ordered}
        context = {"invitation": None, "notice": "", **context}
        return scripted(
            self._page(
                "pages/space/invitation_form.html",
                actor,
                status=status,
                values=values,
                errors=ordered,
                field_errors=field_errors,
                added=step.added,
                **self._codes.context(step.searched, step.family, lang),
                **choices,
                **context,
            )
        )

    def _page(self, template: str, actor: Actor, *, status: int = 200, **context: Any) -> Response[str]:
        lang = self._request.language()
        paths = {"list": LIST_PATH, "new": NEW_PATH, "public": INVITATIONS_PATH, "codes": CODES_PATH}
        paths |= {"script": SCRIPT_PATH}
        return space_page(
            template,
            lang,
            Viewer.of(actor),
            sender=self._spaces.sender,
            here=LIST_PATH,
            status=status,
            paths=paths,
            **context,
        )


def _reference(fields: Mapping[str, list[str]]) -> dict[str, str]:
    """The form's reference, kept when it comes back with errors: posting it again posts one invitation."""
    sent = fields.get(REFERENCE_FIELD, [])
    return {REFERENCE_FIELD: sent[0]} if len(sent) == 1 else {}


def invitation_space_router(service: InvitationService, codes: CodeChoice, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = InvitationSpacePages(service, CodeSearch(codes), spaces, RequestReader(router), spaces.access(router))
    add_pages(router, TAGS, _pages(pages))
    return router


def _pages(pages: InvitationSpacePages) -> list[Page]:
    to_sign_in = redirect("Not signed in as a signatory: to the sign-in page")
    guarded: list[Callable[..., Response[str]]] = [pages.malformed_forms]
    done = [
        query(key, "The invitation just published, amended or cancelled") for key in ("publiee", "modifiee", "annulee")
    ]
    form = {
        "type": "object",
        "required": list(REQUIRED_FIELDS),
        "properties": {
            **{n: {"type": "string"} for n in FORM_ORDER},
            "action": {"enum": [SEARCH], "description": "search the codes (the form comes back, nothing posted)"},
            **CODE_SEARCH_FIELDS,
        },
    }
    refused = {
        200: html("The form back as typed, with the codes found, a code's family or a code added"),
        422: html("The form with an error beside each field"),
        429: html("Too many invitations today"),
        403: html("Not this person's space, or a forged form"),
    }
    return [
        Page(
            "GET",
            LIST_PATH,
            pages.list,
            "The institution's invitations",
            {200: html("The list"), 303: to_sign_in},
            (*done, LANG),
        ),
        Page("GET", NEW_PATH, pages.blank, "The form to post an invitation", {200: html("The form"), 303: to_sign_in}),
        Page(
            "POST",
            NEW_PATH,
            pages.post,
            "Post an invitation: published at once, matched, e-mailed at once",
            {303: redirect("Published: to the list"), **refused},
            form=form,
            middlewares=guarded,
        ),
        Page(
            "GET",
            ONE_PATH,
            pages.shown,
            "One of the institution's invitations, to amend or cancel",
            {200: html("The amendment form"), 404: html("No such invitation of this institution")},
            (INVITATION_ID, LANG),
        ),
        Page(
            "POST",
            ONE_PATH,
            pages.amend,
            "Amend an invitation: every enterprise told is told again",
            {303: redirect("Amended: to the list"), 409: html("Closed, cancelled or changed meanwhile"), **refused},
            (INVITATION_ID, LANG),
            form=form,
            middlewares=guarded,
        ),
        Page(
            "POST",
            CANCEL_PATH,
            pages.cancel,
            "Cancel an invitation: every enterprise told is told",
            {303: redirect("Cancelled: to the list"), 409: html("Already closed")},
            (INVITATION_ID, LANG),
        ),
        codes_page(CODES_PATH, pages.codes, {303: to_sign_in, 403: html("Not acting as a signatory")}),
    ]
