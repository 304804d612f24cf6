"""What a Québec reader finds on the public pages and in the confirmation e-mail, through the web
function's real handler on moto: one registry entry per institution, names never glued into a sentence,
an e-mail that repeats what was signed, a privacy notice naming who collects, a footer on every page,
and each language free of the other."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from esja.rendering import catalogue, wording
from local.outbox import sent_emails
from local.runtime import LocalAws
from tests.integration.test_pledge_routes import set_attribute, sign_and_confirm
from tests.pledge_builders import WebClient, links_in, main_of

ORGANISATION = "Chantier de l'économie sociale"  # template.yaml's SenderOrganisation
# A name glued into a sentence: « l'engagement de Ville de Rimouski », "on behalf of Ville de Rimouski".
GLUED = re.compile(r"\b(?:de|du|of|for|pour|behalf of|au nom de)\s+(?:Ville|MRC|Cégep) de ", re.IGNORECASE)


@pytest.fixture
def web(aws: LocalAws) -> WebClient:
    return WebClient(aws)


def visible(page_or_html: dict[str, Any] | str) -> str:
    """The text a reader sees (tags dropped, entities decoded, spaces made plain)."""
    body = page_or_html if isinstance(page_or_html, str) else page_or_html["body"]
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


# --- 2. The registry: one entry per institution ------------------------------------------------------


def test_the_registry_lists_each_institution_once_with_everyone_who_signed_for_it(web: WebClient) -> None:
    sign_and_confirm(web, signatory_name="Marie Tremblay", email="marie@rimouski.example.org")
    sign_and_confirm(web, signatory_name="Luc Bérubé", email="luc@rimouski.example.org")
    sign_and_confirm(
        web, institution_name="VILLE DE RIMOUSKI", signatory_name="Ana Roy", email="ana@rimouski.example.org"
    )
    sign_and_confirm(web, institution_name="Cégep de Rimouski", institution_type="cegep", email="a@cegep.example.org")
    web.verify_waiting()

    french, english = main_of(web.get("/registre")), main_of(web.get("/registre?lang=en"))

    assert "2 institutions signataires" in french and "2 signatory institutions" in english
    headings = re.findall(r"<h2>([^<]+)</h2>", french)
    assert len(headings) == 2 and headings[0] == "Cégep de Rimouski"  # by name
    assert headings[1].casefold() == "ville de rimouski"  # as its latest signatory wrote it
    entry = french[french.index(f"<h2>{headings[1]}</h2>") :]
    assert "Marie Tremblay" in entry and "Luc Bérubé" in entry and "Ana Roy" in entry  # grouped under it
    assert "Signataires" in entry and "Signatories" in english


def test_the_same_name_in_two_regions_is_two_institutions(web: WebClient) -> None:
    sign_and_confirm(web, institution_name="Municipalité de Saint-Joseph", region="12", email="a@sj.example.org")
    sign_and_confirm(web, institution_name="Municipalité de Saint-Joseph", region="16", email="b@sj.example.org")
    web.verify_waiting()

    assert "2 institutions signataires" in main_of(web.get("/registre"))


# --- 3. Institution names quoted or after a colon ----------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_institution_names_are_never_glued_into_a_sentence(web: WebClient, lang: str) -> None:
    web.submit(lang)
    [email] = sent_emails()
    links = links_in(email)
    to_confirm = web.get(links["confirm"])
    token = re.search(r'name="jeton" value="([^"]+)"', to_confirm["body"])
    assert token
    confirmed = web.post(f"/engagement/confirmation?lang={lang}", {"jeton": token[1]})
    to_withdraw = web.get(links["withdraw"])
    token = re.search(r'name="jeton" value="([^"]+)"', to_withdraw["body"])
    assert token
    withdrawn = web.post(f"/engagement/retrait?lang={lang}", {"jeton": token[1]})

    shown = [email.part("text/plain"), visible(email.part("text/html"))]
    shown += [visible(p) for p in (to_confirm, confirmed, to_withdraw, withdrawn)]
    for text in shown:
        assert "Ville de Rimouski" in text
        assert not GLUED.search(text), GLUED.search(text)
    quoted = "« Ville de Rimouski »" if lang == "fr" else "“Ville de Rimouski”"
    assert quoted in visible(confirmed) and quoted in visible(withdrawn)
    assert "<dt>Institution</dt><dd>Ville de Rimouski</dd>" in to_confirm["body"]


# --- 4. The confirmation e-mail repeats what was signed ----------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_confirmation_email_repeats_the_four_commitments_and_the_target(web: WebClient, lang: str) -> None:
    web.submit(lang, target_share="15", categories=["goods", "works"])

    [email] = sent_emails()
    text, html_ = email.part("text/plain"), email.part("text/html")
    for part in (text, visible(html_)):
        flat = part.replace("\u00a0", " ")
        for n in range(1, 5):
            assert wording(f"pledge.declaration.{n}", lang).replace("\u00a0", " ") in flat, n
        assert ("15 %" if lang == "fr" else "15%") in flat
        assert ("Biens, Travaux de construction" if lang == "fr" else "Goods, Construction work") in flat


def test_the_withdrawal_link_is_short_labelled_and_after_the_confirmation_button(web: WebClient) -> None:
    web.submit()

    [email] = sent_emails()
    html_, text = email.part("text/html"), email.part("text/plain")
    links = links_in(email)
    confirm_at = html_.index(html.escape(links["confirm"]))
    withdrawal = re.search(r'<a href="([^"]*/engagement/retrait\?[^"]+)"[^>]*>([^<]+)</a>', html_)
    assert withdrawal and withdrawal.start() > confirm_at
    assert html.unescape(withdrawal[2]) == "Retirer l'engagement"
    assert "/engagement/retrait" not in visible(html_)  # never a raw address in the HTML part
    assert text.index("/engagement/confirmation") < text.index("Retirer l'engagement\u00a0: http")


# --- 5. The privacy notice, the consent hint, the institution types ----------------------------------


def test_the_privacy_notice_names_the_organisation_that_collects(web: WebClient) -> None:
    web.env["SENDER_ORGANISATION"] = "Économie sociale Bas-Saint-Laurent"

    french, english = web.get("/engagement"), web.get("/engagement?lang=en")

    notice = visible(french["body"][french["body"].index('id="privacy-title"') :])
    assert "Organisme qui recueille ces renseignements : Économie sociale Bas-Saint-Laurent" in notice
    assert "Collected by: Économie sociale Bas-Saint-Laurent" in visible(english)


def test_the_consent_hint_sits_under_the_registry_checkbox(web: WebClient) -> None:
    body = web.get("/engagement")["body"]

    checkbox = body.index('id="registry_consent"')
    hint = body.index('id="registry_consent-hint"')
    assert checkbox < hint < body.index('id="privacy-title"')
    assert body.index('id="declaration"') < checkbox  # not under the declaration's box any more
    assert "Ce consentement est distinct" in visible(body[hint - 40 :])[:120]


def test_private_company_is_not_offered_but_pledges_signed_as_one_still_show(web: WebClient) -> None:
    assert "Entreprise privée" not in web.get("/engagement")["body"]
    assert "Private company" not in web.get("/engagement?lang=en")["body"]
    refused = web.submit(institution_type="private-company")
    assert refused["statusCode"] == 422 and web.pledges() == []

    sign_and_confirm(web)
    web.verify_waiting()
    [item] = web.pledges()
    set_attribute(web, item, "institution_type", {"S": "private-company"})  # stored before this change

    registry = web.get("/registre")
    assert registry["statusCode"] == 200 and "Entreprise privée" in visible(registry)


# --- 6. Text that reaches an e-mail or the registry ---------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "field", "value", "message"),
    [
        ("fr", "signatory_title", "Voir evil-phish.com", "Une adresse Web ou un nom de domaine"),
        ("en", "institution_name", "Ville de Rimouski bit.ly/abc", "A web address or a domain name"),
        ("fr", "signatory_name", "Marie\u3164Tremblay", "caractère invisible ou de mise en forme (U+3164)"),
        ("en", "institution_name", "Ville\u200b de Rimouski", "invisible or formatting character (U+200B)"),
        ("fr", "institution_name", "Ville de Rimouski\U000e0041", "(U+E0041)"),
    ],
)
def test_hostile_text_is_refused_saying_what_in_the_persons_language(
    web: WebClient, lang: str, field: str, value: str, message: str
) -> None:
    answer = web.submit(lang, **{field: value})

    assert answer["statusCode"] == 422
    assert message in visible(re.search(rf'<p class="error" id="{field}-error">.*?</p>', answer["body"])[0])  # type: ignore[index]
    assert web.pledges() == [] and sent_emails() == []


# --- 7. Every page: a skip link and a footer; the home page speaks to enterprises too ------------------


def test_every_page_has_a_skip_link_and_a_footer_naming_who_runs_it(web: WebClient) -> None:
    pages = ["/", "/engagement", "/engagement/envoye", "/registre", "/engagement/confirmation?jeton=x"]
    pages += ["/desabonnement?jeton=x", "/nulle-part", "/sommaire?jeton=x"]
    for path in pages:
        for lang, officer in (
            ("fr", "Responsable de la protection des renseignements personnels :"),
            ("en", "Privacy officer:"),
        ):
            body = web.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")["body"]
            first_link = re.search(r"<a [^>]*>", body[body.index("<body") :])
            assert first_link and 'href="#content"' in first_link[0], path
            assert 'id="content"' in body, path
            footer = visible(body[body.index("<footer") :])
            assert ORGANISATION in footer, path
            assert "info@esja.example.org" in footer and f"{officer} vieprivee@esja.example.org" in footer, path


def test_the_home_page_tells_an_enterprise_whom_to_write_to_for_alerts(web: WebClient) -> None:
    french, english = web.get("/"), web.get("/?lang=en")

    assert "Vous êtes une entreprise d'économie sociale ?" in visible(french)
    assert "Pour recevoir les alertes, écrivez-nous" in visible(french)
    assert "To get the alerts, write to us" in visible(english)
    main = french["body"][french["body"].index("<main") : french["body"].index("</main>")]
    assert 'href="mailto:info@esja.example.org"' in main


# --- 13. No French in English pages and mail, and the reverse -----------------------------------------


def phrases(lang: str) -> set[str]:
    """Wording of one language that the other never shares (long enough not to be a proper name)."""
    other = "en" if lang == "fr" else "fr"
    found = set()
    for texts in catalogue().values():
        for written in re.split(r"\{[a-z_]+\}", texts[lang]):
            piece = written.strip(" .,:;?!()«»“”—-")
            if len(piece) >= 12 and piece not in texts[other]:
                found.add(piece)
    return found


def test_each_language_is_free_of_the_other_in_pages_and_the_confirmation_email(web: WebClient) -> None:
    for lang, foreign in (("en", {"j'achète", "Responsable", "renseignements"}), ("fr", {"Privacy officer"})):
        web.submit(lang, email=f"{lang}@rimouski.example.org")
        email = sent_emails()[-1]
        shown = [email.subject, email.part("text/plain"), visible(email.part("text/html"))]
        shown += [visible(web.get(f"{path}?lang={lang}")) for path in ("/", "/engagement", "/registre", "/nulle-part")]
        other = phrases("fr" if lang == "en" else "en") | foreign
        for text in shown:
            assert not [p for p in other if p in text.replace("\u00a0", " ")], (lang, text[:80])
    assert web.get("/?lang=en")["body"].count("I Buy Social Economy!") >= 1
