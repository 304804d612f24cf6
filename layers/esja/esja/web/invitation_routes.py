"""The invitations' public pages: each invitation (French and English), and all of them as OCDS.

Open to all, like the registry: an invitation is published the moment a signatory posts it. Posting and
changing one happen in the signatories' space (esja.web.signatory_routes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.config import SenderIdentity
from esja.signatory_space.invitations import InvitationService
from esja.signatory_space.publication import INVITATION_PATH, OCDS_PACKAGE_PATH
from esja.web.openapi import LANG, Page, add_pages, html
from esja.web.pages import error_page
from esja.web.pages import page as render_page
from esja.web.requests import RequestReader

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

TAGS = ["Invitations"]
INVITATION_ID = {
    "name": "invitation_id",
    "in": "path",
    "required": True,
    "description": "The invitation's id (10 hexadecimal digits)",
    "schema": {"type": "string", "pattern": "^[0-9a-f]{10}$"},
}


@dataclass(frozen=True, slots=True)
class InvitationPages:
    _service: InvitationService
    _sender: SenderIdentity
    _request: RequestReader

    def invitation(self, invitation_id: str) -> Response[str]:
        lang = self._request.language()
        shown = self._service.page(invitation_id, lang)
        if shown is None:
            return error_page(lang, 404, "error.not_found", sender=self._sender)
        return render_page("pages/invitation.html", lang, sender=self._sender, page=shown)

    def package(self) -> Response[str]:
        package = self._service.package()
        headers = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
        if not package["releases"]:
            # A release package holds one release or more (the schema's minItems): before the first invitation
            # there is no package yet, as a publisher's file that does not exist yet.
            body = json.dumps({"error": "no invitation published yet"})
            headers["Cache-Control"] = "no-cache"  # the first invitation publishes it at once
            return Response(404, "application/json; charset=utf-8", body, headers=headers)
        body = json.dumps(package, ensure_ascii=False, separators=(",", ":"))
        return Response(200, "application/json; charset=utf-8", body, headers=headers)


def invitation_router(service: InvitationService, sender: SenderIdentity) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = InvitationPages(service, sender, RequestReader(router))
    package: OpenAPIResponse = {
        "description": "An OCDS 1.1 release package: every invitation's latest release",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    add_pages(
        router,
        TAGS,
        [
            Page(
                "GET",
                INVITATION_PATH,
                pages.invitation,
                "A signatory's invitation to tender or request for quotes",
                {200: html("The invitation: what, where, until when, how to answer"), 404: html("No such invitation")},
                (INVITATION_ID, LANG),
            ),
            Page(
                "GET",
                OCDS_PACKAGE_PATH,
                pages.package,
                "The invitations as open data (OCDS 1.1 release package, CC BY 4.0)",
                {
                    200: package,
                    404: {"description": "No invitation published yet", "content": {"application/json": {}}},
                },
                (),
            ),
        ],
    )
    return router
