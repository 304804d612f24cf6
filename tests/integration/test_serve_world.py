"""`make serve`'s demo world, built as `make serve` builds it (the demo's whole pipeline on moto, then what the
spaces add): it builds, and each person it tells you to sign in as gets into their space through the pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from local.runtime import LocalAws, local_aws
from local.serve import build_world, how_to_sign_in
from local.world import COACH, ENTERPRISE, INVITING, NOT_LISTED, ORGANIZER, PEOPLE, SIGNATORY, Person
from tests.space_web import SpaceWeb, main_text

HOMES = {ORGANIZER: "/organisation/", ENTERPRISE: "/entreprise/", SIGNATORY: "/signataire/"}
HOMES |= {INVITING: "/signataire/", NOT_LISTED: "/entreprise/"}


@pytest.fixture(scope="module")
def world() -> Iterator[LocalAws]:
    with local_aws() as aws:
        assert build_world(aws)
        yield aws


def test_make_serve_names_everyone_it_built(world: LocalAws) -> None:
    said = how_to_sign_in("http://127.0.0.1:3000", Path("out/outbox"))
    assert all(person.email in said for person in PEOPLE)


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p.email.split("@")[0])
def test_each_person_make_serve_names_signs_in_through_the_pages(world: LocalAws, person: Person) -> None:
    web = SpaceWeb(world, people=False)
    assert web.ask(person.email)["statusCode"] == 303
    opened = web.open_link(web.latest_link(person.email))
    assert opened["statusCode"] == 303
    visitor = web.visitor(opened)
    landing = visitor.get(opened["headers"]["Location"])
    if person is COACH:  # an organizer who also manages an enterprise's space chooses after signing in
        assert 'value="organizer:' in landing["body"] and 'value="enterprise:' in landing["body"]
        return
    home = visitor.get(HOMES[person])
    assert home["statusCode"] == 200, (person.email, home["statusCode"])
    assert main_text(home)
