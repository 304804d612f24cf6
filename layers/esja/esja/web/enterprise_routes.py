"""The enterprises' space (/entreprise/): its home for now; issue 13 adds profiles, colleagues, the listing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.enterprise_space.home import EnterpriseSpace
from esja.geo.regions import region_name
from esja.people.roles import Role
from esja.signin.links import SPACE_HOMES
from esja.web.openapi import Page, add_pages, html, redirect
from esja.web.requests import RequestReader
from esja.web.session import Spaces
from esja.web.space_pages import Viewer, space_page

HOME = SPACE_HOMES[Role.ENTERPRISE]


def enterprise_router(space: EnterpriseSpace, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    request, access = RequestReader(router), spaces.access(router)

    def home() -> Response[str]:
        actor = access.require(Role.ENTERPRISE)
        lang = request.language()

        def region_names(codes: Iterable[str]) -> str:
            return ", ".join(region_name(code, lang) for code in codes)

        context: dict[str, Any] = {"home": space.home(actor), "region_names": region_names}
        return space_page(
            "pages/space/enterprise_home.html", lang, Viewer.of(actor), sender=spaces.sender, here=HOME, **context
        )

    responses = {
        200: html("Its alert profiles and who receives the alerts"),
        303: redirect("Not signed in in this role: to the sign-in page"),
    }
    add_pages(router, ["Enterprises' space"], [Page("GET", HOME, home, "The enterprise space's home", responses)])
    return router
