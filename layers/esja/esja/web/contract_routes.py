"""Contracts won in the enterprise's space (/entreprise/contrats): the awards ESJA found for the enterprise, each
confirmed or denied (« ce n'est pas nous ») by one button; esja.enterprise_space.contracts decides."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.enterprise_space.contracts import CONFIRMED, DENIED, ContractsWon
from esja.people.roles import Role
from esja.signin.links import CSRF_FIELD, SPACE_HOMES
from esja.web.forms import single
from esja.web.openapi import Page, add_pages, html, redirect
from esja.web.requests import RequestReader
from esja.web.session import Spaces, see_other
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

LIST_PATH = f"{SPACE_HOMES[Role.ENTERPRISE]}contrats"
ANSWER_PATH = f"{LIST_PATH}/reponse"
CONTRACT, ANSWER, DONE = "contrat", "reponse", "fait"


def contract_router(contracts: ContractsWon, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    request, access = RequestReader(router), spaces.access(router)

    def listed() -> Response[str]:
        actor = access.require(Role.ENTERPRISE)
        done = request.query(DONE)
        return space_page(
            "pages/space/contracts.html",
            request.language(),
            Viewer.of(actor),
            sender=spaces.sender,
            here=LIST_PATH,
            wins=contracts.list(actor),
            done=done if done in (CONFIRMED, DENIED) else "",
            action=ANSWER_PATH,
            contract_field=CONTRACT,
            answer_field=ANSWER,
            answers=(CONFIRMED, DENIED),
        )

    def answer() -> Response[str]:
        actor = access.require(Role.ENTERPRISE)
        fields = request.form()
        answered = contracts.answer(actor, single(fields, CONTRACT), single(fields, ANSWER))
        return see_other(f"{LIST_PATH}?{urlencode({DONE: answered.verdict or '', 'lang': request.language()})}")

    guarded: dict[int, OpenAPIResponse] = {
        303: redirect("Not signed in in this role: to the sign-in page"),
        403: html("Another role's session, or no anti-forgery token"),
    }
    form = {
        "type": "object",
        "properties": {
            CONTRACT: {"type": "string"},
            ANSWER: {"enum": [CONFIRMED, DENIED]},
            CSRF_FIELD: {"type": "string"},
        },
    }
    add_pages(
        router,
        ["Enterprises' space: contracts won"],
        [
            Page("GET", LIST_PATH, listed, "The awards found for the enterprise", {200: html("Them"), **guarded}),
            Page(
                "POST",
                ANSWER_PATH,
                answer,
                "Confirm an award, or deny it (« ce n'est pas nous »)",
                {**guarded, 303: redirect("Answered: to the list"), 404: html("Not an award of this enterprise")},
                form=form,
            ),
        ],
    )
    return router
