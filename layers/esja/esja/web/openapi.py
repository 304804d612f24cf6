"""The OpenAPI document of the public HTTP API, generated from the routes by Powertools.

Served at /openapi.json. Powertools describes a route's parameters and body from its signature only
when it validates them (pydantic on the request path); our pages read their own forms, so routes
describe their query parameters and form bodies with `described(...)` below, from the same constants
their code uses, passed as `openapi_extensions` (which Powertools merges into the operation as given;
the /openapi.json test checks they land there). pydantic is imported only when the document is first
asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

OPENAPI_PATH = "/openapi.json"
TITLE = "ESJA — L'économie sociale, j'achète!"
VERSION = "1"
DESCRIPTION = (
    "Public pages of ESJA: HTML in French by default, English with ?lang=en (remembered in a cookie). "
    "Every POST is a form sent from these pages (same origin); no JavaScript is needed."
)


def html(description: str) -> OpenAPIResponse:
    """An OpenAPI response: an HTML page."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def redirect(description: str) -> OpenAPIResponse:
    """An OpenAPI response without a body: a redirection."""
    return {"description": description}


def query(
    name: str, description: str, *, required: bool = False, schema: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": dict(schema or {"type": "string"}),
    }


LANG = query("lang", "Language of the page (fr by default, or the one remembered)", schema={"enum": ["fr", "en"]})


def described(*, parameters: Sequence[Mapping[str, Any]] = (), form: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`openapi_extensions` for a route: its query parameters and its form body (a JSON Schema object)."""
    extra: dict[str, Any] = {"parameters": [dict(p) for p in parameters]}
    if form is not None:
        extra["requestBody"] = {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": form}}}
    return extra


@dataclass(frozen=True, slots=True)
class Page:
    """One route of a router: its handler, and what the OpenAPI document says of it."""

    method: Literal["GET", "POST"]
    path: str
    handler: Callable[..., Response[str]]  # path parameters come as keyword arguments
    summary: str
    responses: Mapping[int, OpenAPIResponse]
    parameters: Sequence[Mapping[str, Any]] = (LANG,)
    form: Mapping[str, Any] | None = None  # the POSTed form, as JSON Schema
    description: str | None = None
    middlewares: Sequence[Callable[..., Response[str]]] = ()


def add_pages(router: Router, tags: list[str], pages: Iterable[Page]) -> None:
    for page in pages:
        add = router.get if page.method == "GET" else router.post
        add(
            page.path,
            summary=page.summary,
            description=page.description,
            tags=tags,
            responses=dict(page.responses),
            middlewares=list(page.middlewares) or None,
            openapi_extensions=described(parameters=page.parameters, form=page.form),
        )(page.handler)


def add_openapi_route(app: APIGatewayHttpResolver) -> None:
    document: list[str] = []  # generated once per container

    @app.get(OPENAPI_PATH, include_in_schema=False)
    def openapi() -> Response[str]:
        if not document:
            document.append(app.get_openapi_json_schema(title=TITLE, version=VERSION, description=DESCRIPTION))
        return Response(
            200, "application/json; charset=utf-8", document[0], headers={"Cache-Control": "public, max-age=300"}
        )
