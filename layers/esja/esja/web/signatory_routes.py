"""The signatories' space (/signataire/): its home for now; issue 14 adds invitations, fits, yearly reports."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.people.roles import Role
from esja.pledges.summary import summary
from esja.signatory_space.home import SignatorySpace
from esja.signin.links import SPACE_HOMES
from esja.web.openapi import Page, add_pages, html, redirect
from esja.web.requests import RequestReader
from esja.web.session import Spaces
from esja.web.space_pages import Viewer, space_page

HOME = SPACE_HOMES[Role.SIGNATORY]


def signatory_router(space: SignatorySpace, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    request, access = RequestReader(router), spaces.access(router)

    def home() -> Response[str]:
        actor = access.require(Role.SIGNATORY)
        lang = request.language()
        pledge = space.home(actor)
        context: dict[str, Any] = {"pledge": pledge, "summary": summary(pledge.details, lang)}
        return space_page(
            "pages/space/signatory_home.html", lang, Viewer.of(actor), sender=spaces.sender, here=HOME, **context
        )

    responses = {
        200: html("The pledge, as it stands"),
        303: redirect("Not signed in in this role: to the sign-in page"),
    }
    add_pages(router, ["Signatories' space"], [Page("GET", HOME, home, "The signatory space's home", responses)])
    return router
