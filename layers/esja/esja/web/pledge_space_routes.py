"""The pledge itself, in the signatories' space (/signataire/engagement): as it stands, its target and categories
updated, its colleagues added (confirmed by e-mail) and removed, its withdrawal; and the page a colleague's link
opens (/signataire/collegue: a GET shows its button, the POST confirms — no session needed, the link is the proof).

The use cases (esja.signatory_space.commitments, .colleagues) decide who may do what: only the pledge's signer
changes it, its colleagues see it. A withdrawal ends every session of its people: the answer is a public page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.model import Category
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.links import TOKEN_FIELD
from esja.signatory_space.colleagues import CONFIRM_PATH, MAX_COLLEAGUES, Added, Colleagues
from esja.signatory_space.commitments import Commitments
from esja.signin.links import SIGN_IN_PATH
from esja.web.forms import single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.pages import page
from esja.web.requests import RequestReader
from esja.web.session import SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

PLEDGE_PATH = "/signataire/engagement"
WITHDRAW_PATH = "/signataire/engagement/retrait"
COLLEAGUES_PATH = "/signataire/collegues"
REMOVE_COLLEAGUE_PATH = "/signataire/collegues/retrait"
TAGS = ["Signatories' space"]
ADDED_STATUS = {Added.SENT: 303, Added.RATE_LIMITED: 429, Added.TOO_MANY: 409, Added.ALREADY: 409}


@dataclass(frozen=True, slots=True)
class PledgePages:
    _commitments: Commitments
    _colleagues: Colleagues
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def shown(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        done = self._request.query("fait")
        return self._page(actor, notice=done if done in ("modifie", "invite", "retire") else "")

    def update(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        updated, form = self._commitments.update(actor, self._request.form())
        if updated is not None:
            return see_other(f"{PLEDGE_PATH}?lang={self._request.language()}&fait=modifie")
        return self._page(actor, status=422, values=form.values, errors=form.errors)

    def add_colleague(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        added, typed = self._colleagues.add(actor, self._request.form(), lang=self._request.language())
        if added is Added.SENT:
            return see_other(f"{PLEDGE_PATH}?lang={self._request.language()}&fait=invite")
        return self._page(actor, status=ADDED_STATUS.get(added, 422), added=added.value, typed=typed)

    def remove_colleague(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        self._colleagues.remove(actor, single(self._request.form(), "collegue"))
        return see_other(f"{PLEDGE_PATH}?lang={self._request.language()}&fait=retire")

    def withdraw(self) -> Response[str]:
        actor = self._access.require(Role.SIGNATORY)
        if single(self._request.form(), "confirmer") != "oui":
            return self._page(actor, status=422, withdraw_unconfirmed=True)
        withdrawn = self._commitments.withdraw(actor)
        # Every session of its people is ended, this one too: the answer is a public page.
        return page(
            "pages/pledge_withdrawn.html",
            self._request.language(),
            sender=self._spaces.sender,
            details=withdrawn.pledge.details,
            paths={"form": "/engagement"},
        )

    def invitation(self) -> Response[str]:
        token = self._request.query(TOKEN_FIELD)
        invited = self._colleagues.invited(token)
        if invited is None:
            return self._link_invalid()
        return self._public(
            "pages/colleague_confirm.html", token=token, institution=invited[1].details.institution_name
        )

    def confirm(self) -> Response[str]:
        confirmed = self._colleagues.confirm(single(self._request.form(), TOKEN_FIELD), network=self._access.network())
        if confirmed is None:
            return self._link_invalid()
        return self._public(
            "pages/colleague_confirmed.html", institution=confirmed[1].details.institution_name, sign_in=SIGN_IN_PATH
        )

    def _link_invalid(self) -> Response[str]:
        return self._public("pages/colleague_link_invalid.html", status=400, contact=self._spaces.sender.contact_email)

    def _public(self, template: str, *, status: int = 200, **context: Any) -> Response[str]:
        lang = self._request.language()
        return page(template, lang, sender=self._spaces.sender, status=status, token_field=TOKEN_FIELD, **context)

    def _page(self, actor: Actor, *, status: int = 200, **context: Any) -> Response[str]:
        view = self._commitments.show(actor)
        details = view.pledge.details
        values = context.pop("values", None) or {
            "target_share": "" if details.target_share is None else str(details.target_share),
            "categories": tuple(details.categories),
        }
        return space_page(
            "pages/space/signatory_pledge.html",
            self._request.language(),
            Viewer.of(actor),
            sender=self._spaces.sender,
            here=PLEDGE_PATH,
            status=status,
            view=view,
            colleagues=self._colleagues.of(actor),
            max_colleagues=MAX_COLLEAGUES,
            values=values,
            field_errors={e.field: e for e in context.pop("errors", ())},
            categories=[c.value for c in Category],
            paths={
                "pledge": PLEDGE_PATH,
                "withdraw": WITHDRAW_PATH,
                "colleagues": COLLEAGUES_PATH,
                "remove": REMOVE_COLLEAGUE_PATH,
            },
            **{"notice": "", "added": "", "typed": "", "withdraw_unconfirmed": False, **context},
        )


def pledge_space_router(commitments: Commitments, colleagues: Colleagues, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = PledgePages(commitments, colleagues, spaces, RequestReader(router), spaces.access(router))
    to_sign_in = redirect("Not signed in as a signatory: to the sign-in page")
    refused = {403: html("Not the pledge's signer, or a forged form")}
    back = {303: redirect("Done: back to the pledge's page"), **refused}
    token = query(TOKEN_FIELD, "The token of the link e-mailed to the colleague", required=True)
    invalid = html("The link is not valid, expired or spent: nothing changed")
    add_pages(
        router,
        TAGS,
        [
            Page(
                "GET",
                PLEDGE_PATH,
                pages.shown,
                "The pledge, its colleagues, its withdrawal",
                {200: html("The page"), 303: to_sign_in},
                (query("fait", "What was just done"), LANG),
            ),
            Page(
                "POST",
                PLEDGE_PATH,
                pages.update,
                "Update the target share and the categories",
                {**back, 422: html("The form with its errors")},
                form=_form(target_share={"type": "string"}, categories={"type": "array", "items": {"type": "string"}}),
            ),
            Page(
                "POST",
                WITHDRAW_PATH,
                pages.withdraw,
                "Withdraw the pledge: off the registry, every session of its people ended",
                {200: html("Withdrawn"), 422: html("Not confirmed"), **refused},
                form=_form(confirmer={"type": "string", "enum": ["oui"]}),
            ),
            Page(
                "POST",
                COLLEAGUES_PATH,
                pages.add_colleague,
                "Add a colleague: a link is e-mailed, the colleague confirms",
                {
                    **back,
                    409: html("Already a colleague, or too many"),
                    422: html("Not an address"),
                    429: html("Too many today"),
                },
                form=_form(email={"type": "string"}),
            ),
            Page(
                "POST",
                REMOVE_COLLEAGUE_PATH,
                pages.remove_colleague,
                "Remove a colleague: the address erased, its sessions ended",
                {**back, 404: html("No such colleague")},
                form=_form(collegue={"type": "string"}),
            ),
            Page(
                "GET",
                CONFIRM_PATH,
                pages.invitation,
                "The page a colleague's link opens",
                {200: html("Its button"), 400: invalid},
                (token, LANG),
            ),
            Page(
                "POST",
                CONFIRM_PATH,
                pages.confirm,
                "The colleague confirms: may sign in to the space",
                {200: html("Confirmed"), 400: invalid},
                form=_form(**{TOKEN_FIELD: {"type": "string"}}),
            ),
        ],
    )
    return router


def _form(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}
