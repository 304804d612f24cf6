"""Browser fixtures: the local server (web function on moto, in-process) and Debian's Chromium.

Without /usr/bin/chromium the browser tests are skipped with the reason, except in CI (CI is set),
where they must run: .ci/run installs Chromium with apt.
"""

from __future__ import annotations

import os
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local.http_adapter import serve
from local.runtime import LocalAws, local_aws
from local.serve import web_environment

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WEB = "WebFunction"


@dataclass(frozen=True, slots=True)
class LocalSite:
    base_url: str
    aws: LocalAws

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests (.ci/run installs chromium with apt)")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); CI runs these tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    """`make serve` in a background thread, on a free port."""
    with local_aws() as aws:
        env: dict[str, str] = {}
        server = serve(lambda event: aws.invoke(WEB, event, env), port=0)
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        env.update(web_environment(aws, base_url), POWERTOOLS_LOG_LEVEL="WARNING")
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        # One request before the browser's: the function's cold start reads its environment, once.
        with urllib.request.urlopen(f"{base_url}/", timeout=30) as first:
            assert first.status == 200
        try:
            yield LocalSite(base_url, aws)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
