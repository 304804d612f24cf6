"""What a router's pages read from the request being served: its language, a query parameter, its form (and,
for a page that takes a file, the file: esja.web.uploads)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.web.forms import read_form
from esja.web.pages import page_language
from esja.web.uploads import MultipartForm, Upload, is_multipart, read_multipart


class RequestReader:
    def __init__(self, router: Router, *, max_file_bytes: int = 0) -> None:
        """`max_file_bytes`: the pages of this router take forms with a file that big (multipart/form-data)."""
        self._router = router
        self._max_file_bytes = max_file_bytes
        self._read: tuple[Any, MultipartForm] | None = None  # the request whose body was read, and what it held

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
        """The posted form; raises BadForm for a body no browser sends (TooLarge for a file too big)."""
        if self._max_file_bytes and is_multipart(self.app.current_event):
            return self._multipart().fields
        return read_form(self.app.current_event)

    def upload(self, name: str) -> Upload | None:
        """The file the form sent in its field `name`, if it sent one."""
        if not (self._max_file_bytes and is_multipart(self.app.current_event)):
            return None
        return self._multipart().files.get(name)

    def _multipart(self) -> MultipartForm:
        """Read once per request: the anti-forgery check and the page both read the form."""
        event = self.app.current_event
        if self._read is None or self._read[0] is not event.raw_event:
            self._read = (event.raw_event, read_multipart(event, max_file_bytes=self._max_file_bytes))
        return self._read[1]
