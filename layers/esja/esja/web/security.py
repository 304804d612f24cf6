"""Headers on every page, and the same-origin check on every state-changing request."""

from __future__ import annotations

from collections.abc import Callable, Collection
from urllib.parse import urlsplit

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

# Methods that change nothing (RFC 9110 §9.2.1): the only ones another site may send us.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SECURITY_HEADERS = {
    # No script at all; styles only from our own stylesheet; forms post only to us; never framed.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Links carry signed tokens: never leak them to another site through the Referer. Not "no-referrer":
    # under it browsers send `Origin: null` with our own forms (Fetch standard), which we refuse.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def security_headers(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[str]:
    return secured(next_middleware(app))


def secured(response: Response[str]) -> Response[str]:
    """The response with every security header it does not set itself (also for error pages built
    outside the middleware chain)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def same_origin_posts(
    public_origin: str, *, exempt: Collection[str] = (), refuse: Callable[[APIGatewayHttpResolver], Response[str]]
) -> Callable[[APIGatewayHttpResolver, NextMiddleware], Response[str]]:
    """Refuse a state-changing request whose Origin is another site — or `null`, what sandboxed frames,
    `data:` pages and redirects across sites send — or that the browser says came cross-site.

    `exempt`: paths that must accept POSTs from elsewhere — RFC 8058 one-click unsubscribe comes from
    mail providers' servers, authorised by its signed token alone.
    """
    expected = _origin(public_origin)

    def middleware(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[str]:
        event = app.current_event
        if event.request_context.http.method not in SAFE_METHODS and event.path not in exempt:
            headers = {k.lower(): v for k, v in (event.headers or {}).items()}
            origin = headers.get("origin")
            fetch_site = headers.get("sec-fetch-site")
            if (origin is not None and _origin(origin) != expected) or fetch_site == "cross-site":
                return refuse(app)
        return next_middleware(app)

    return middleware


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
