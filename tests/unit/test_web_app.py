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
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated

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
        # What a sandboxed frame, a data: page or a redirect from another site sends: not our origin.
        ({"Origin": "null"}, 403),
    ],
)
def test_state_changing_posts_must_come_from_our_own_pages(headers: dict[str, str], status: int) -> None:
    assert call("POST", "/change", **headers)["statusCode"] == status


def test_our_pages_ask_browsers_to_send_their_real_origin_with_our_own_forms() -> None:
    # Under "no-referrer" a browser sends `Origin: null` with every form (Fetch standard): refused above.
    policy = call("GET", "/static/site.css")["headers"]["Referrer-Policy"]

    assert policy in ("same-origin", "strict-origin", "strict-origin-when-cross-origin")


def test_head_is_answered_like_get_without_a_body() -> None:
    get, head = call("GET", "/static/site.css"), call("HEAD", "/static/site.css")

    assert head["statusCode"] == get["statusCode"] == 200
    assert head["headers"] == get["headers"] and head["body"] == "" and get["body"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", "/boom", "GET, HEAD"), ("DELETE", "/change", "POST"), ("PUT", "/static/site.css", "GET, HEAD")],
)
def test_a_wrong_method_on_a_known_path_is_told_which_methods_it_takes(method: str, path: str, allow: str) -> None:
    answer = call(method, f"{path}?lang=en", Origin=BASE)

    assert answer["statusCode"] == 405 and answer["headers"]["Allow"] == allow
    assert "not used this way" in answer["body"]
    for name, value in SECURITY_HEADERS.items():
        assert answer["headers"][name] == value


def test_a_wrong_method_from_another_site_is_refused_before_anything_else() -> None:
    assert call("DELETE", "/change", Origin="https://evil.example")["statusCode"] == 403


def test_an_unknown_path_is_not_found_whatever_the_method() -> None:
    assert call("POST", "/nowhere", Origin=BASE)["statusCode"] == 404


def test_one_click_unsubscribe_is_accepted_from_mail_providers() -> None:
    assert call("POST", "/one-click", Origin="https://mail.example.com")["statusCode"] == 200
