"""Fetching feed files over HTTP: conditional GETs, timeouts, a size cap and a deadline on every call.

urllib3 already ships with botocore in every Lambda runtime, so this costs no new dependency.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import urllib3
from urllib3.util import Retry, Timeout

USER_AGENT = "ESJA/1.0 (+https://github.com/esja; L'economie sociale, j'achete!)"


class FetchError(Exception):
    """The feed could not be fetched whole: down, slow, HTTP error, too large or cut short."""


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    body: bytes = b""
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None


class HttpFetcher:
    def __init__(
        self,
        *,
        timeout_seconds: float = 30.0,
        max_bytes: int = 100 * 1024 * 1024,
        retries: int = 2,
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        self._timeout = timeout_seconds
        self._max_bytes = max_bytes
        self._pool = pool or urllib3.PoolManager(
            retries=Retry(total=retries, backoff_factor=1.0, status_forcelist=(429, 502, 503, 504)),
            timeout=Timeout(connect=min(10.0, timeout_seconds), read=timeout_seconds),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
        )

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        # The read timeout bounds each socket read; the deadline bounds a server that trickles bytes.
        deadline = time.monotonic() + self._timeout * 4
        try:
            response = self._pool.request("GET", url, headers=headers, preload_content=False)
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(f"{url}: {type(error).__name__}: {error}") from error
        try:
            if response.status == 304:
                return Fetched(url, not_modified=True, etag=etag, last_modified=last_modified)
            if response.status >= 400:
                raise FetchError(f"{url}: HTTP {response.status}")
            body = self._read(response, url, deadline)
            return Fetched(
                url,
                body=body,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(f"{url}: {type(error).__name__}: {error}") from error
        finally:
            response.release_conn()

    def _read(self, response: urllib3.BaseHTTPResponse, url: str, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.stream(1024 * 1024, decode_content=True):
            size += len(chunk)
            if size > self._max_bytes:
                raise FetchError(f"{url}: larger than {self._max_bytes} bytes")
            if time.monotonic() > deadline:
                raise FetchError(f"{url}: too slow, gave up after {self._timeout * 4:.0f} s")
            chunks.append(chunk)
        return b"".join(chunks)
