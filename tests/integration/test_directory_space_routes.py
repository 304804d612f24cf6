"""The directory's pages behind sign-in, on moto through the web function: an enterprise edits, previews, saves,
publishes and withdraws its listing — the public directory follows at once; an organizer takes a listing down
and lifts it. Every route as another enterprise, another role, nobody, and with a missing or foreign
anti-forgery token: refused, nothing changed. Hostile values in every field: never a 5xx, nothing unescaped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.directory.listing import LISTING_WORDING_VERSION, ListingRecord
from esja.people.roles import Role
from esja.store.directory import DirectoryStore
from local.runtime import LocalAws
from local.world import COACH, ENTERPRISE, KEYS, ORGANIZER, SIGNATORY
from tests.invitation_builders import invitation_fields
from tests.pledge_builders import Fields
from tests.space_web import SpaceWeb, Visitor, location, main_text

MON_CHOIX, PARK, VERGER = "ateliers-mon-choix", "parc-kiskotuk", "verger-patrimonial"
LISTING, PUBLISH, UNPUBLISH = (
    "/entreprise/repertoire",
    "/entreprise/repertoire/publier",
    "/entreprise/repertoire/retirer",
)
MODERATION, TAKE_DOWN, RESTORE = (
    "/organisation/repertoire",
    "/organisation/repertoire/retrait",
    "/organisation/repertoire/retablir",
)
CONSENT = {"consentement": "yes", "version_libelle": LISTING_WORDING_VERSION}
REASON = "Description injurieuse envers une autre entreprise."


def listing_fields(
    description: str = "Ateliers de Rimouski : emballage, couture et entretien ménager.", **more: str | list[str]
) -> Fields:
    return {
        "action": "enregistrer",
        "description_fr": description,
        "regions": ["01"],
        "categories": ["services"],
        "families": ["7315", "7611"],
        "website": "https://ateliersmonchoix.example.org",
        "contact_email": "info@ateliersmonchoix.example.org",
        **more,
    }


@pytest.fixture(scope="module")
def store(aws_world: LocalAws) -> DirectoryStore:
    return DirectoryStore(aws_world.resources.names["DirectoryTable"], aws_world.client("dynamodb"))


@pytest.fixture(scope="module")
def people(web: SpaceWeb) -> dict[str, Visitor]:
    [pledge_id] = web.pledge_store.of_person(KEYS(SIGNATORY.email))
    return {
        "julie": web.session_for(ENTERPRISE.email, Role.ENTERPRISE, MON_CHOIX),
        "park": web.session_for(COACH.email, Role.ENTERPRISE, PARK),  # another enterprise
        "verger": web.session_for("verger@example.org", Role.ENTERPRISE, VERGER),
        "esbsl": web.session_for(COACH.email, Role.ORGANIZER, "esbsl"),
        "cesim": web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim"),  # Montréal: not the pilot's region
        "signatory": web.session_for(SIGNATORY.email, Role.SIGNATORY, pledge_id),
    }


def in_directory(web: SpaceWeb, enterprise_id: str, words: str = "") -> bool:
    """Whether the public search finds it (the web function's cached read model) — and, asked without words,
    whether its page answers the same."""
    found = f'href="/repertoire/{enterprise_id}?' in web.get(f"/repertoire?q={words}")["body"]
    page = web.get(f"/repertoire/{enterprise_id}")["statusCode"]
    assert words or found == (page == 200), (found, page)
    return found


def records(store: DirectoryStore) -> dict[str, ListingRecord]:
    return {r.enterprise_id: r for r in store.records()}


def test_an_enterprise_previews_saves_and_the_directory_shows_it_at_once(
    web: SpaceWeb, people: dict[str, Visitor]
) -> None:
    julie = people["julie"]
    assert in_directory(web, MON_CHOIX) and not in_directory(web, MON_CHOIX, "ruches")
    assert "Entreprise adaptée de Rimouski" in main_text(julie.get(LISTING))

    preview = julie.post(LISTING, listing_fields("Nous fabriquons aussi des ruches en bois.", action="apercu"))
    assert preview["statusCode"] == 200 and "Aperçu : ce que le public verrait" in main_text(preview)
    assert "Nous fabriquons aussi des ruches en bois." in main_text(preview)
    assert not in_directory(web, MON_CHOIX, "ruches")  # nothing saved

    saved = julie.post(LISTING, listing_fields("Nous fabriquons aussi des ruches en bois."))
    assert saved["statusCode"] == 303 and location(saved) == f"{LISTING}?lang=fr&avis=saved-public"
    assert "le répertoire la montre déjà ainsi" in main_text(julie.get(location(saved)))
    assert in_directory(web, MON_CHOIX, "ruches")
    assert web.audit_actions()[-1] == "listing.save"


def test_withdrawing_takes_it_off_at_once_and_publishing_needs_the_consent(
    web: SpaceWeb, people: dict[str, Visitor], store: DirectoryStore
) -> None:
    julie = people["julie"]
    assert in_directory(web, MON_CHOIX)  # the read model is built and cached in the function's container

    assert julie.post(UNPUBLISH)["statusCode"] == 303
    assert not in_directory(web, MON_CHOIX)

    refused = julie.post(PUBLISH, {"version_libelle": LISTING_WORDING_VERSION})
    assert refused["statusCode"] == 422 and "Cochez la case d'accord" in main_text(refused)
    assert not in_directory(web, MON_CHOIX)

    assert julie.post(PUBLISH, CONSENT)["statusCode"] == 303
    assert in_directory(web, MON_CHOIX)
    assert web.audit_actions()[-2:] == ["listing.unpublish", "listing.publish"]
    kinds = [(c.kind.value, c.address_key, c.wording_version) for c in store.choices(MON_CHOIX)[-2:]]
    assert kinds == [
        ("unlisted", KEYS(ENTERPRISE.email), ""),
        ("listed", KEYS(ENTERPRISE.email), LISTING_WORDING_VERSION),
    ]


def test_another_enterprises_session_changes_only_its_own_listing(
    web: SpaceWeb, people: dict[str, Visitor], store: DirectoryStore
) -> None:
    park, before = people["park"], records(store)[MON_CHOIX]

    shown = main_text(park.get(LISTING))
    saved = park.post(
        LISTING,
        listing_fields(
            "Sentiers côtiers et guides naturalistes.",
            entreprise=MON_CHOIX,
            contact_email="groupes@parckiskotuk.example.org",
        ),
    )
    withdrawn = park.post(UNPUBLISH, {"entreprise": MON_CHOIX})

    assert "Les Ateliers Mon Choix" not in shown and "parc côtier" in shown
    assert saved["statusCode"] == withdrawn["statusCode"] == 303
    assert records(store)[MON_CHOIX] == before and in_directory(web, MON_CHOIX)
    assert records(store)[PARK].listing.description.fr == "Sentiers côtiers et guides naturalistes."
    assert not in_directory(web, PARK)
    assert park.post(PUBLISH, CONSENT)["statusCode"] == 303 and in_directory(web, PARK)


ENTERPRISE_ROUTES = [("GET", LISTING), ("POST", LISTING), ("POST", PUBLISH), ("POST", UNPUBLISH)]
ORGANIZER_ROUTES = [("GET", MODERATION), ("POST", TAKE_DOWN), ("POST", RESTORE)]


def send(visitor: Visitor, method: str, path: str, **token: str) -> dict[str, Any]:
    fields = {**listing_fields(), **CONSENT, "entreprise": MON_CHOIX, "motif": REASON}
    return visitor.get(path) if method == "GET" else visitor.post(path, fields, **token)


@pytest.mark.parametrize(
    ("routes", "others"), [(ENTERPRISE_ROUTES, ["cesim", "signatory"]), (ORGANIZER_ROUTES, ["julie", "signatory"])]
)
def test_every_route_refuses_another_roles_session_and_changes_nothing(
    web: SpaceWeb, people: dict[str, Visitor], store: DirectoryStore, routes: list[tuple[str, str]], others: list[str]
) -> None:
    before, audit = records(store), web.audit_actions()

    for other in others:
        for method, path in routes:
            answer = send(people[other], method, path)
            assert answer["statusCode"] == 403, (other, method, path)
            assert "ne donne pas accès" in main_text(answer)

    assert records(store) == before and web.audit_actions() == audit


@pytest.mark.parametrize(("method", "path"), ENTERPRISE_ROUTES + ORGANIZER_ROUTES)
def test_every_route_without_a_session_sends_to_sign_in(
    web: SpaceWeb, store: DirectoryStore, method: str, path: str
) -> None:
    before = records(store)

    answer = send(Visitor(web), method, path)

    back = "&suite=" if method == "GET" else ""  # a POST comes back to its form's page (its Referer): none sent here
    assert answer["statusCode"] == 303 and location(answer).startswith(f"/connexion?lang=fr{back}")
    assert records(store) == before


@pytest.mark.parametrize(
    ("who", "path"), [("julie", p) for _, p in ENTERPRISE_ROUTES[1:]] + [("esbsl", p) for _, p in ORGANIZER_ROUTES[1:]]
)
def test_every_post_without_the_sessions_token_is_refused_and_changes_nothing(
    web: SpaceWeb, people: dict[str, Visitor], store: DirectoryStore, who: str, path: str
) -> None:
    before, audit = records(store), web.audit_actions()
    foreign = people["park"].form_token

    missing, forged = send(people[who], "POST", path, token=""), send(people[who], "POST", path, token=foreign)

    assert missing["statusCode"] == forged["statusCode"] == 403
    assert "rien n'a été fait" in main_text(missing)
    assert records(store) == before and web.audit_actions() == audit


def test_an_organizer_takes_a_listing_down_and_lifts_it(
    web: SpaceWeb, people: dict[str, Visitor], store: DirectoryStore
) -> None:
    esbsl, verger = people["esbsl"], people["verger"]
    assert in_directory(web, VERGER) and "Verger patrimonial" in main_text(esbsl.get(MODERATION))

    done = esbsl.post(TAKE_DOWN, {"entreprise": VERGER, "motif": REASON})

    assert done["statusCode"] == 303 and "Fiche retirée du répertoire." in main_text(esbsl.get(location(done)))
    assert not in_directory(web, VERGER)
    told = main_text(verger.get(LISTING))
    assert REASON in told and "retiré votre fiche du répertoire" in told
    refused = verger.post(PUBLISH, CONSENT)
    assert refused["statusCode"] == 409 and not in_directory(web, VERGER)

    assert esbsl.post(RESTORE, {"entreprise": VERGER})["statusCode"] == 303
    assert not in_directory(web, VERGER)  # the enterprise chooses again
    assert verger.post(PUBLISH, CONSENT)["statusCode"] == 303 and in_directory(web, VERGER)
    journal = main_text(esbsl.get("/organisation/journal?action=listing.take-down"))
    assert "listing.take-down" in journal and VERGER in journal and REASON not in journal


def test_an_organizer_of_another_region_cannot_take_it_down(
    web: SpaceWeb, people: dict[str, Visitor], store: DirectoryStore
) -> None:
    before = records(store)

    refused = people["cesim"].post(TAKE_DOWN, {"entreprise": VERGER, "motif": REASON})
    unknown = people["esbsl"].post(TAKE_DOWN, {"entreprise": "nobody", "motif": REASON})
    no_reason = people["esbsl"].post(TAKE_DOWN, {"entreprise": VERGER, "motif": "x"})

    assert (refused["statusCode"], unknown["statusCode"], no_reason["statusCode"]) == (403, 404, 422)
    assert "Verger patrimonial" not in main_text(people["cesim"].get(MODERATION))
    assert records(store) == before and in_directory(web, VERGER)


def test_a_signatory_may_name_a_listed_enterprise_and_not_one_that_withdrew(
    web: SpaceWeb, people: dict[str, Visitor]
) -> None:
    named = invitation_fields(datetime.now(UTC) + timedelta(days=10), audience="named", enterprises=PARK)
    assert in_directory(web, PARK)

    posted = people["signatory"].post("/signataire/invitations/nouvelle?lang=fr", named)
    assert people["park"].post(UNPUBLISH)["statusCode"] == 303
    refused = people["signatory"].post("/signataire/invitations/nouvelle?lang=fr", {**named, "ref": "deux"})

    assert posted["statusCode"] == 303
    assert refused["statusCode"] == 422 and PARK in main_text(refused)
    assert people["park"].post(PUBLISH, CONSENT)["statusCode"] == 303


# --- Hostile values: never a 5xx, never unescaped ---------------------------------------------------------

MARKUP = ("<script>alert(1)</script>", "'\"><img src=x onerror=alert(1)>")
HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [*MARKUP, "\x00", "é" * 700, "%00", "01", "QC", "7611", "https://a.example.org/<b>", "a@b.example.org"]
    ),
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_escaped(answer: dict[str, Any], *sent: str) -> None:
    body = answer.get("body") or ""
    assert not [probe for probe in MARKUP if probe in sent and probe in body]


@FUZZ
@given(
    description=HOSTILE,
    english=HOSTILE,
    region=HOSTILE,
    family=HOSTILE,
    typed=HOSTILE,
    website=HOSTILE,
    email=HOSTILE,
    action=HOSTILE,
)
def test_the_listing_form_takes_anything_without_a_5xx(
    people: dict[str, Visitor],
    description: str,
    english: str,
    region: str,
    family: str,
    typed: str,
    website: str,
    email: str,
    action: str,
) -> None:
    fields = {
        "description_fr": description,
        "description_en": english,
        "regions": [region, "01"],
        "categories": [region],
        "families": [family],
        "other_families": typed,
        "website": website,
        "contact_email": email,
    }
    park = people["park"]
    answers = [
        park.post(LISTING, {**fields, "action": "apercu"}),
        park.post(LISTING, {**fields, "action": action}),
        park.post(PUBLISH, {"consentement": description, "version_libelle": action}),
    ]

    for answer in answers:
        assert answer["statusCode"] < 500
        assert_escaped(answer, description, english, region, family, typed, website, email, action)


@FUZZ
@given(enterprise=HOSTILE, reason=HOSTILE, notice=HOSTILE)
def test_the_consoles_directory_forms_take_anything_without_a_5xx(
    people: dict[str, Visitor], enterprise: str, reason: str, notice: str
) -> None:
    cesim = people["cesim"]  # no listing of its regions: nothing it sends can take one down
    answers = [
        cesim.post(TAKE_DOWN, {"entreprise": enterprise, "motif": reason}),
        cesim.post(RESTORE, {"entreprise": enterprise}),
        cesim.get(f"{MODERATION}?avis={notice[:40]}".replace("#", "%23")),
        people["julie"].get(f"{LISTING}?avis={notice[:40]}".replace("#", "%23")),
    ]

    for answer in answers:
        assert answer["statusCode"] < 500
        assert_escaped(answer, enterprise, reason, notice)
