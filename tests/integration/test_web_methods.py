"""HTTP methods on the whole web function: HEAD on every GET route, 405 with Allow on a known path."""

from __future__ import annotations

import json

import pytest

from local.runtime import LocalAws
from tests.pledge_builders import BASE_URL, WebClient


@pytest.fixture
def web(aws: LocalAws) -> WebClient:
    return WebClient(aws)


def get_paths(web: WebClient) -> list[str]:
    """Every GET route the OpenAPI document describes, and the stylesheet it leaves out."""
    document = json.loads(web.get("/openapi.json")["body"])
    documented = sorted(path for path, operations in document["paths"].items() if "get" in operations)
    return [*documented, "/static/site.css"]


def test_head_is_answered_like_get_without_a_body_on_every_get_route(web: WebClient) -> None:
    paths = get_paths(web)

    assert {"/", "/engagement", "/registre", "/desabonnement", "/preferences", "/sommaire"} <= set(paths)
    for path in paths:
        get, head = web.get(f"{path}?lang=en"), web.send("HEAD", f"{path}?lang=en", b"")
        assert head["statusCode"] == get["statusCode"], path
        assert head["headers"] == get["headers"], path
        assert head["body"] == "" and (get["body"] or get["statusCode"] == 303), path  # a space's: to sign in


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/registre", "GET, HEAD"),
        ("POST", "/", "GET, HEAD"),
        ("PUT", "/engagement", "GET, HEAD, POST"),
        ("DELETE", "/desabonnement", "GET, HEAD, POST"),
        ("PATCH", "/sommaire", "GET, HEAD"),
    ],
)
def test_a_wrong_method_on_a_known_path_gets_405_naming_the_right_ones(
    web: WebClient, method: str, path: str, allow: str
) -> None:
    answer = web.send(method, path, b"", {"origin": BASE_URL})

    assert answer["statusCode"] == 405 and answer["headers"]["Allow"] == allow
    assert "Cette page ne s'utilise pas de cette façon" in answer["body"]
