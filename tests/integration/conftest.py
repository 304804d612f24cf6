"""Integration fixtures: moto with resources from template.yaml, and a local publisher."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.feed_server import FeedServer
from local.runtime import LocalAws, local_aws


@pytest.fixture
def aws() -> Iterator[LocalAws]:
    with local_aws() as runtime:
        yield runtime


@pytest.fixture(scope="module")
def aws_world() -> Iterator[LocalAws]:
    """One moto for a whole module: its tests share a world (the spaces' people) built once."""
    with local_aws() as runtime:
        yield runtime


@pytest.fixture
def publisher() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
