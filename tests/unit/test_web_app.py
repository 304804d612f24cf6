"""The public web app's shared behaviour: headers on every page, error pages, same-origin POSTs."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.config import SenderIdentity
from esja.web.app import create_app
from esja.web.security import SECURITY_HEADERS
from local.http_adapter import to_event
from local.runtime import FakeLambdaContext

BASE = "https://esja.example.org"
SENDER = SenderIdentity("Chantier de l'économie sociale", "4200, boul. Saint-Laurent", "info@esja.example.org")


def app_with_routes() -> Any:
    router = Router()

    @router.get("/boom")
    def boom() -> Response[str]:
        raise RuntimeError("a bug")

    @router.post("/change")
    def change() -> Response[str]:
        return Response(200, "text/plain", "changed")

    @router.post("/one-click")
    def one_click() -> Response[str]:
        return Response(200, "text/plain", "unsubscribed")

    return create_app(public_base_url=BASE, sender=SENDER, routers=[router], cross_site_posts=["/one-click"])


def call(method: str, path: str, **headers: str) -> dict[str, Any]:
    event = to_event(method, path, headers, b"", "esja.example.org")
    return app_with_routes().resolve(event, FakeLambdaContext("web"))  # type: ignore[no-any-return]


@pytest.mark.parametrize(("path", "status"), [("/boom", 500), ("/nowhere", 404), ("/static/site.css", 200)])
def test_every_answer_carries_the_security_headers(path: str, status: int) -> None:
    answer = call("GET", path)

    assert answer["statusCode"] == status
    for name, value in SECURITY_HEADERS.items():
        assert answer["headers"][name] == value


def test_a_bug_shows_a_page_in_the_readers_language_never_a_trace() -> None:
    answer = call("GET", "/boom?lang=en")

    assert "briefly unavailable" in answer["body"] and "RuntimeError" not in answer["body"]
    assert '<html lang="en">' in answer["body"]


def test_french_is_the_default_language() -> None:
    answer = call("GET", "/nowhere", **{"Accept-Language": "de-DE"})

    assert "Cette page n'existe pas." in answer["body"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": BASE}, 200),
        ({}, 200),
        ({"Origin": "https://evil.example"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
    ],
)
def test_state_changing_posts_must_come_from_our_own_pages(headers: dict[str, str], status: int) -> None:
    assert call("POST", "/change", **headers)["statusCode"] == status


def test_one_click_unsubscribe_is_accepted_from_mail_providers() -> None:
    assert call("POST", "/one-click", Origin="https://mail.example.com")["statusCode"] == 200
