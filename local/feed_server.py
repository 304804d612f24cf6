"""A local HTTP server that plays the publishers: the bundled sample feeds (and a CKAN listing for
SEAO) for the demo, and any route a test wants — slow, failing, truncated — for the fault matrix."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from esja.sources.catalogue import SEAO_DATASET_ID

SAMPLE_FEEDS = Path(__file__).parent / "sample_feeds"
# The samples are written for the week of this Monday; the server moves them to the current week.
SAMPLE_WEEK = date(2026, 11, 23)
CKAN_PATH = "/recherche/api/3/action/package_show"


@dataclass(slots=True)
class Route:
    body: bytes | Callable[[], bytes] = b""
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0  # seconds before answering (a slow publisher)
    truncate_to: int | None = None  # announce the full length, send only this many bytes
    hits: int = 0


class FeedServer:
    """`with FeedServer() as server:` serves `server.routes` on http://127.0.0.1:<free port>."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = routes or {}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _handler_for(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            route = server.routes.get(path)
            if route is None:
                self.send_error(404)
                return
            route.hits += 1
            time.sleep(route.delay)
            body = route.body() if callable(route.body) else route.body
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            if route.status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(usegmt=True))
            self.end_headers()
            self.wfile.write(body[: route.truncate_to] if route.truncate_to is not None else body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the demo prints its own summary
            pass

    return Handler


# --- the bundled samples, moved to the current week ---

_ISO_DAY = re.compile(rb"(?<!\d)(20\d\d)-(\d\d)-(\d\d)")
_COMPACT_DAY = re.compile(rb"(?<!\d)(20\d\d)(\d\d)(\d\d)(?=\d{6}\b|_|\.json)")


def week_shift(today: date) -> timedelta:
    """Whole weeks from the samples' week to the current one, so weekdays stay weekdays."""
    monday = today - timedelta(days=today.weekday())
    return monday - SAMPLE_WEEK


def shift_dates(data: bytes, shift: timedelta) -> bytes:
    """Move every date in a feed file (ISO dates, SEAO's compact release ids and file names)."""

    def iso(match: re.Match[bytes]) -> bytes:
        day = date(*map(int, match.groups())) + shift
        return day.isoformat().encode()

    def compact(match: re.Match[bytes]) -> bytes:
        day = date(*map(int, match.groups())) + shift
        return day.strftime("%Y%m%d").encode()

    return _COMPACT_DAY.sub(compact, _ISO_DAY.sub(iso, data))


def sample_routes(base_url: str, today: date) -> dict[str, Route]:
    """Routes for every bundled sample file, plus SEAO's CKAN listing pointing at them."""
    shift = week_shift(today)
    routes: dict[str, Route] = {}
    for file in sorted(SAMPLE_FEEDS.rglob("*")):
        if file.suffix not in (".json", ".csv"):
            continue
        name = shift_dates(file.name.encode(), shift).decode()
        content_type = "text/csv; charset=utf-8" if file.suffix == ".csv" else "application/json"
        routes[f"/{file.parent.name}/{name}"] = Route(shift_dates(file.read_bytes(), shift), content_type=content_type)
    seao = sorted(path for path in routes if path.startswith("/seao/"))
    routes[CKAN_PATH] = Route(ckan_package_show(base_url, seao))
    return routes


def ckan_package_show(base_url: str, paths: list[str]) -> bytes:
    """A CKAN `package_show` answer shaped like Données Québec's for the SEAO dataset."""
    resources = [
        {
            "id": hashlib.md5(path.encode()).hexdigest(),  # noqa: S324 - a stable fake uuid, not security
            "name": path.rsplit("/", 1)[-1],
            "format": "JSON",
            "url": base_url + path,
            "package_id": SEAO_DATASET_ID,
        }
        for path in paths
    ]
    package = {
        "success": True,
        "result": {"id": SEAO_DATASET_ID, "name": "systeme-electronique-dappel-doffres-seao", "resources": resources},
    }
    return json.dumps(package, ensure_ascii=False).encode()
