"""What a router's pages read from the request being served: its language, a query parameter, its form."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.web.forms import read_form
from esja.web.pages import page_language


class RequestReader:
    def __init__(self, router: Router) -> None:
        self._router = router

    @property
    def app(self) -> APIGatewayHttpResolver:
        app = self._router.api_resolver
        if not isinstance(app, APIGatewayHttpResolver):
            raise TypeError("these pages are served by an APIGatewayHttpResolver")
        return app

    def language(self) -> str:
        return page_language(self.app)

    def query(self, name: str) -> str:
        return (self.app.current_event.query_string_parameters or {}).get(name, "")

    def form(self) -> dict[str, list[str]]:
        """The posted form; raises BadForm for a body no browser sends."""
        return read_form(self.app.current_event)
