"""Shared fixtures. Real publisher files are read from ../shared/data beside the checkout, never copied."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(
            f"real publisher files not found at {SHARED_DATA}: the conformance tests need the shared/ "
            "folder beside the project checkout (as laid out for CI)"
        )
    return SHARED_DATA
