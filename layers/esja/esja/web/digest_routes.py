"""The archived digest an organizer's e-mail links to: GET /sommaire?jeton=… (esja.digest.links).

The page is the digest as archived in S3 — our own HTML, autoescaped when rendered, with inline styles
(it is an e-mail's body) and no script: its Content-Security-Policy allows exactly that. A forged,
altered or expired token gets a clear page in the reader's language, status 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.config import SenderIdentity
from esja.digest.links import ARCHIVE_PATH, TOKEN_FIELD, DigestLinks
from esja.tokens import InvalidToken
from esja.web.openapi import LANG, described, html, query
from esja.web.pages import HTML, error_page
from esja.web.requests import RequestReader

# The site's policy, but for the inline styles an e-mail's body is made of.
ARCHIVE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
ARCHIVE_HEADERS = {
    "Content-Security-Policy": ARCHIVE_CSP,
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex",
}
TOKEN = query(TOKEN_FIELD, "The signed token of the link in a digest e-mail", required=True)


class ArchiveReader(Protocol):
    def get(self, key: str) -> str | None: ...


def digest_router(*, archive: Callable[[], ArchiveReader], links: DigestLinks, sender: SenderIdentity) -> Router:
    """`archive` gives the archive's reader when a page first needs it."""
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    request = RequestReader(router)

    @router.get(
        ARCHIVE_PATH,
        summary="An organizer's weekly digest, as archived when it was e-mailed",
        tags=["Digest"],
        responses={
            200: html("The digest"),
            400: html("The link is not valid, or expired"),
            404: html("No digest archived under this link"),
        },
        openapi_extensions=described(parameters=[TOKEN, LANG]),
    )
    def archived_digest() -> Response[str]:
        lang = request.language()
        try:
            key = links.archived(request.query(TOKEN_FIELD))
        except InvalidToken:
            return error_page(lang, 400, "digest.archive.invalid", sender=sender)
        page = archive().get(key)
        if page is None:
            return error_page(lang, 404, "digest.archive.missing", sender=sender)
        headers = {
            "Content-Security-Policy": ARCHIVE_CSP,
            "Cache-Control": "private, no-store",
            "X-Robots-Tag": "noindex",
        }
        return Response(200, HTML, page, headers=headers)

    return router
