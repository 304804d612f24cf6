"""The public web function: one HTTP API, one resolver, feature routers plugged in by the handler.

Every response gets the security headers; every POST is checked for same origin (but the paths a
router declares exempt, such as RFC 8058 one-click unsubscribe); errors are pages in the reader's
language, never a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from importlib import resources

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.config import SenderIdentity
from esja.web.pages import error_page, page_language
from esja.web.security import same_origin_posts, secured, security_headers

logger = logging.getLogger(__name__)

STYLESHEET = (resources.files("esja") / "web" / "static" / "site.css").read_text(encoding="utf-8")


def create_app(
    *,
    public_base_url: str,
    sender: SenderIdentity,
    routers: Sequence[Router],
    cross_site_posts: Collection[str] = (),
) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver()

    def refuse(resolver: APIGatewayHttpResolver) -> Response[str]:
        return error_page(page_language(resolver), 403, "error.bad_origin", sender=sender)

    app.use(middlewares=[security_headers, same_origin_posts(public_base_url, exempt=cross_site_posts, refuse=refuse)])

    @app.get("/static/site.css", include_in_schema=False)
    def stylesheet() -> Response[str]:
        return Response(200, "text/css; charset=utf-8", STYLESHEET, headers={"Cache-Control": "public, max-age=3600"})

    @app.not_found
    def not_found(_: Exception) -> Response[str]:
        return error_page(page_language(app), 404, "error.not_found", sender=sender)

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def server_error(error: Exception) -> Response[str]:
        logger.exception("unhandled error", extra={"path": app.current_event.path})
        # Exception handlers answer outside the middleware chain: add the headers here too.
        return secured(error_page(page_language(app), 500, "error.server", sender=sender))

    for router in routers:
        app.include_router(router)
    return app
