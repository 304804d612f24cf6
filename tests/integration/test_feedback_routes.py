"""Was it relevant, on moto through the web function: an alert's link opens a page that records nothing, its
buttons record one vote; the enterprise's space and the console of its region's organizers show the feedback and
the suggestions — another enterprise, another region, nobody signed in see none of it; hostile values never give
a 5xx nor come back unescaped."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
from hypothesis import given

from esja.alerts.model import ProfileRef
from esja.feedback.links import FeedbackLinks
from esja.people.roles import Role
from esja.store.feedback import FeedbackStore
from esja.tokens import SigningKeys
from local import feedback_case
from local.world import COACH, ENTERPRISE, ORGANIZER
from tests.integration.test_space_routes import FUZZ, HOSTILE, assert_escaped
from tests.pledge_builders import BASE_URL
from tests.space_web import SpaceWeb, location, main_text

ENTERPRISE_ID, PROFILE_ID = feedback_case.ENTERPRISE_ID, feedback_case.PROFILE_ID
WINDOWS = f"seao:{feedback_case.ANSWERS[3].native_id}"


def ballot_path(web: SpaceWeb, *, voter: str = "subscriber-new", relevant: bool = False, lang: str = "fr") -> str:
    links = FeedbackLinks(BASE_URL, SigningKeys.from_list(web.keys))
    url = links.url(voter, WINDOWS, (ProfileRef(ENTERPRISE_ID, PROFILE_ID, ""),), relevant=relevant, lang=lang)
    return url.removeprefix(BASE_URL)


def token_of(path: str) -> str:
    return path.split("jeton=")[1].split("&", maxsplit=1)[0]


def votes(web: SpaceWeb) -> FeedbackStore:
    return FeedbackStore(web.aws.resources.names["MatchesTable"], web.aws.client("dynamodb"))


def test_the_links_page_shows_the_tender_with_both_buttons_and_records_nothing(web: SpaceWeb) -> None:
    answer = web.get(ballot_path(web, voter="just-looking"))

    page = main_text(answer)
    assert answer["statusCode"] == 200
    assert "Lavage des vitres extérieures en hauteur" in page and "Les Ateliers Mon Choix" in page
    assert page.index("Pas pertinent") < page.index(">Pertinent")  # the link's own answer first
    assert "gardée tant que l'entreprise est inscrite au programme, et effacée avec elle" in page  # how long
    assert votes(web).vote_of(ENTERPRISE_ID, WINDOWS, "just-looking") is None


def test_a_button_records_the_vote_and_a_second_one_replaces_it(web: SpaceWeb) -> None:
    path = ballot_path(web, voter="subscriber-new", lang="en")
    token = token_of(path)

    first = web.post("/pertinence?lang=en", {"jeton": token, "reponse": "oui"})
    second = web.post("/pertinence?lang=en", {"jeton": token, "reponse": "non"})

    assert first["statusCode"] == second["statusCode"] == 200
    assert "your answer “Not relevant” is recorded" in main_text(second)
    vote = votes(web).vote_of(ENTERPRISE_ID, WINDOWS, "subscriber-new")
    assert vote is not None and not vote.relevant and vote.profile_ids == (PROFILE_ID,)
    assert vote.tender is not None and vote.tender.key == WINDOWS
    assert "Vous avez déjà répondu « Pas pertinent »" in main_text(web.get(path.replace("lang=en", "lang=fr")))


@pytest.mark.parametrize(
    ("token", "answer"), [("forged.token", "non"), ("", "oui"), ("REAL", "peut-être"), ("REAL", "")]
)
def test_a_forged_link_or_an_answer_no_button_sends_is_a_clear_400_and_records_nothing(
    web: SpaceWeb, token: str, answer: str
) -> None:
    sent = token_of(ballot_path(web, voter="never-counted")) if token == "REAL" else token

    refused = web.post("/pertinence", {"jeton": sent, "reponse": answer})

    assert refused["statusCode"] == 400 and "rien n'a été noté" in main_text(refused)
    assert votes(web).vote_of(ENTERPRISE_ID, WINDOWS, "never-counted") is None


def test_the_enterprise_sees_its_feedback_and_the_suggestions(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, ENTERPRISE_ID)

    page = main_text(julie.get("/entreprise/pertinence"))

    assert "Exclure le mot « vitres » aurait évité 3 des 4 appels jugés pas pertinents" in page
    assert "Remplacer le code 761115 (" in page and "par 76111501 (Services de nettoyage des bâtiments)" in page
    assert "Nettoyage de vitres en hauteur – pavillon principal" in page


def test_another_enterprise_sees_only_its_own_feedback(web: SpaceWeb) -> None:
    park = web.session_for(COACH.email, Role.ENTERPRISE, "parc-kiskotuk")  # the coach manages Parc Kiskotuk

    page = main_text(park.get("/entreprise/pertinence"))

    assert "vitres" not in page and "Personne n'a encore répondu" in page


def test_the_organizers_of_its_region_see_the_enterprises_feedback(web: SpaceWeb) -> None:
    esbsl = web.session_for(COACH.email, Role.ORGANIZER, "esbsl")

    overview = main_text(esbsl.get("/organisation/pertinence"))
    detail = main_text(esbsl.get(f"/organisation/pertinence/entreprise?entreprise={ENTERPRISE_ID}"))

    assert "Les Ateliers Mon Choix" in overview
    assert "Exclure le mot « vitres »" in detail


def test_an_organizer_of_another_region_sees_neither_the_list_nor_the_enterprise(web: SpaceWeb) -> None:
    cesim = web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim")

    assert "Les Ateliers Mon Choix" not in main_text(cesim.get("/organisation/pertinence"))
    assert cesim.get(f"/organisation/pertinence/entreprise?entreprise={ENTERPRISE_ID}")["statusCode"] == 404


@pytest.mark.parametrize(
    ("path", "role", "item"),
    [
        ("/entreprise/pertinence", Role.ORGANIZER, "cesim"),
        ("/organisation/pertinence", Role.ENTERPRISE, ENTERPRISE_ID),
        (f"/organisation/pertinence/entreprise?entreprise={ENTERPRISE_ID}", Role.ENTERPRISE, ENTERPRISE_ID),
    ],
)
def test_each_space_page_refuses_another_roles_session_and_sends_nobody_to_sign_in(
    web: SpaceWeb, path: str, role: Role, item: str
) -> None:
    other = web.session_for(ENTERPRISE.email if role is Role.ENTERPRISE else ORGANIZER.email, role, item)

    assert other.get(path)["statusCode"] == 403
    nobody = web.get(path)
    assert nobody["statusCode"] == 303 and location(nobody).startswith("/connexion?lang=fr&suite=")


@FUZZ
@given(token=HOSTILE, answer=HOSTILE, enterprise=HOSTILE)
def test_hostile_values_never_give_a_5xx_nor_come_back_unescaped(
    web: SpaceWeb, token: str, answer: str, enterprise: str
) -> None:
    esbsl = web.session_for(COACH.email, Role.ORGANIZER, "esbsl")
    answers = [
        web.get(f"/pertinence?jeton={quote(token)}"),
        web.post("/pertinence", {"jeton": token, "reponse": answer}),
        esbsl.get(f"/organisation/pertinence/entreprise?entreprise={quote(enterprise)}"),
    ]

    for answered in answers:
        assert answered["statusCode"] < 500
        assert_escaped(answered, token, answer, enterprise)


def test_a_suggestion_is_accepted_in_one_step_with_its_preview_then_saved(web: SpaceWeb) -> None:
    julie = web.session_for(ENTERPRISE.email, Role.ENTERPRISE, ENTERPRISE_ID)
    page = julie.get("/entreprise/pertinence")["body"]
    form = re.search(r'<form method="post" action="/entreprise/profils/formulaire\?lang=fr">(.*?)</form>', page, re.S)
    assert form
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form[1]):
        fields.setdefault(name, []).append(html.unescape(value))
    fields["action"] = ["apercu"]

    previewed = julie.post("/entreprise/profils/formulaire?lang=fr", fields)

    shown = main_text(previewed)
    assert previewed["statusCode"] == 200 and "Aperçu : les 60 derniers jours" in shown
    assert re.search(r'<textarea[^>]*name="excluded"[^>]*>[^<]*vitres', previewed["body"])
    saved = julie.post("/entreprise/profils/formulaire?lang=fr", fields | {"action": ["enregistrer"]})
    assert saved["statusCode"] == 303
    [cleaning] = [p for p in web.enterprises.profiles_of(ENTERPRISE_ID) if p.id == PROFILE_ID]
    assert "vitres" in cleaning.excluded
    assert "Exclure le mot « vitres »" not in main_text(julie.get("/entreprise/pertinence"))  # done: not again
