"""A local HTTP server in front of a Lambda handler, speaking API Gateway HTTP API (payload v2.0).

request → v2 event → handler → response, on 127.0.0.1 only. No maintained package serves this
locally without Docker, hence these few lines.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Invoke = Callable[[dict[str, Any]], dict[str, Any]]


def to_event(method: str, target: str, headers: dict[str, str], body: bytes, host: str) -> dict[str, Any]:
    """The event API Gateway would send for this request."""
    url = urlsplit(target)
    lowered = {name.lower(): value for name, value in headers.items()}
    cookies = [c.strip() for c in lowered.pop("cookie", "").split(";") if c.strip()]
    query: dict[str, str] = {}
    for name, value in parse_qsl(url.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value  # API Gateway joins repeats
    # API Gateway hands a binary body (a file posted as multipart/form-data) to the function base64-encoded.
    binary = lowered.get("content-type", "").lower().startswith("multipart/")
    text = base64.b64encode(body).decode("ascii") if binary else body.decode("utf-8", errors="strict")
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": url.path or "/",
        "rawQueryString": url.query,
        "cookies": cookies,
        "headers": lowered,
        "queryStringParameters": query or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": host,
            "http": {
                "method": method,
                "path": url.path or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "body": text or None,
        "isBase64Encoded": binary,
    }


def serve(invoke: Invoke, *, port: int = 3000, after: Callable[[], None] = lambda: None) -> ThreadingHTTPServer:
    """A server (not started) that hands every request to `invoke`; `after` runs after each one."""

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            host = self.headers.get("Host", f"127.0.0.1:{port}")
            answer = invoke(to_event(self.command, self.path, dict(self.headers.items()), body, host))
            payload = answer.get("body") or ""
            data = base64.b64decode(payload) if answer.get("isBase64Encoded") else payload.encode("utf-8")
            self.send_response(int(answer.get("statusCode", 200)))
            for name, value in (answer.get("headers") or {}).items():
                self.send_header(name, value)
            for cookie in answer.get("cookies") or []:
                self.send_header("Set-Cookie", cookie)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            after()

        do_GET = do_POST = do_HEAD = _handle

        def log_message(self, format: str, *args: Any) -> None:
            print(f"{self.command} {self.path.split('?')[0]} → {args[1] if len(args) > 1 else ''}")

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)
