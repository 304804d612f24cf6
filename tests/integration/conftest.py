"""Integration fixtures: moto with resources from template.yaml, and a local publisher."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.feed_server import FeedServer
from local.runtime import LocalAws, local_aws
from tests.space_web import SpaceWeb, Visitor


@pytest.fixture
def aws() -> Iterator[LocalAws]:
    with local_aws() as runtime:
        yield runtime


@pytest.fixture(scope="module")
def aws_world() -> Iterator[LocalAws]:
    """One moto for a whole module: its tests share a world (the spaces' people) built once."""
    with local_aws() as runtime:
        yield runtime


@pytest.fixture(scope="module")
def web(aws_world: LocalAws) -> SpaceWeb:
    """The web function on the module's world, as the spaces' tests reach it (a module may bring its own)."""
    return SpaceWeb(aws_world)


@pytest.fixture(scope="module")
def people(web: SpaceWeb) -> dict[str, Visitor]:
    """The console world's people (SpaceWeb.console_people), each in a session of their own."""
    return web.console_people()


@pytest.fixture
def publisher() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
