"""The public web function: one HTTP API, one resolver, feature routers plugged in by the handler.

Every response gets the security headers; every state-changing request is checked for same origin (but
the paths a router declares exempt, such as RFC 8058 one-click unsubscribe); errors are pages in the
reader's language, never a stack trace: AWS failing is one 503 page whatever the route, a known path
asked with the wrong method a 405 naming the right ones, and HEAD is GET without the body.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from importlib import resources
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.typing import LambdaContext

from esja.config import SenderIdentity
from esja.errors import StoreError
from esja.people.actor import NotAllowed
from esja.pledges.form import MalformedForm
from esja.web.forms import BadForm
from esja.web.pages import error_page, page_language
from esja.web.security import same_origin_posts, secured, security_headers
from esja.web.session import Redirect, Refused
from esja.web.uploads import TooLarge

logger = logging.getLogger(__name__)

STYLESHEET = (resources.files("esja") / "web" / "static" / "site.css").read_text(encoding="utf-8")


class SiteResolver(APIGatewayHttpResolver):
    """The resolver, answering HEAD on every GET route: the GET's status and headers, no body (RFC 9110)."""

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        http = event.get("requestContext", {}).get("http", {})
        if http.get("method") != "HEAD":
            return super().resolve(event, context)
        as_get = {**event, "requestContext": {**event["requestContext"], "http": {**http, "method": "GET"}}}
        answer = super().resolve(as_get, context)
        return {**answer, "body": "", "isBase64Encoded": False}

    def allowed_methods(self, path: str) -> list[str]:
        """The methods some route answers on this path (HEAD wherever GET is); none for an unknown path."""
        # Powertools keeps its routes in these two lists and has no public way to ask them.
        methods = {route.method for route in self._static_routes + self._dynamic_routes if route.rule.match(path)}
        return sorted(methods | ({"HEAD"} if "GET" in methods else set()))


def create_app(
    *,
    public_base_url: str,
    sender: SenderIdentity,
    routers: Sequence[Router],
    cross_site_posts: Collection[str] = (),
) -> SiteResolver:
    app = SiteResolver()

    def refuse(resolver: APIGatewayHttpResolver) -> Response[str]:
        return error_page(page_language(resolver), 403, "error.bad_origin", sender=sender)

    app.use(middlewares=[security_headers, same_origin_posts(public_base_url, exempt=cross_site_posts, refuse=refuse)])

    @app.get("/static/site.css", include_in_schema=False)
    def stylesheet() -> Response[str]:
        return Response(200, "text/css; charset=utf-8", STYLESHEET, headers={"Cache-Control": "public, max-age=3600"})

    @app.not_found
    def not_found(_: Exception) -> Response[str]:
        path = app.current_event.path
        if app.current_event.request_context.http.method == "GET" and "GET" in app.allowed_methods(f"{path}/"):
            query = app.current_event.raw_query_string
            return Response(308, headers={"Location": f"{path}/{'?' + query if query else ''}"})  # /organisation → …/
        allowed = app.allowed_methods(path)
        if allowed:
            answer = error_page(page_language(app), 405, "error.method_not_allowed", sender=sender)
            answer.headers["Allow"] = ", ".join(allowed)
            return answer
        return error_page(page_language(app), 404, "error.not_found", sender=sender)

    # The spaces' answers (esja.web.session), and a use case's refusal. Exception handlers answer outside
    # the middleware chain: each adds the security headers itself.
    @app.exception_handler(Redirect)  # type: ignore[untyped-decorator]
    def redirect(to: Redirect) -> Response[str]:
        return secured(Response(303, headers={"Location": to.location}))

    @app.exception_handler(Refused)  # type: ignore[untyped-decorator]
    def refused(refusal: Refused) -> Response[str]:
        return secured(error_page(page_language(app), refusal.status, refusal.message_key, sender=sender))

    @app.exception_handler(NotAllowed)  # type: ignore[untyped-decorator]
    def not_allowed(refusal: NotAllowed) -> Response[str]:
        status, message = (404, "error.not_found") if refusal.hidden else (403, "space.error.not_allowed")
        return secured(error_page(page_language(app), status, message, sender=sender))

    @app.exception_handler(BadForm)  # type: ignore[untyped-decorator]
    @app.exception_handler(MalformedForm)  # type: ignore[untyped-decorator]  # a field sent twice to a use case
    def bad_form(_: BadForm | MalformedForm) -> Response[str]:
        return secured(error_page(page_language(app), 400, "pledge.error.malformed", sender=sender))

    @app.exception_handler(TooLarge)  # type: ignore[untyped-decorator]
    def too_large(_: TooLarge) -> Response[str]:
        return secured(error_page(page_language(app), 413, "console.enterprises.upload.too_big", sender=sender))

    @app.exception_handler(StoreError)  # type: ignore[untyped-decorator]
    def aws_failed(error: StoreError) -> Response[str]:
        # AWS failed after the SDK's few retries: nothing was half done, the person can try again.
        logger.warning("AWS failed", extra={"path": app.current_event.path, "error": str(error)})
        # Exception handlers answer outside the middleware chain: add the headers here too.
        return secured(error_page(page_language(app), 503, "error.server", sender=sender))

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def server_error(error: Exception) -> Response[str]:
        logger.exception("unhandled error", extra={"path": app.current_event.path})
        return secured(error_page(page_language(app), 500, "error.server", sender=sender))

    for router in routers:
        app.include_router(router)
    return app
