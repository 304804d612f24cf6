"""The invitations as an OCDS 1.1 release package: every release valid against the OCDS 1.1.5 schema
(../shared/data), the publisher's licence, stable ocids, and what ESJA's own OCDS parser reads back."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from esja.model import Status
from esja.signatory_space.invitation_tender import as_tender
from esja.signatory_space.publication import LICENSE_URL
from esja.sources.ocds import parse_ocds
from tests.invitation_builders import MATANE, RIMOUSKI, SignatoryWorld, as_form, invitation_fields
from tests.ocds_schema import problems, release_package_validator
from tests.space_builders import NOW


@pytest.fixture(scope="module")
def validator(shared_data: Path) -> Draft4Validator:
    return release_package_validator(shared_data)


@pytest.fixture
def world() -> SignatoryWorld:
    world = SignatoryWorld()
    world.directory.listed_ids = {"menage-bsl"}
    return world


def every_kind(world: SignatoryWorld) -> None:
    """An open one in French only; a bilingual named one with a value, a link and documents online; an
    amended one; a cancelled one."""
    world.post()
    world.post(
        MATANE,
        title_en="Cleaning of the arena",
        title_fr="Entretien de l'aréna",
        description_en="Weekly cleaning of the arena's floors and washrooms.",
        municipality="Matane",
        value="12 345,67",
        answer_url="https://matane.example.org/appels",
        documents="https://matane.example.org/appels/devis.pdf",
        audience="named",
        enterprises=["menage-bsl"],
    )
    amended = world.post(title_fr="Déneigement des stationnements").invitation
    cancelled = world.post(
        title_fr="Tonte de pelouse des parcs", documents="Hôtel de ville, 205, av. de la Cathédrale"
    ).invitation
    assert amended is not None and cancelled is not None
    world.clock.advance(hours=3)
    title = "Déneigement des stationnements municipaux"
    world.invitation_service.amend(world.actor(RIMOUSKI), amended.id, as_form(invitation_fields(title_fr=title)))
    world.invitation_service.cancel(world.actor(RIMOUSKI), cancelled.id)


def test_every_release_of_every_kind_is_valid_ocds_1_1(world: SignatoryWorld, validator: Draft4Validator) -> None:
    every_kind(world)

    package = world.invitation_service.package()

    assert problems(validator, package) == []
    assert len(package["releases"]) == 4
    assert {tuple(r["tag"]) for r in package["releases"]} == {
        ("tender",),
        ("tenderAmendment",),
        ("tenderCancellation",),
    }


def test_the_package_names_its_publisher_licence_and_stable_ocids(world: SignatoryWorld) -> None:
    invitation = world.post().invitation
    assert invitation is not None

    package = world.invitation_service.package()

    assert package["license"] == LICENSE_URL == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publisher"] == {"name": "Chantier de l'économie sociale", "uri": "https://esja.example.org"}
    assert package["uri"] == "https://esja.example.org/ocds/invitations.json"
    [release] = package["releases"]
    assert release["ocid"] == f"ocds-esja00-{invitation.id}" and release["id"] == f"ocds-esja00-{invitation.id}-1"
    assert package["publishedDate"] == release["date"] == NOW.isoformat()


def test_a_new_version_is_a_new_release_with_the_same_ocid(world: SignatoryWorld, validator: Draft4Validator) -> None:
    invitation = world.post().invitation
    assert invitation is not None
    first = world.invitation_service.package()["releases"][0]
    world.clock.advance(hours=1)

    world.invitation_service.amend(world.actor(RIMOUSKI), invitation.id, as_form(invitation_fields(value="30 000")))
    second = world.invitation_service.package()["releases"][0]

    assert second["ocid"] == first["ocid"] and second["id"] != first["id"] and second["date"] > first["date"]
    assert second["tender"]["amendments"] == [
        {
            "id": "1",
            "date": world.clock.now.isoformat(),
            "rationale": "Invitation modifiée",
            "amendsReleaseID": first["id"],
            "releaseID": second["id"],
        }
    ]
    assert second["tender"]["value"] == {"amount": 30000, "currency": "CAD"}


def test_the_same_invitations_give_the_same_package(world: SignatoryWorld) -> None:
    every_kind(world)
    first = json.dumps(world.invitation_service.package())
    world.clock.advance(days=1)

    assert json.dumps(world.invitation_service.package()) == first  # immutable releases, dated by their changes


def test_esjas_ocds_parser_reads_back_what_the_matcher_reads(world: SignatoryWorld) -> None:
    every_kind(world)
    body = json.dumps(world.invitation_service.package()).encode()

    parsed = parse_ocds(body, source="esja-invitations", now=world.clock.now)

    assert parsed.rejected == [] and parsed.repairs == []
    read_back = {t.native_id: t for t in parsed.tenders}
    for invitation in world.invitations.by_id.values():
        expected = as_tender(invitation, world.publication, world.clock.now)
        tender = read_back[expected.native_id]
        assert (tender.title, tender.description) == (expected.title, expected.description)
        assert tender.status is expected.status
        assert tender.closing_at == expected.closing_at
        assert tender.published_at == invitation.version_at  # OCDS 1.1 dates a release, not the first notice
        assert tender.unspsc_codes == expected.unspsc_codes and tender.category is expected.category
        assert tender.value == expected.value and tender.url == expected.url
        assert tender.buyer is not None and tender.buyer.name.fr == invitation.institution.name
        assert tender.amendment_number == expected.amendment_number
    assert {t.status for t in parsed.tenders} == {Status.OPEN, Status.CANCELLED}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=st.text(min_size=5, max_size=200).filter(lambda t: t.strip()),
    description=st.text(min_size=20, max_size=400),
    days=st.integers(min_value=1, max_value=300),
)
def test_any_invitation_the_form_accepts_is_a_valid_release(
    validator: Draft4Validator, title: str, description: str, days: int
) -> None:
    world = SignatoryWorld()
    saved = world.post(title_fr=title, description_fr=description, closing=NOW + timedelta(days=days))

    if saved.invitation is not None:
        assert problems(validator, world.invitation_service.package()) == []


def test_the_schema_check_catches_what_ocds_refuses(world: SignatoryWorld, validator: Draft4Validator) -> None:
    """The check above can fail: a status outside the codelist, a date without its offset, a relative link."""
    world.post()
    package = world.invitation_service.package()
    release = package["releases"][0]
    release["tender"]["status"] = "open"
    release["date"] = "2026-11-16 14:00"
    release["tender"]["documents"][0]["url"] = "/invitations/x"

    found = problems(validator, package)

    assert len(found) == 3, found
